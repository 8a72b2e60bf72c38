"""Named products the text marks by their kind: ship classes and ships.

- a **class**: a name + 级 before a vessel word is the class's name (不来梅级护卫舰,
  巴登-符腾堡级舰船: PRODUCT 不来梅级, 巴登-符腾堡级); the name may join two names by a hyphen;
- a **ship**: a quoted name + 号 that a vessel word (or a class) follows is the ship's name
  (“莱茵-普法尔兹”号护卫舰: PRODUCT 莱茵-普法尔兹); a name + 号 right after a vessel word is one too
  (铁甲舰维吉尼亚号: PRODUCT 维吉尼亚号), where the name is an entity or whole words, no number.

The vessel words are data (``product_names.vessel_words``).
"""
from __future__ import annotations

import re

from ..numerals import CHINESE_NUMERAL_CHARS
from .entity_candidates import HAN, HYPHENS, MODEL, RULE, Candidate

_BEFORE_A_NAME = "的是为和与及、，"  # characters that end the word before a name
_MAX_SHIP_NAME = 8
_AFTER_SHIP_MARK = "线码称召令"  # 号线, 号码, 号称, 号召, 号令: words, not a ship's 号
_QUOTED_SHIP = re.compile(r"[“「\"]([^“”「」\"\n]{2,20})[”」\"]号")


def product_candidates(text: str, working_tokens, entities: list[Candidate], rules: dict,
                       word_tags: dict) -> list[Candidate]:
    spec = rules["product_names"]
    vessel_words = set(spec["vessel_words"])
    vessel = re.compile("|".join(map(re.escape, sorted(vessel_words, key=len, reverse=True))))
    stop_tags = set(spec["class_name_stop_tags"])
    token_start_at_end = {e: s for s, e in working_tokens}
    entity_start_at_end = {c.end: c.start for c in entities}
    found = []
    for m in re.finditer(r"级", text):
        if not vessel.match(text, m.end()):
            continue
        start = _class_name_start(text, m.start(), token_start_at_end, entity_start_at_end, word_tags, stop_tags)
        if start is not None and text[start:m.start()] not in vessel_words:  # 航母级战舰: a size
            found.append(Candidate(start, m.end(), "PRODUCT", text[start:m.end()], "", RULE))
    classes = {c.start for c in found}
    for m in _QUOTED_SHIP.finditer(text):
        if vessel.match(text, m.end()) or m.end() in classes:
            found.append(Candidate(m.start(1), m.end(1), "PRODUCT", m.group(1), "", RULE))
    # A ship named right after its vessel word: 铁甲舰维吉尼亚号, 战舰莫尼特号 (the name and 号).
    token_starts = set(token_start_at_end.values())
    entity_end_at_start = {c.start: c.end for c in entities}
    for m in vessel.finditer(text):
        mark = text.find("号", m.end(), m.end() + _MAX_SHIP_NAME + 1)
        if mark - m.end() < 2 or text[mark + 1:mark + 2] in _AFTER_SHIP_MARK:
            continue
        name = text[m.end():mark]
        if not all(HAN.match(ch) or ch == "·" for ch in name) or \
                any(ch.isdigit() or ch in CHINESE_NUMERAL_CHARS or ch in "的之" for ch in name):
            continue  # 舰上的二号, 军舰一号: a number, not a name
        if entity_end_at_start.get(m.end()) == mark or m.end() in token_starts and mark in token_start_at_end:
            found.append(Candidate(m.end(), mark + 1, "PRODUCT", text[m.end():mark + 1], "", RULE))
    # A class is named after its first ship: the class's name alone elsewhere is that ship (敷岛).
    # Not a name known as something else: by the gazetteer or a rule, or by the model as a polity,
    # an organisation or a person (不来梅级: 不来梅 alone is the city).
    lead_ships = {text[c.start:c.end - 1] for c in found if text.endswith("级", c.start, c.end)}
    known = {text[c.start:c.end] for c in entities if c.source != MODEL or c.label in ("GPE", "ORG", "PERSON")}
    taken = {i for c in found for i in range(c.start, c.end)}
    for name in lead_ships - known:
        for m in re.finditer(re.escape(name), text):
            if m.start() not in taken and text[m.end():m.end() + 1] != "级" and \
                    (m.start() in token_starts or m.start() == 0) and \
                    (m.end() in token_start_at_end or not HAN.match(text[m.end():m.end() + 1] or " ")):
                found.append(Candidate(m.start(), m.end(), "PRODUCT", name, "", RULE))
    return found


def _class_name_start(text, end, token_start_at_end, entity_start_at_end, word_tags, stop_tags) -> int | None:
    """Where the name before a class's 级 at ``end`` begins: an entity's or a word's of the
    segmenter's that is no function word, and a second one before a hyphen (巴登-符腾堡)."""
    start = entity_start_at_end.get(end, token_start_at_end.get(end))
    if start is None and end >= 3 and all(HAN.match(ch) for ch in text[end - 2:end]) and \
            (text[end - 3] in _BEFORE_A_NAME or not HAN.match(text[end - 3])):
        start = end - 2  # 的敷|岛级战舰: the segmenter cut through a two-character name
    if start is None or end - start < 2 or not all(HAN.match(ch) or ch == "·" for ch in text[start:end]):
        return None
    if end not in entity_start_at_end and word_tags.get(text[start:end]) in stop_tags:
        return None  # 该级, 万吨级: no name before it
    if text[start - 1:start] in HYPHENS and start >= 3:
        before = entity_start_at_end.get(start - 1, token_start_at_end.get(start - 1))
        if before is not None and start - 1 - before >= 2 and all(HAN.match(ch) for ch in text[before:start - 1]):
            start = before
    return start
