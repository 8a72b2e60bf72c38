"""The noun a generic classifier counts (``10个营`` → ``营``): after the classifier, up to a stop
(a function word, a localiser, a verb of the segmenter's); after a relative clause's 的
(``首个获得观察员地位的国家``); or before a count verb when the noun came first (``成员国共有10个``).
Also what a bare number counts or numbers without a classifier: people (``4000毛利战士``), or the
noun after 号 (``17号选区``). The word lists are ``data/number_words.yaml``'s, through the numbers stage's tables."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..numerals import is_digit_string
from .shared import CLAUSE_BREAK

if TYPE_CHECKING:
    from .numbers import _Accepted, _Tables

_HAN = re.compile(r"[\u3400-\u9fff]")
_MODIFIERS_BREAK = re.compile(CLAUSE_BREAK.pattern.replace("、", ""))


def noun_after(text: str, pos: int, tables: _Tables, accepted: _Accepted | None = None) -> int:
    """End of the noun counted by 个 at ``pos`` (== pos when there is none)."""
    d = tables.data
    end = _noun_end(text, pos, tables, accepted)
    first = accepted.words_at.get(pos) if accepted is not None else None
    if first is not None and end < first[0] and first[1] in d["noun_tags"] and first[0] - pos <= d["noun_max_chars"]:
        return first[0]  # 两个投票箱: a noun of the dictionary's is whole, though 投票 would stop inside it
    return end


def _relative_clause_de(text: str, pos: int, limit: int) -> bool:
    """A 的 closes a relative clause soon after ``pos``, before any break of the clause."""
    clause_end = CLAUSE_BREAK.search(text, pos)
    stop = min(clause_end.start() if clause_end else len(text), pos + limit)
    return text.find("的", pos, stop) >= 0


def _noun_end(text: str, pos: int, tables: _Tables, accepted: _Accepted | None) -> int:
    d = tables.data
    j, limit = pos, min(len(text), pos + d["noun_max_chars"])
    stops = accepted.stop_word_starts if accepted is not None else ()
    words_at = accepted.words_at if accepted is not None else {}
    while j < len(text):
        if j > pos and j in stops:
            break  # a verb or an adverb of the segmenter's after the first word: the noun ended
        if j == pos and j in stops and words_at[j][0] - j > 1 and words_at[j][1] in d["noun_verb_tags"] and \
                _relative_clause_de(text, pos, d["noun_modifier_max_chars"]):
            return pos  # 第一个|开通的…系统: a verb after the classifier opens a relative clause
        known = tables.known_nouns.at(text, j)
        if known:
            j += len(known)
            continue
        word = words_at.get(j)
        if j > pos and word is not None and word[1] in d["noun_tags"] and word[0] - pos <= d["noun_max_chars"] and \
                not tables.stop_words.at(text, j) and not tables.inner_stop_words.at(text, j) and \
                any(ch in d["noun_stop_chars"] for ch in text[j + 1:word[0]]):
            j = word[0]  # 计划|集会: a noun word of the segmenter's is whole (its 会 is no modal)
            continue
        if j == pos and text[j] in tables.single_count_nouns:
            return j + 1  # 五个人垂帘听政: a one-character count noun is the whole noun
        ch = text[j]
        if not _HAN.match(ch) or ch in d["noun_stop_chars"] or tables.stop_words.at(text, j):
            break
        if j > pos and (ch in d["noun_inner_stops"] or tables.inner_stop_words.at(text, j)):
            break
        if j >= limit:
            return pos  # no stop in sight: not a noun we can delimit
        j += 1
    return j


def noun_after_modifiers(text: str, pos: int, tables: _Tables, accepted: _Accepted | None) -> tuple[int, int] | None:
    """一个滑稽的、有偏见的人, 一个新国家: when the segmenter tags the word after 个 as an adjective
    or an adverb, 个 counts the noun after the modifiers: after the first 的 in the clause that a
    noun follows, or the noun word right after a modifier without 的. Gives the head noun's
    (start, end) — the last word of the noun, the unit — and the span ends there."""
    d = tables.data
    word = accepted.words_at.get(pos) if accepted is not None else None
    if word is None or word[1] not in d["noun_modifier_tags"]:
        return None
    # 、 joins modifiers (滑稽的、有偏见的人); any other break ends the phrase.
    clause_end = _MODIFIERS_BREAK.search(text, pos)
    limit = min(clause_end.start() if clause_end else len(text), pos + d["noun_modifier_max_chars"])
    at = text.find("的", pos, limit)
    while at >= 0:
        noun_end = noun_after(text, at + 1, tables, accepted)
        if noun_end > at + 1:
            return _last_word(at + 1, noun_end, accepted), noun_end
        at = text.find("的", at + 1, limit)
    following = accepted.words_at.get(word[0])
    if following is not None and following[1] in d["noun_tags"]:
        return word[0], following[0]
    return None


def _last_word(start: int, end: int, accepted: _Accepted) -> int:
    """Start of the last segmenter word inside start..end (政治|决策 -> 决策), else ``start``."""
    at, last = start, start
    while at < end and at in accepted.words_at:
        last, at = at, accepted.words_at[at][0]
    return last if at == end else start


def noun_after_clause(text: str, pos: int, tables: _Tables) -> str | None:
    """首个获得观察员地位的国家: the noun after the relative clause's 的, in the same clause."""
    clause_end = CLAUSE_BREAK.search(text, pos)
    limit = clause_end.start() if clause_end else len(text)
    at = text.find("的", pos, limit)
    if at < 0:
        return None
    noun_end = noun_after(text, at + 1, tables)
    return text[at + 1:noun_end] if noun_end > at + 1 else None


