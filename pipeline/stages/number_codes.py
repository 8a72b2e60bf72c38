"""What looks like a number and is none, or is two: codes and identifiers (A380, COVID-19,
2345-6789, 3.2.1, a web address's digits, a number after 电话/编号, a numeral alone in quotation
marks) and the pairs of short numbers that are a range or a score (70-90%, 5-2, 1比0). The numbers
stage asks these before it reads a unit."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .numbers import _Tables

_HAN = re.compile(r"[\u3400-\u9fff]")
_DASHES = "—–-－‐"
_IDENTIFIER_CHARS = re.compile(r"[A-Za-z0-9.\-:/_]")


def identifier(text: str, pos: int, end: int, tables: _Tables) -> bool:
    """A000, COVID-19, iPhone 15, 一家7-11, 2345-6789, 3.2.1, 5:00, 007, a number after 电话/编号."""
    before = text[pos - 1] if pos else ""
    after = text[end:end + 1]
    if before.isascii() and before.isalnum() or after.isascii() and after.isalpha():
        return True
    if before in _DASHES and pos >= 2 and (text[pos - 2].isascii() and text[pos - 2].isalnum()
                                           or _HAN.match(text[pos - 2])) and not _pair_end(text, pos, tables):
        return True  # 联盟盾牌—2005, COVID-19: a name's number
    if before == " " and pos >= 2 and text[pos - 2].isascii() and text[pos - 2].isalnum():
        return True  # ISO 9001, Windows 11
    if after and after in "-:/_." and text[end + 1:end + 2].isdigit() and not _range_or_score(text, pos, end, tables):
        return True  # 2345-6789, 5:00, 3.2.1
    if _in_web_address(text, pos, end):
        return True  # www.example.org/79-st/: a web address's digits
    core = text[pos:end]
    if len(core) > 1 and core[0] == "0" and core[1].isdigit():
        return True  # 007, 010: codes keep their leading zero
    window = text[max(0, pos - 12):pos]
    for cue in tables.identifier_cues:
        at = window.rfind(cue)
        if at >= 0 and all(ch in tables.data["identifier_links"] for ch in window[at + len(cue):]):
            return True
    return False


_SHORT_PAIR = re.compile(r"([1-9]\d{0,2}|0)-([1-9]\d{0,2}|0)(?![\d.:/_-])")


def _range_or_score(text: str, pos: int, end: int, tables: _Tables) -> bool:
    """70-90%, 6-8人, 5-2: two short numbers joined by a hyphen are a range or a score, two
    numbers (a code has more digits, a leading zero or a third part: 2345-6789, 010-1, 3-2-1);
    after a classifier they name a thing (一家7-11: a shop)."""
    m = _SHORT_PAIR.match(text, pos)
    before = text[pos - 1] if pos else ""
    return m is not None and m.end(1) == end and before not in _DASHES and not (before and before in tables.units)


def score_end(text: str, pos: int, d: dict) -> bool:
    """The 0 of 1比0击败: the second number of a score, whatever follows it."""
    joiner = next((j for j in d["score_joiners"] if text.endswith(j, 0, pos)), None)
    return joiner is not None and text[pos - len(joiner) - 1:pos - len(joiner)].isdigit()


def _pair_end(text: str, pos: int, tables: _Tables) -> bool:
    """The number at ``pos`` ends a range or score (the 90 of 70-90%)."""
    start = pos - 1
    while start > 0 and text[start - 1].isdigit():
        start -= 1
    return start < pos - 1 and text[pos - 1] == "-" and _range_or_score(text, start, pos - 1, tables)


_URL_CHARS = re.compile(r"[A-Za-z0-9.\-:/_%?=&#~+]")
_WEB_ADDRESS = re.compile(r"(?:https?://|www\.|[a-z0-9-]+\.(?:com|org|net|edu|gov|int|[a-z]{2})/)", re.IGNORECASE)


def _in_web_address(text: str, pos: int, end: int) -> bool:
    """The number is inside a run of address characters that holds a scheme, www. or a domain and
    a path (www.bcrg-guinee.org/79-st/70-historique)."""
    start = pos
    while start > 0 and _URL_CHARS.match(text[start - 1]):
        start -= 1
    stop = end
    while stop < len(text) and _URL_CHARS.match(text[stop]):
        stop += 1
    return start < pos and "/" in text[start:stop] and _WEB_ADDRESS.search(text, start, stop) is not None


def identifier_end(text: str, end: int) -> int:
    while end < len(text) and _IDENTIFIER_CHARS.match(text[end]):
        end += 1
    return end


def quoted_code(text: str, pos: int, end: int, tables: _Tables) -> bool:
    """“4.15”, 「911」: a numeral that fills a pair of quotation marks names something."""
    if pos == 0 or end >= len(text):
        return False
    close = tables.quote_pairs.get(text[pos - 1])
    return close is not None and text[end] == close
