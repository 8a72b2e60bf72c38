"""Name lists → one lookup of working-form names with label, canonical name and kb id.

Sources, merged in this order (the first entry for a working form wins):
1. user gazetteers (``--gazetteer FILE``: CSV or JSONL with ``name, label, canonical, kb_id, aliases``);
2. countries: ISO 3166 codes with their zh, zh_Hant and zh_Hant_HK names from CLDR through Babel,
   plus ``data/countries_extra.tsv`` (aliases, abbreviations);
3. ``data/places.tsv`` (cities and regions) and the name files of :data:`NAME_FILES`.

Names may be written in either script; they are keyed on their normalised working form, so one
entry matches traditional and simplified text alike.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .resources import data_path

LABELS = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE")

# CLDR territory codes that are not countries or territories a text names as a polity.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AQ", "BV", "HM", "CP", "DG", "EA", "IC", "TA", "UM"}


class GazetteerError(ValueError):
    """A gazetteer file that cannot be used; the message names the file, line and fix."""


@dataclass(frozen=True)
class Entry:
    label: str
    canonical: str
    kb_id: str = ""
    source: str = "gazetteer"


@dataclass
class Gazetteer:
    names: dict[str, Entry] = field(default_factory=dict)          # working form -> entry
    abbreviations: dict[str, tuple[Entry, bool]] = field(default_factory=dict)  # char -> (entry, standalone)

    def add(self, working_name: str, entry: Entry) -> None:
        if working_name and working_name not in self.names:
            self.names[working_name] = entry

    @property
    def max_len(self) -> int:
        return max(map(len, self.names), default=0)


@dataclass(frozen=True)
class RawName:
    """A name as written in a source, before normalisation."""

    name: str
    entry: Entry


def _country_names() -> tuple[list[RawName], list[tuple[str, Entry, bool]]]:
    from babel import Locale

    simplified = Locale.parse("zh").territories
    names: list[RawName] = []
    for locale in ("zh", "zh_Hant", "zh_Hant_HK"):
        for code, name in Locale.parse(locale).territories.items():
            if len(code) != 2 or not code.isalpha() or code in _NOT_COUNTRIES:
                continue
            names.append(RawName(name, Entry("GPE", simplified[code], code)))
    abbreviations = []
    with open(data_path("countries_extra.tsv"), encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for row in rows:
            entry = Entry("GPE", simplified.get(row["code"], row["name"]), row["code"])
            if row["kind"] == "alias":
                names.append(RawName(row["name"], entry))
            else:
                abbreviations.append((row["name"], entry, row["kind"] == "abbr_standalone"))
    return names, abbreviations


def _split_aliases(value) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [a.strip() for a in str(value or "").replace("|", ";").split(";") if a.strip()]


def _entry_names(row: dict, where: str, source: str) -> list[RawName]:
    name = str(row.get("name") or "").strip()
    label = str(row.get("label") or "").strip().upper()
    if not name:
        raise GazetteerError(f"{where}: no 'name'. Each row needs name and label (columns: name, label, canonical, kb_id, aliases).")
    if label not in LABELS:
        raise GazetteerError(f"{where}: label {label!r} for {name!r} is not one of {', '.join(LABELS)}.")
    canonical = str(row.get("canonical") or "").strip() or name
    entry = Entry(label, canonical, str(row.get("kb_id") or "").strip(), source)
    return [RawName(n, entry) for n in [name, canonical, *_split_aliases(row.get("aliases"))]]


def read_name_file(path: str | Path, source: str = "gazetteer") -> list[RawName]:
    """Read a CSV/TSV or JSONL name list. Raises :class:`GazetteerError` naming the file and line."""
    path = Path(path)
    if not path.is_file():
        raise GazetteerError(f"{path}: no such gazetteer file. Pass a CSV or JSONL file with columns name, label, canonical, kb_id, aliases.")
    names: list[RawName] = []
    try:
        with open(path, encoding="utf-8-sig") as f:
            if path.suffix in (".jsonl", ".json"):
                for number, line in enumerate(f, 1):
                    if line.strip() and not line.lstrip().startswith("#"):
                        try:
                            row = json.loads(line)
                        except json.JSONDecodeError as exc:
                            raise GazetteerError(f"{path}:{number}: not valid JSON ({exc.msg}). Write one object a line.") from None
                        if not isinstance(row, dict):
                            raise GazetteerError(f"{path}:{number}: expected an object with name and label, got {type(row).__name__}.")
                        names += _entry_names(row, f"{path}:{number}", source)
            else:
                numbered = [(n, line) for n, line in enumerate(f, 1) if not line.startswith("#")]
                lines = [line for _, line in numbered]
                delimiter = "\t" if path.suffix == ".tsv" or "\t" in (lines[0] if lines else "") else ","
                for (number, _), row in zip(numbered[1:], csv.DictReader(lines, delimiter=delimiter)):
                    names += _entry_names(row, f"{path}:{number}", source)
    except UnicodeDecodeError:
        raise GazetteerError(f"{path}: not UTF-8 text. Save the gazetteer as UTF-8.") from None
    return names


# Organisations and treaties; named events (wars, games, fairs); languages; legislatures, courts,
# agencies and news organisations that texts name without their country.
NAME_FILES = ("names.jsonl", "events.jsonl", "languages.jsonl", "institutions.jsonl")


def builtin_names() -> tuple[list[RawName], list[tuple[str, Entry, bool]]]:
    countries, abbreviations = _country_names()
    places = read_name_file(data_path("places.tsv"))
    named = [name for file in NAME_FILES for name in read_name_file(data_path(file))]
    return countries + places + named, abbreviations


def protected_forms(names: Iterable[RawName]) -> set[str]:
    """Traditional spellings that OpenCC's phrase conversion would mangle (``哈薩克斯坦``).

    A spelling is protected when its phrase conversion is no known name but its character
    conversion is: the normaliser then converts it character by character.
    """
    import opencc

    phrase, chars = opencc.OpenCC("tw2sp"), opencc.OpenCC("t2s")
    to_traditional = [opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2hk")]
    known = {chars.convert(n.name) for n in names}
    protected = set()
    for simplified in known:
        for variant in {conv.convert(simplified) for conv in to_traditional}:
            if phrase.convert(variant) not in known and chars.convert(variant) in known:
                protected.add(variant)
    return protected


def build(normalize_name, user_names: Iterable[RawName], builtin: list[RawName],
          abbreviations: list[tuple[str, Entry, bool]]) -> Gazetteer:
    """Key every name on its working form. User names come first so they override built-ins."""
    gazetteer = Gazetteer()
    for raw in [*user_names, *builtin]:
        gazetteer.add(normalize_name(raw.name), raw.entry)
    for char, entry, standalone in abbreviations:
        gazetteer.abbreviations[normalize_name(char)] = (entry, standalone)
    return gazetteer
