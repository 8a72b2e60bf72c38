"""Names in Latin (or Cyrillic) letters, which translated, encyclopedic and Hong Kong text keeps.

Two kinds:

- a **gloss**: the brackets right after a name give it again in another script, optionally after
  a language label and followed by an acronym (德国环境与自然保护联盟(德文：Bund für Umwelt und
  Naturschutz Deutschland e.V., BUND), 伊丽莎白·沃伦(Elizabeth Warren), 《谍戒》（The Spyring）):
  each item is that name again, with its label and canonical name;
- a **free-standing** name: two to four capitalised words are a person (an organisation when the
  last word is an organisation word, data ``latin_names.organisation_words``), and one capitalised
  word is a person when it is part of a Latin person's name found in the text.
"""
from __future__ import annotations

import re

from .entity_candidates import RULE, Candidate

_LATIN_WORD = r"[A-ZА-ЯЁ][a-zа-яё]+(?:[-'][A-Za-zА-Яа-яЁё][a-zа-яё]*)*"
_LATIN_NAME = re.compile(rf"(?<![A-Za-zА-Яа-яЁё0-9]){_LATIN_WORD}(?: {_LATIN_WORD}){{0,3}}(?![A-Za-zА-Яа-яЁё0-9])")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&.\-]{1,9}")
# One item of a gloss: Latin or Cyrillic words (lower-case ones too: für, of the), digits and the
# punctuation names carry (e.V., O'Brien, Rolls-Royce); it starts with a capital or a digit.
_GLOSS_ITEM = re.compile(r"[A-ZА-ЯЁ0-9][A-Za-zА-Яа-яЁёÀ-ÿ0-9.'’&\- ]*")
_GLOSS = re.compile(r"\s*[（(]([^（）()\n]{1,120})[）)]")
_QUOTES = "\"'“”‘’「」"
GLOSS_OWNERS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT")


def latin_names(text: str, entities: list[Candidate], rules: dict) -> list[Candidate]:
    spec = rules["latin_names"]
    found = gloss_names(text, entities, tuple(spec["language_labels"]))
    glossed = {i for c in found for i in range(c.start, c.end)}
    org_words = set(spec["organisation_words"])
    for m in _LATIN_NAME.finditer(text):
        if " " in m.group() and m.start() not in glossed:
            label = "ORG" if m.group().rsplit(" ", 1)[-1] in org_words else "PERSON"
            found.append(Candidate(m.start(), m.end(), label, m.group(), "", RULE))
    person_words = {w for c in found if c.label == "PERSON" for w in text[c.start:c.end].split(" ")}
    taken = {i for c in found for i in range(c.start, c.end)}
    for m in _LATIN_NAME.finditer(text):
        if " " not in m.group() and m.group() in person_words and m.start() not in taken:
            found.append(Candidate(m.start(), m.end(), "PERSON", m.group(), "", RULE))
    return found


def gloss_names(text: str, entities: list[Candidate], language_labels: tuple[str, ...]) -> list[Candidate]:
    """The items of the bracketed gloss right after each name (a title's gloss follows its 》)."""
    label_prefix = re.compile(rf"(?:{'|'.join(map(re.escape, language_labels))})\s*[：:]\s*")
    found = []
    for owner in entities:
        if owner.label not in GLOSS_OWNERS:
            continue
        end = owner.end + 1 if text[owner.end:owner.end + 1] == "》" else owner.end
        bracket = _GLOSS.match(text, end)
        if not bracket:
            continue
        start, stop = bracket.span(1)
        if labelled := label_prefix.match(text, start):
            start = labelled.end()
        for item_start, item_end in _gloss_items(text, start, stop):
            acronym = _ACRONYM.fullmatch(text, item_start, item_end) is not None
            if acronym and owner.label == "PERSON":
                continue  # 盛旦华（POWERPAK）: a person's gloss is a name, not an acronym (a band's)
            found.append(Candidate(item_start, item_end, owner.label, owner.canonical, owner.kb_id, RULE))
    return found


def _gloss_items(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """A full name and, after its last comma, an acronym: ``Bund … e.V., BUND``. A comma before
    anything else is part of the name (``League for the environment …, Germany``). Nothing when
    any part is not in Latin letters."""
    pieces = [start]
    cut = max(text.rfind(c, start, stop) for c in ",，、")
    tail = text[cut + 1:stop].strip() if cut >= 0 else ""
    if cut >= 0 and _ACRONYM.fullmatch(tail):
        pieces = [(start, cut), (cut + 1, stop)]
    else:
        pieces = [(start, stop)]
    items = []
    for s, e in pieces:
        while s < e and (text[s].isspace() or text[s] in _QUOTES):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in _QUOTES):
            e -= 1
        body = text[s:e].replace(",", " ").replace("，", " ")
        if not _GLOSS_ITEM.fullmatch(body) or not re.search(r"[A-Za-zА-Яа-я]{2}", body):
            return []
        items.append((s, e))
    return items
