"""Names in Latin (or Cyrillic) letters, which translated, encyclopedic and Hong Kong text keeps.

Two kinds:

- a **gloss**: the brackets right after a name give it again in another script, optionally after
  a language label and followed by an acronym (德国环境与自然保护联盟(德文：Bund für Umwelt und
  Naturschutz Deutschland e.V., BUND), 伊丽莎白·沃伦(Elizabeth Warren), 《谍戒》（The Spyring）):
  each item is that name again, with its label and canonical name;
- a **free-standing** name: two to four capitalised words, an initial among them (Michael W.
  Caldwell) or a connector (University of Michigan) between them, are a person, unless a head word
  says otherwise (data ``latin_names``): an organisation's (Boston Globe, University of …), a
  facility's (Wesbanco Arena) or an event's (World Post Day); a degree (Master of Fine Arts) is no
  name. One capitalised word is a person when it is part of a Latin person's name found in the text,
  or when a person's title stands before it or after it (发言人 Sutopo 先生表示).
"""
from __future__ import annotations

import re

from .entity_candidates import HAN, RULE, Candidate

_LATIN_WORD = r"[A-ZА-ЯЁ][a-zа-яё]+(?:[-'][A-Za-zА-Яа-яЁё][a-zа-яё]*)*"
_INITIAL = r"[A-ZА-ЯЁ]\."
_CONNECTORS = ("of", "and", "for", "the", "de", "la", "van", "von", "der", "du", "da")
_CONNECTOR = "|".join(_CONNECTORS)
_LATIN_NAME = re.compile(rf"(?<![A-Za-zА-Яа-яЁё0-9.]){_LATIN_WORD}"
                         rf"(?: (?:(?:{_CONNECTOR}) )?(?:{_LATIN_WORD}|{_INITIAL}(?= [A-ZА-ЯЁ]))){{0,4}}"
                         rf"(?![A-Za-zА-Яа-яЁё0-9])")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&.\-]{1,9}")
# One item of a gloss: Latin or Cyrillic words (lower-case ones too: für, of the), digits and the
# punctuation names carry (e.V., O'Brien, Rolls-Royce, Wałęsa); it starts with a capital letter
# (not 0700.HK, a stock code).
_GLOSS_ITEM = re.compile(r"[A-ZА-ЯЁ][A-Za-zА-Яа-яЁёÀ-ɏ0-9.'’&\- ]*")
_GLOSS = re.compile(r"\s*[（(]([^（）()\n]{1,120})[）)]")
_QUOTES = "\"'“”‘’「」"
GLOSS_OWNERS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT")


def latin_names(text: str, entities: list[Candidate], rules: dict) -> list[Candidate]:
    spec = rules["latin_names"]
    found = gloss_names(text, entities, tuple(spec["language_labels"]))
    glossed = {i for c in found for i in range(c.start, c.end)}
    names = list(_LATIN_NAME.finditer(text))
    for m in names:
        if " " in m.group() and m.start() not in glossed:
            label = latin_name_label(m.group(), spec)
            if label:
                found.append(Candidate(m.start(), m.end(), label, m.group(), "", RULE))
    person_words = {w for c in found if c.label == "PERSON" for w in text[c.start:c.end].split(" ")}
    taken = {i for c in found for i in range(c.start, c.end)} | {i for c in entities for i in range(c.start, c.end)}
    people = rules["person_names"]
    titles_before = tuple(t for t in people["titles"] if t not in spec["degree_titles"])
    cues_after = tuple(people["surname_titles"])  # not a verb of saying: Apple 表示 is a company
    for m in names:
        if " " in m.group() or m.start() in taken:
            continue
        # 发言人 Sutopo 先生表示: one Latin word with a person's title before it or after it is a
        # person too
        after = text[m.end():m.end() + 8].lstrip(" ")
        cue = next((c for c in cues_after if after.startswith(c)), None)
        # the few characters before it, not the whole text before it: a long document has many such words
        titled = text[max(0, m.start() - 12):m.start()].rstrip(" ").endswith(titles_before) or \
            cue is not None and (len(cue) > 1 or not HAN.match(after[1:2] or " "))
        if m.group() in person_words or titled:
            found.append(Candidate(m.start(), m.end(), "PERSON", m.group(), "", RULE))
    return found


def latin_name_label(name: str, spec: dict) -> str | None:
    """The label of a free-standing Latin name of two words or more by its head words: the last
    word (Boston Globe, Wesbanco Arena, World Post Day) or, before a connector, the first
    (University of Michigan); a degree is no name (Master of Fine Arts), and a name with a
    connector and no head word is none either (Museum-less phrases such as Pride and Prejudice
    would be guesses)."""
    words = name.split(" ")
    if words[0] in spec["degree_words"]:
        return None
    heads = [words[-1]] + ([words[0]] if any(w in _CONNECTORS for w in words) else [])
    for label, key in (("ORG", "organisation_words"), ("FAC", "facility_words"), ("EVENT", "event_words")):
        if any(h in spec[key] for h in heads):
            return label
    if any(w in _CONNECTORS and w not in ("de", "van", "von", "der", "du", "da", "la") for w in words):
        return None
    return "PERSON"


def gloss_names(text: str, entities: list[Candidate], language_labels: tuple[str, ...]) -> list[Candidate]:
    """The items of the bracketed gloss right after each name (a title's gloss follows its 》)."""
    label_prefix = re.compile(rf"\s*(?:{'|'.join(map(re.escape, language_labels))})\s*[：:]\s*")
    found = []
    for owner in entities:
        if owner.label not in GLOSS_OWNERS:
            continue
        end = owner.end + 1 if text[owner.end:owner.end + 1] == "》" else owner.end
        bracket = _GLOSS.match(text, end)
        if not bracket:
            continue
        for item_start, item_end in _gloss_items(text, *bracket.span(1), label_prefix):
            acronym = _ACRONYM.fullmatch(text, item_start, item_end) is not None
            if acronym and owner.label == "PERSON":
                continue  # 盛旦华（POWERPAK）: a person's gloss is a name, not an acronym (a band's)
            found.append(Candidate(item_start, item_end, owner.label, owner.canonical, owner.kb_id, RULE))
    return found


def _gloss_items(text: str, start: int, stop: int, label_prefix: re.Pattern) -> list[tuple[int, int]]:
    """The Latin items of a gloss, each after its label if it has one (英语：Federal Bureau of
    Investigation，缩写：FBI); other items are skipped (MIT，1998年; Elizabeth Warren, 1949-). A
    lone capitalised word after a name is part of it (League for … conservation, Germany)."""
    items: list[tuple[int, int]] = []
    piece_start, previous_was_item = start, False
    for cut in [*(i for i in range(start, stop) if text[i] in ",，、;；"), stop]:
        s, e = piece_start, cut
        piece_start = cut + 1
        if labelled := label_prefix.match(text, s, e):
            s = labelled.end()
        while s < e and (text[s].isspace() or text[s] in _QUOTES):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in _QUOTES):
            e -= 1
        if not _GLOSS_ITEM.fullmatch(text, s, e) or not re.search(r"[A-Za-zА-Яа-я]{2}", text[s:e]):
            previous_was_item = False
            continue
        if previous_was_item and " " in text[items[-1][0]:items[-1][1]] and " " not in text[s:e] and \
                not _ACRONYM.fullmatch(text, s, e):
            items[-1] = (items[-1][0], e)
        else:
            items.append((s, e))
        previous_was_item = True
    return items
