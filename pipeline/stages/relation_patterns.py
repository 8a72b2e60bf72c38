"""Relation patterns: the YAML files that say what the relations stage looks for, read and validated.

One file per relation type under ``data/relations/`` (plus user files, ``zhpipe run --patterns
FILE``), and ``_shared.yaml`` with the grammar the types share (clause breaks, coordinators, place
prepositions, passive and copula markers, anaphors, modality cues), which a type file may
override key by key. Words are normalised to the working copy's script when loaded; a file with a
mistake is refused with the file and the problem named (:class:`PatternError`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import yaml

from ..resources import data_path, safe_load

ENTITY_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
                           "LAW", "LANGUAGE"})
ROLE_KINDS = ("entity", "date", "place", "string")
SHARED_FILE = "_shared.yaml"


# --- patterns -------------------------------------------------------------------------------------

class PatternError(ValueError):
    """A relation pattern file that cannot be used: names the file and the problem."""

    def __init__(self, source, problem: str):
        self.source, self.problem = str(source), problem
        super().__init__(f"relation patterns {source}: {problem}")


@dataclass(frozen=True)
class Trigger:
    words: tuple[str, ...]
    unless_before: tuple[str, ...] = ()
    unless_after: tuple[str, ...] = ()
    until: tuple[str, ...] = ()   # a split trigger: 成为 … 成员
    within: int = 16
    host: bool = False            # 在X主办的Y: X is the subject, not a place
    unless_object_of: tuple[str, ...] = ()  # 加入欧盟的申请: the act is the modifier of a noun


@dataclass(frozen=True)
class Role:
    name: str
    kind: str = "entity"
    labels: frozenset = frozenset()
    position: str | None = None        # before | after
    many: bool = False
    intransitive: str | None = None    # "subject": take the subject when there is no object
    omitted: str | None = None         # "nearest": the nearest earlier mention when unstated
    values: tuple[str, ...] = ()       # kind string
    possessor: bool = False            # A与B的《X》于…签署: A, B fill this before role
    dep: frozenset = frozenset()       # dependency relations from the trigger to this argument


@dataclass(frozen=True)
class Anaphor:
    forms: tuple[str, ...]
    labels: frozenset
    heads: tuple[str, ...] = ()
    count: int = 1


@dataclass(frozen=True, eq=False)
class Grammar:
    clause_breaks: tuple[str, ...]
    coordinators: tuple[str, ...]
    group_filler: tuple[str, ...]
    compact_labels: frozenset
    comitatives: tuple[str, ...]
    place_prepositions: tuple[str, ...]
    place_labels: frozenset
    place_joiners: tuple[str, ...]
    place_after: tuple[str, ...]
    circumstance_heads: tuple[str, ...]
    by_markers: tuple[str, ...]
    copulas: tuple[str, ...]
    relative_marker: str
    predecessor_words: tuple
    apposition_markers: tuple[str, ...]
    appositive_openers: tuple[str, ...]
    modifier_heads: tuple[str, ...]
    state_counts: tuple[str, ...]
    numerals: str
    locative_verbs: tuple[str, ...]
    alias_brackets: tuple[tuple[str, str], ...]
    alias_markers: tuple[str, ...]
    person_title_gap: int
    subject_nouns: tuple[str, ...]
    ignore_words: tuple[str, ...]
    modality: dict            # {"negated": {"near": (...), "clause": (...)}, "planned": {...}}
    anaphors: tuple[Anaphor, ...]
    date_skip_types: frozenset
    date_prefer_types: frozenset
    object_gap: int
    convert: object = None    # original → working form of a string (the normaliser's, as the working copy)


@dataclass(frozen=True, eq=False)
class RelationPattern:
    type: str
    source: str
    triggers: tuple[Trigger, ...]
    roles: tuple[Role, ...]
    grammar: Grammar
    requires: tuple[str, ...] = ()
    requires_any: tuple[str, ...] = ()
    identity: tuple[str, ...] = ()
    intransitive_after: tuple[str, ...] = ()
    confidence: float = 0.9
    description: str = ""

    def role(self, name: str) -> Role | None:
        return next((r for r in self.roles if r.name == name), None)


_GRAMMAR_KEYS = {f for f in Grammar.__dataclass_fields__} - {"convert"}
_TYPE_KEYS = {"type", "description", "version", "triggers", "roles", "requires", "requires_any", "identity",
              "intransitive_after", "confidence"}
_TRIGGER_KEYS = {"words", "unless_before", "unless_after", "until", "within", "host", "unless_object_of"}
_ROLE_KEYS = {"kind", "labels", "position", "many", "intransitive", "omitted", "values", "possessor", "dep"}


def load_patterns(paths: Iterable[str | Path] = (), convert=None) -> list[RelationPattern]:
    """The built-in patterns (``data/relations/*.yaml``) and then the user files, validated.

    A user file whose ``type`` is already known replaces that pattern. Raises :class:`PatternError`
    (a ``ValueError``) naming the file and the problem. ``convert`` is the pipeline's normaliser's
    (words take the working copy's form); without one a normaliser is built.
    """
    if convert is None:
        from .normalize import Normalizer

        convert = Normalizer().convert
    folder = data_path("relations")
    shared_raw = _read_yaml(folder / SHARED_FILE)
    shared = _grammar(shared_raw, {}, folder / SHARED_FILE, convert)
    files = sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("_")) + [Path(p) for p in paths]
    patterns: dict[str, RelationPattern] = {}
    for path in files:
        pattern = _pattern(_read_yaml(path), shared_raw, shared, path, convert)
        patterns[pattern.type] = pattern
    return list(patterns.values())


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        raise PatternError(path, "no such file")
    try:
        with open(path, encoding="utf-8") as f:
            data = safe_load(f)
    except yaml.YAMLError as exc:
        raise PatternError(path, f"not valid YAML ({str(exc).splitlines()[0]})") from None
    except UnicodeDecodeError:
        raise PatternError(path, "not UTF-8 text") from None
    if not isinstance(data, dict):
        raise PatternError(path, "expected a mapping with type, triggers and roles at the top level")
    return data


def _words(value, where: str, source, convert, allow_empty: bool = True) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PatternError(source, f"{where}: expected a list of words, got {value!r}")
    if not value and not allow_empty:
        raise PatternError(source, f"{where}: needs at least one word")
    if not allow_empty and any(not v for v in value):
        raise PatternError(source, f"{where}: an empty word")
    return tuple(convert(v) if v else v for v in value)


def _labels(value, where: str, source) -> frozenset:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise PatternError(source, f"{where}: expected a list of entity labels")
    unknown = [v for v in value if v not in ENTITY_LABELS]
    if unknown:
        raise PatternError(source, f"{where}: unknown label(s) {', '.join(map(str, unknown))}; "
                                   f"known: {', '.join(sorted(ENTITY_LABELS))}")
    return frozenset(value)


def _int(value, where: str, source, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise PatternError(source, f"{where}: expected a whole number ≥ {low}, got {value!r}")
    return value


def _unknown_keys(mapping: dict, allowed: set, where: str, source) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise PatternError(source, f"{where}unknown key(s) {', '.join(map(str, unknown))}; "
                                   f"allowed: {', '.join(sorted(allowed))}")


def _grammar(raw: dict, overrides: dict, source, convert) -> Grammar:
    data = {**raw, **overrides}
    missing = sorted(_GRAMMAR_KEYS - set(data))
    if missing:
        raise PatternError(source, f"missing grammar key(s) {', '.join(missing)} (see {SHARED_FILE})")

    def words(key, allow_empty=True):
        return _words(data[key], key, source, convert, allow_empty)

    modality = {}
    if not isinstance(data["modality"], dict):
        raise PatternError(source, "modality: expected negated/planned with near/clause word lists")
    _unknown_keys(data["modality"], {"negated", "planned"}, "modality: ", source)
    for kind in ("negated", "planned"):
        cues = data["modality"].get(kind) or {}
        if not isinstance(cues, dict):
            raise PatternError(source, f"modality.{kind}: expected near/clause word lists")
        _unknown_keys(cues, {"near", "clause"}, f"modality.{kind}: ", source)
        modality[kind] = {scope: _words(cues.get(scope) or [], f"modality.{kind}.{scope}", source, convert, True)
                          for scope in ("near", "clause")}
    anaphors = []
    if not isinstance(data["anaphors"], list):
        raise PatternError(source, "anaphors: expected a list of {forms, labels, heads, count}")
    for i, item in enumerate(data["anaphors"]):
        where = f"anaphors[{i}]"
        if not isinstance(item, dict):
            raise PatternError(source, f"{where}: expected a mapping with forms and labels")
        _unknown_keys(item, {"forms", "labels", "heads", "count"}, f"{where}: ", source)
        if "forms" not in item or "labels" not in item:
            raise PatternError(source, f"{where}: needs forms and labels")
        anaphors.append(Anaphor(_words(item["forms"], f"{where}.forms", source, convert, False),
                                _labels(item["labels"], f"{where}.labels", source),
                                _words(item.get("heads", []), f"{where}.heads", source, convert),
                                _int(item.get("count", 1), f"{where}.count", source, 1)))
    marker = data["relative_marker"]
    if not isinstance(marker, str) or not marker:
        raise PatternError(source, "relative_marker: expected one word such as 的")
    numerals = data["numerals"]
    if not isinstance(numerals, str):
        raise PatternError(source, f"numerals: expected a string of numeral characters, got {numerals!r}")
    brackets = words("alias_brackets")
    if any(len(b) != 2 for b in brackets):
        raise PatternError(source, f"alias_brackets: expected pairs of an opening and a closing bracket such as "
                                   f"（）, got {list(brackets)!r}")
    brackets = tuple((b[0], b[1]) for b in brackets)
    return Grammar(
        clause_breaks=words("clause_breaks", False), coordinators=words("coordinators", False),
        group_filler=words("group_filler"), compact_labels=_labels(data["compact_labels"], "compact_labels", source)
        if data["compact_labels"] else frozenset(),
        comitatives=words("comitatives"), place_prepositions=words("place_prepositions"),
        place_labels=_labels(data["place_labels"], "place_labels", source), place_joiners=words("place_joiners"),
        place_after=words("place_after"), circumstance_heads=words("circumstance_heads"),
        apposition_markers=words("apposition_markers"),
        appositive_openers=words("appositive_openers", False), locative_verbs=words("locative_verbs"),
        alias_brackets=brackets, alias_markers=words("alias_markers"),
        by_markers=words("by_markers"), copulas=words("copulas"), relative_marker=convert(marker),
        predecessor_words=words("predecessor_words"),
        modifier_heads=words("modifier_heads"), state_counts=words("state_counts"), numerals=numerals,
        person_title_gap=_int(data["person_title_gap"], "person_title_gap",
                                                                      source),
        subject_nouns=words("subject_nouns"), ignore_words=words("ignore_words"), modality=modality,
        anaphors=tuple(anaphors),
        date_skip_types=frozenset(_words(data["date_skip_types"], "date_skip_types", source, str)),
        date_prefer_types=frozenset(_words(data["date_prefer_types"], "date_prefer_types", source, str)),
        object_gap=_int(data["object_gap"], "object_gap", source, 1), convert=convert)


def _pattern(raw: dict, shared_raw: dict, shared: Grammar, source, convert) -> RelationPattern:
    _unknown_keys(raw, _TYPE_KEYS | _GRAMMAR_KEYS, "", source)
    rtype = raw.get("type")
    if not isinstance(rtype, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", rtype):
        raise PatternError(source, f"type: expected a lower-case name such as visited, got {rtype!r}")
    overrides = {k: v for k, v in raw.items() if k in _GRAMMAR_KEYS}
    grammar = _grammar(shared_raw, overrides, source, convert) if overrides else shared

    triggers = []
    if not isinstance(raw.get("triggers"), list) or not raw["triggers"]:
        raise PatternError(source, "triggers: expected a list such as [{words: [签署, 签订]}]")
    for i, item in enumerate(raw["triggers"]):
        where = f"triggers[{i}]"
        if isinstance(item, (str, list)):
            item = {"words": item}
        if not isinstance(item, dict) or "words" not in item:
            raise PatternError(source, f"{where}: expected a mapping with words")
        _unknown_keys(item, _TRIGGER_KEYS, f"{where}: ", source)
        host = item.get("host", False)
        if not isinstance(host, bool):
            raise PatternError(source, f"{where}.host: expected true or false")
        triggers.append(Trigger(_words(item["words"], f"{where}.words", source, convert, False),
                                _words(item.get("unless_before", []), f"{where}.unless_before", source, convert),
                                _words(item.get("unless_after", []), f"{where}.unless_after", source, convert),
                                _words(item.get("until", []), f"{where}.until", source, convert),
                                _int(item.get("within", 16), f"{where}.within", source, 1), host,
                                _words(item.get("unless_object_of", []), f"{where}.unless_object_of", source, convert)))

    roles = []
    if not isinstance(raw.get("roles"), dict) or not raw["roles"]:
        raise PatternError(source, "roles: expected a mapping such as {agent: {labels: [GPE], position: before}}")
    for name, spec in raw["roles"].items():
        where = f"roles.{name}"
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise PatternError(source, f"{where}: a role name is a lower-case word")
        if not isinstance(spec, dict):
            raise PatternError(source, f"{where}: expected a mapping with kind/labels/position")
        _unknown_keys(spec, _ROLE_KEYS, f"{where}: ", source)
        kind = spec.get("kind", "entity")
        if kind not in ROLE_KINDS:
            raise PatternError(source, f"{where}.kind: {kind!r} is not one of {', '.join(ROLE_KINDS)}")
        position = spec.get("position")
        if kind == "entity":
            if "labels" not in spec:
                raise PatternError(source, f"{where}: an entity role needs labels")
            if position not in ("before", "after"):
                raise PatternError(source, f"{where}.position: expected before or after, got {position!r}")
        elif position is not None or "labels" in spec and kind != "place":
            raise PatternError(source, f"{where}: labels and position are for entity roles")
        if kind == "string" and not spec.get("values"):
            raise PatternError(source, f"{where}: a string role needs values")
        for flag, allowed in (("intransitive", ("subject",)), ("omitted", ("nearest",))):
            if spec.get(flag) is not None and (kind != "entity" or position != "after" or spec[flag] not in allowed):
                raise PatternError(source, f"{where}.{flag}: only `{flag}: {allowed[0]}` on an after role")
        many, possessor = spec.get("many", False), spec.get("possessor", False)
        for flag, value in (("many", many), ("possessor", possessor)):
            if not isinstance(value, bool):
                raise PatternError(source, f"{where}.{flag}: expected true or false")
        if possessor and position != "before":
            raise PatternError(source, f"{where}.possessor: only on a before role")
        labels = (_labels(spec["labels"], f"{where}.labels", source) if "labels" in spec else
                  grammar.place_labels if kind == "place" else frozenset())
        dep = spec.get("dep", [])
        dep = [dep] if isinstance(dep, str) else dep
        if not isinstance(dep, list) or not all(isinstance(d, str) and d for d in dep) or (dep and kind != "entity"):
            raise PatternError(source, f"{where}.dep: a list of dependency relation names (nsubj, obj, ...) "
                                       f"on an entity role, got {spec.get('dep')!r}")
        roles.append(Role(name, kind, labels, position, many, spec.get("intransitive"), spec.get("omitted"),
                          _words(spec.get("values", []), f"{where}.values", source, convert), possessor,
                          frozenset(dep)))
    names = {r.name for r in roles}
    if not any(r.kind == "entity" for r in roles):
        raise PatternError(source, "roles: at least one entity role (position before or after) is needed")

    def role_list(key):
        value = raw.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or any(v not in names for v in value):
            raise PatternError(source, f"{key}: expected a list of role names from {', '.join(sorted(names))}, "
                                       f"got {value!r}")
        return tuple(value)

    requires, requires_any, identity = role_list("requires"), role_list("requires_any"), role_list("identity")
    if not requires and not requires_any:
        requires = tuple(r.name for r in roles if r.kind == "entity" and r.position == "after")[:1] or \
            tuple(r.name for r in roles if r.kind == "entity")[:1]
    confidence = raw.get("confidence", 0.9)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 < confidence <= 1:
        raise PatternError(source, f"confidence: expected a number in (0, 1], got {confidence!r}")
    return RelationPattern(rtype, str(source), tuple(triggers), tuple(roles), grammar, requires, requires_any,
                           identity or requires or requires_any,
                           _words(raw.get("intransitive_after", []), "intransitive_after", source, convert),
                           float(confidence), str(raw.get("description", "")))
