"""Named awards (WORK_OF_ART, as OntoNotes labels prizes): 诺贝尔和平奖, 格莱美奖, 普利策奖, “最佳摇滚专辑奖”.

- a **dictionary award**: a word of the segmenter's dictionary that ends in an award word and is
  tagged a proper noun (诺贝尔和平奖, 奥斯卡金像奖, 金马奖), unless its stem is a generic one
  (三等奖, 特别奖, 新人奖: ``award_names.generic_stems``, and any 等奖);
- a **person's award**: a person's name (an entity, or a word the dictionary tags a person's),
  a field word or two, then the award word (普利策奖, 诺贝尔|物理学|奖), with up to two noun
  words before it (国民|荣誉|赏): the whole is the award, not the person;
- a **quoted award**: a quoted phrase that ends in an award word (“最佳摇滚专辑奖”), the name
  inside the quotes.

The words are data (``entity_rules.yaml``: ``award_names``).
"""
from __future__ import annotations

from .entity_candidates import HAN, QUOTED, RULE, Candidate


def award_candidates(text: str, working_tokens, entities: list[Candidate], rules: dict,
                     word_tags: dict) -> list[Candidate]:
    spec = rules["award_names"]
    heads = tuple(sorted(spec["heads"], key=len, reverse=True))  # 中|大奖: the stem is 中, not 中大
    generic = set(spec["generic_stems"])
    found = []
    for start, end in working_tokens:
        word = text[start:end]
        if end - start >= 3 and word.endswith(heads) and word_tags.get(word) in spec["name_tags"] and \
                not _generic(word, heads, generic):
            found.append(Candidate(start, end, "WORK_OF_ART", word, "", RULE))
    token_end_at_start = {s: e for s, e in working_tokens}
    token_start_at_end = {e: s for s, e in working_tokens}
    names = [(c.start, c.end) for c in entities if c.label == "PERSON"]
    names += [(s, e) for s, e in working_tokens if word_tags.get(text[s:e]) in spec["person_tags"]]
    for start, end in names:
        for _ in range(3):  # the name, up to two field words, the award word
            head = text[end:token_end_at_start.get(end, end)]
            if head in heads:  # the award word as a word of its own: not 张伟|奖励
                award_end = end + len(head)
                first = _modifiers_before(text, start, token_start_at_end, word_tags, spec["modifier_tags"])
                found.append(Candidate(first, award_end, "WORK_OF_ART", text[first:award_end], "", RULE))
                break
            following = token_end_at_start.get(end)
            if following is None or word_tags.get(text[end:following]) not in spec["field_tags"]:
                break
            end = following
    for match in QUOTED.finditer(text):
        inner = match.group()[1:-1]
        if len(inner) >= 3 and inner.endswith(heads) and HAN.match(inner) and \
                not _generic(inner, heads, generic):
            found.append(Candidate(match.start() + 1, match.end() - 1, "WORK_OF_ART", inner, "", RULE))
    return found


def _modifiers_before(text: str, start: int, token_start_at_end: dict, word_tags: dict, tags) -> int:
    """国民|荣誉|赏: up to two noun words before the name belong to the award."""
    for _ in range(2):
        before = token_start_at_end.get(start)
        if before is None or start - before < 2 or word_tags.get(text[before:start]) not in tags:
            break
        start = before
    return start


def _generic(word: str, heads: tuple, generic: set) -> bool:
    stem = word[:-next(len(h) for h in heads if word.endswith(h))]
    return stem in generic or stem.endswith("等")