def noun_before(text: str, pos: int, tables: _Tables, accepted) -> str | None:
    """The noun of a bare N个: before a count verb (成员国共有10个), or after 其中 the noun of the
    last generic count in the sentence (5个缔约国中，其中4个)."""
    d = tables.data
    sentence_start = accepted.sentence_start(pos)
    if tables.partitive_words.ending(text, pos):
        for reading in reversed(accepted):
            if reading.start < sentence_start:
                break
            if reading.label == "QUANTITY" and reading.unit and reading.end > reading.number_start + 1 \
                    and text[reading.end - len(reading.unit) - 1:reading.end - len(reading.unit)] in \
                    tables.generic:
                return reading.unit
        return None
    verb = tables.count_verbs.ending(text, pos)
    if not verb:
        return None
    end = pos - len(verb)
    if end > 0 and text[end - 1] in d["noun_inner_stops"]:
        return None  # 框架下共有三个…: a place phrase, not the counted noun
    floor = accepted.last_end_before(end, sentence_start)
    for noun in tables.known_nouns.all_ending(text, end):
        if end - len(noun) >= floor:
            return noun
    j = end
    while j > floor and end - j < d["noun_max_chars"]:
        ch = text[j - 1]
        if not _HAN.match(ch) or ch in d["noun_stop_chars"]:
            break
        j -= 1
    return text[j:end] if j < end else None


def numbering_suffix(text: str, end: int, tables: _Tables, accepted) -> str | None:
    """号 of 17号选区 or 3号线: a suffix that numbers the noun after it (data: numbering_suffixes)."""
    d = tables.data
    suffix = next((s for s in d["numbering_suffixes"] if text.startswith(s, end)), None)
    if suffix is None:
        return None
    after = accepted.words_at.get(end + len(suffix))
    own = accepted.words_at.get(end)
    if after is not None and text[end + len(suffix):after[0]] in d["numbered_nouns"] or \
            own is not None and own[0] > end + len(suffix) and own[1] in ("", *d["noun_tags"]):
        return suffix
    return None


def people_counted(text: str, end: int, m, value, tables: _Tables, accepted) -> str | None:
    """4000毛利战士, 550多万叙利亚人: the people a bare number counts, the last word of the name
    and noun words right after it when that word ends in a people head (data: people_*); a
    people's name (an entity NORP) counts its 人."""
    d = tables.data
    if value is None:
        return None
    if not m["mult"] and isinstance(value, int) and (1000 <= value <= 2100 and text[end - 4:end].isdigit()
                                                     or is_digit_string(m.group()) or value in d["service_numbers"]):
        return None  # 1994卢旺达人: perhaps a year before a name; 119消防员: a service
    at, last = end, None
    while at in accepted.words_at and at - end < d["people_phrase_max_chars"]:
        word_end, tag = accepted.words_at[at]
        if tag not in d["people_phrase_tags"] or word_end - end > d["people_phrase_max_chars"]:
            break
        last, at = (at, word_end), word_end
    if last is None or text[last[1] - 1] not in d["people_heads"]:
        return None
    if last in accepted.peoples and last[1] - last[0] > 1:
        return text[last[1] - 1]  # 叙利亚人 -> 人
    return text[last[0]:last[1]]
