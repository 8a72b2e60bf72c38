"""Numbers: valued cardinals, percents, quantities, money and ordinals.

The heart is :func:`find_numbers`. It scans the working copy (simplified, full-width digits
folded) left to right; at each position the longest reading wins:

- ``百分之X`` and ``X%`` → PERCENT (unit ``%``), ``X分之Y`` → CARDINAL with the decimal value;
- ``第X`` and ``首`` + classifier → ORDINAL (``第四条`` → 4, unit ``条``);
- a currency before or after the number → MONEY (``新台币2亿元`` → unit ``新台币``);
- a measure word, classifier or directly counted noun after the number → QUANTITY; for the generic
  ``个`` the unit is the counted noun and the span runs over it (``10个营`` → ``营``), or, when the
  noun came first (``成员国共有10个``), the noun before the verb;
- otherwise a bare CARDINAL.

Approximation: words before the number (``近``, ``约``, ``逾``) set ``approx`` and stay outside the
span; ``多``/``余``/``数`` inside the phrase are in it. Digits that belong to a date (the
``dates`` argument, or a time unit right after the number), to a name (an entity span, a title in
《》, ``911事件``, ``联盟盾牌—2005``) or to an identifier (``A380``, ``2345-6789``, ``3.2.1``, a number
after ``电话``; :mod:`.number_codes`, which also tells a range or score of two short numbers,
``70-90%``, ``5-2``, from a code) are no numbers. What the words around a number say (approximation
outside the span, the indefinite 一) is :mod:`.number_context`. All word lists live in
``data/number_words.yaml``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from ..numerals import DIGIT_VALUES, is_approximate_range, is_digit_string, parse_number, tidy
from ..resources import load_yaml
from .normalize import TextView, simplified_characters
from .counted_nouns import (noun_after, noun_after_clause, noun_after_modifiers, noun_before, numbering_suffix,
                            people_counted)
from .number_codes import identifier, identifier_end, quoted_code, score_end
from .number_context import after_copula, approx_before, approx_clause, indefinite, state_word_at
from .shared import CLAUSE_BREAK, TITLE


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    text: str
    label: str      # CARDINAL, PERCENT, QUANTITY, MONEY, ORDINAL
    value: float | int | None
    unit: str | None = None
    approx: bool = False


_HAN = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_BREAK = re.compile(r"[。！？；!?;\n]")
_CN_DIGITS = "".join(DIGIT_VALUES)
_MULTIPLIER_CHARS = "十百千万亿"
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# 4549.5 万千瓦: translated and PDF text may put a space before 万 or 亿
_MIXED = rf"(?:{_ARABIC})(?:(?: (?=[万亿]))?[{_MULTIPLIER_CHARS}]+(?:\d+[{_MULTIPLIER_CHARS}]*)?)*"
_CHINESE = rf"[{_CN_DIGITS}{_MULTIPLIER_CHARS}廿卅]+(?:点[{_CN_DIGITS}]+)?"
# lead 数/几, the numeral, inner 多/余/几, further multipliers (10多万), a final 多/余 (5万多).
_PHRASE = re.compile(rf"(?P<lead>[数几])?(?P<core>{_MIXED}|{_CHINESE})?(?P<inner>[多余几])?"
                     rf"(?P<mult>[{_MULTIPLIER_CHARS}]+)?(?P<inner2>(?<![多余几])[多余])?")
_NUMERAL = re.compile(rf"{_MIXED}|{_CHINESE}")
_PERCENT_NUMERAL = re.compile(rf"{_CHINESE}|{_ARABIC}")


class _Lexicon:
    """Words indexed by their first and last character: which of them start or end at a position,
    longest first, without trying every word at every position."""

    def __init__(self, words):
        self.by_first: dict[str, list[str]] = {}
        self.by_last: dict[str, list[str]] = {}
        for word in sorted(set(words), key=len, reverse=True):
            self.by_first.setdefault(word[0], []).append(word)
            self.by_last.setdefault(word[-1], []).append(word)

    def all_at(self, text: str, pos: int):
        for word in self.by_first.get(text[pos:pos + 1], ()):
            if text.startswith(word, pos):
                yield word

    def at(self, text: str, pos: int) -> str | None:
        return next(self.all_at(text, pos), None)

    def all_ending(self, text: str, pos: int):
        for word in self.by_last.get(text[pos - 1:pos] if pos else "", ()):
            if pos >= len(word) and text.startswith(word, pos - len(word)):
                yield word

    def ending(self, text: str, pos: int) -> str | None:
        return next(self.all_ending(text, pos), None)


class _Tables:
    """number_words.yaml, validated, with the lookups built from it."""

    def __init__(self, data: dict):
        self.data = d = data
        for key in ("classifiers", "count_nouns", "measures", "currencies", "generic_classifiers"):
            if not d.get(key):
                raise ValueError(f"number_words.yaml: {key} is missing or empty")
        self.units = {**{u: "QUANTITY" for u in d["measures"] + d["count_nouns"] + d["classifiers"]},
                      **{u: "MONEY" for u in d["currencies"]}}
        self.generic = tuple(d["generic_classifiers"])
        self.unit_words = _Lexicon([*self.units, *self.generic])
        self.time_units = _Lexicon(d["time_units"])
        self.known_nouns = _Lexicon(d["known_nouns"])
        self.stop_words = _Lexicon(d["noun_stop_words"])
        self.inner_stop_words = _Lexicon(d["noun_inner_stop_words"])
        self.approx_prefixes = _Lexicon(d["approx_prefixes"])
        self.currencies = _Lexicon(d["currencies"])
        self.prefix_currencies = _Lexicon(d["prefix_currencies"])
        self.first_classifiers = _Lexicon(d["first_classifiers"])
        self.count_verbs = _Lexicon(d["count_verbs"])
        self.floor_words = _Lexicon(d["floor_words"])
        self.identifier_cues = sorted(d["identifier_cues"], key=len, reverse=True)
        self.fraction = re.compile(
            rf"({_CHINESE}|{_ARABIC}) ?{re.escape(d['fraction_infix'])} ?({_CHINESE}|{_ARABIC})")  # 5 分之 1
        self.approx_suffixes = _Lexicon(d["approx_suffixes"])
        self.cardinal_suffixes = _Lexicon(d["cardinal_suffixes"])
        self.yi_words = _Lexicon(d["yi_words"])
        self.fixed_expressions = _Lexicon(d["fixed_expressions"])
        self.partitive_words = _Lexicon(d["partitive_words"])
        self.multiplier_units = _Lexicon(u for u in self.units if u[0] in _MULTIPLIER_CHARS and len(u) > 1)
        self.single_count_nouns = frozenset(d["whole_count_nouns"])
        self.ordinal_classifiers = frozenset(d["ordinal_classifiers"])
        self.ordinal_name_heads = tuple(sorted(d["ordinal_name_heads"], key=len, reverse=True))
        self.quote_pairs = dict(zip(d["quote_marks"][0::2], d["quote_marks"][1::2]))
        self.half_words = _Lexicon(d["half_words"])
        self.half_word_hosts = _Lexicon(d["half_word_hosts"])
        starts = [d["percent_prefix"], d["ordinal_prefix"], d["first_word"], *d["prefix_currencies"],
                  *d["fixed_expressions"], *d["half_words"]]
        self.start_chars = frozenset("0123456789" + _CN_DIGITS + _MULTIPLIER_CHARS + "廿卅数几"
                                     + "".join(w[0] for w in starts))


@lru_cache(maxsize=None)
def _tables() -> _Tables:
    return _Tables(load_yaml("number_words.yaml"))


@dataclass(frozen=True)
class _Reading:
    start: int                  # working-copy offsets
    end: int
    label: str | None           # None: consumed, no mention (a date's digits, an identifier)
    value: float | int | None = None
    unit: str | None = None
    approx: bool = False
    number_start: int = -1      # where the numeral itself starts (after a currency or 第)


# --- the heart -------------------------------------------------------------------------------------

def find_numbers(view: TextView, dates: Iterable = (), entities: Iterable = (),
                 words: Iterable[tuple[int, int, str]] = ()) -> list[NumberMention]:
    """Number mentions in ``view``, sorted, with original offsets.

    ``dates`` (DateMention) and ``entities`` (anything with ``start``/``end`` in original offsets)
    cover digits that are no numbers: a date's, or a name's (``第37届东盟峰会`` as an EVENT).
    ``words`` — the segmenter's words as working-copy (start, end, dictionary tag) — end the noun
    a 个 counts before a verb or an adverb after its first word (一个市政厅|谈到, 一个地主少爷|顺应;
    but 三个联合部队集团), and a number in words does not begin inside a dictionary word (no 数人
    in 多数|人).
    """
    tables = _tables()
    text = view.working
    # Characters that belong to a date, a name or a title: one flag per character keeps it linear.
    covered = bytearray(len(text))
    spans = [view.to_working(x.start, x.end) for x in [*dates, *entities] if x.end > x.start]
    for start, end in spans + [m.span() for m in TITLE.finditer(text)]:
        covered[start:end] = b"\x01" * (end - start)
    # A people's name (叙利亚人) counted by a bare number has 人 for its unit.
    peoples = {view.to_working(x.start, x.end) for x in entities if getattr(x, "label", None) == "NORP"}
    mentions, readings = [], _Accepted(text, words, tables.data["noun_stop_tags"], peoples)
    for reading in _scan(text, tables, readings):
        if reading.label is None:
            continue
        if any(covered[reading.start:reading.end]):
            continue
        if reading.start in readings.inside_known_words and not text[reading.start].isdigit() \
                and not tables.half_word_hosts.ending(text, reading.end):
            continue  # 多数|人, 少数党: a numeral inside a dictionary word (but 过|半数)
        readings.append(reading)
    for reading in _shared_units(text, list(readings), tables):
        start, end = view.to_original(reading.start, reading.end)
        mentions.append(NumberMention(start, end, view.original[start:end], reading.label,
                                      reading.value, _unit_as_written(view, reading), reading.approx))
    return mentions


def _shared_units(text: str, readings: list[_Reading], tables: _Tables) -> list[_Reading]:
    """1、5、10和100法郎, 12到25公尺, 3至5万元: bare numbers coordinated with a last one that has a
    unit share its label and unit (and the 万 or 亿 written before that unit)."""
    joiners = tables.data["shared_unit_joiners"]
    out = list(readings)
    k = len(out) - 1
    while k > 0:
        last = out[k]
        first = k
        while first > 0 and out[first - 1].label == "CARDINAL" and not out[first - 1].unit and \
                text[out[first - 1].end:out[first].start] in joiners:
            first -= 1
        if first < k and last.unit and last.label in ("MONEY", "QUANTITY", "PERCENT"):
            written = text[last.number_start if last.number_start >= 0 else last.start:last.end]
            multiplier = next((m for m, v in tables.data["shared_unit_multipliers"].items()
                               if written.removesuffix(last.unit).endswith(m)), None)
            factor = tables.data["shared_unit_multipliers"][multiplier] if multiplier else 1
            for i in range(first, k):
                r = out[i]
                # 3至5万元: a bare 3 takes the 万; 3千到1万人 keeps its own 千
                own = any(ch in tables.data["shared_unit_multipliers"] for ch in text[r.start:r.end])
                out[i] = _Reading(r.start, r.end, last.label, tidy(r.value * (1 if own else factor)), last.unit,
                                  r.approx, r.number_start)
        k = first - 1 if first < k else k - 1
    return out


def _unit_as_written(view: TextView, reading: _Reading) -> str | None:
    """The unit in simplified characters of the original's own word: the working copy's phrase
    conversion swaps regional vocabulary (Taiwan 檔案 → mainland 文件), which is no unit the
    text wrote; a character-level conversion keeps the word (档案)."""
    unit = reading.unit
    if not unit:
        return unit
    at = view.working.rfind(unit, reading.start, reading.end)
    if at < 0:
        return unit
    start, end = view.to_original(at, at + len(unit))
    written = simplified_characters(view.original[start:end])
    return unit if written == unit else written


class _Accepted(list):
    """The readings kept so far, in order, and the sentence starts of the text (for 其中/共有 N个)."""

    def __init__(self, text: str, words: Iterable[tuple[int, int, str]] = (), stop_tags: Iterable[str] = (),
                 peoples: Iterable[tuple[int, int]] = ()):
        super().__init__()
        self.sentence_starts = [0] + [m.end() for m in _SENTENCE_BREAK.finditer(text)]
        words, stop_tags = list(words), set(stop_tags)
        # Set phrases (跃居第一: l, i) keep the ordinal they hold.
        self.inside_known_words = {i for s, e, tag in words if tag and tag not in ("l", "i") for i in range(s + 1, e)}
        self.stop_word_starts = {s for s, _, tag in words if tag in stop_tags}
        self.words_at = {s: (e, tag) for s, e, tag in words}
        self.peoples = set(peoples)  # working spans of the document's NORP names

    def sentence_start(self, pos: int) -> int:
        return self.sentence_starts[bisect.bisect_right(self.sentence_starts, pos) - 1]

    def last_end_before(self, pos: int, floor: int) -> int:
        """The end of the last kept reading that ends by ``pos`` (``floor`` if none after it)."""
        for reading in reversed(self):
            if reading.end <= pos:
                return max(reading.end, floor)
            if reading.end < floor:
                break
        return floor


def _scan(text: str, tables: _Tables, accepted: _Accepted):
    readers = (_read_percent_word, _read_fraction, _read_ordinal, _read_first, _read_prefixed_money,
               _read_number)
    pos, n = 0, len(text)
    while pos < n:
        if text[pos] not in tables.start_chars or not _starts_token(text, pos):
            pos += 1
            continue
        fixed = tables.fixed_expressions.at(text, pos)
        if fixed:
            pos += len(fixed)  # 一国两制: an expression, not a count
            continue
        best = None
        for reader in readers:
            reading = reader(text, pos, tables, accepted)
            if reading is not None and (best is None or reading.end > best.end):
                best = reading
        if best is None:
            pos += 1
            continue
        yield _with_outer_approx(text, best, tables)
        pos = max(best.end, pos + 1)


def _starts_token(text: str, pos: int) -> bool:
    if pos == 0:
        return True
    prev, ch = text[pos - 1], text[pos]
    if ch.isdigit():
        return not prev.isdigit() and not (prev in ".," and pos >= 2 and text[pos - 2].isdigit())
    if ch in _CN_DIGITS or ch in _MULTIPLIER_CHARS:
        return prev not in _CN_DIGITS and prev not in _MULTIPLIER_CHARS
    return True


# --- readers -----------------------------------------------------------------------------------------

def _read_number(text: str, pos: int, tables: _Tables, accepted) -> _Reading | None:
    """A numeral with what follows it: a unit, %, 成, 大, or nothing (a bare cardinal)."""
    phrase = _match_phrase(text, pos, tables)
    if phrase is None:
        return None
    m, value, approx = phrase
    end = m.end()
    if quoted_code(text, pos, end, tables):
        return _Reading(pos, end, None)  # “4.15”活动: a number that is the whole quoted name
    if identifier(text, pos, end, tables):
        return _Reading(pos, identifier_end(text, end), None)
    if tables.time_units.at(text, end) and not tables.currencies.at(text, end):
        suffix = numbering_suffix(text, end, tables, accepted)
        if suffix and value is not None:
            return _Reading(pos, end + len(suffix), "ORDINAL", value, suffix, False, pos)  # 17号选区
        return _Reading(pos, end, None)  # 三年, 18个月, 9月: the dates stage's (but 3000日元)
    core = m["core"] or ""
    if core == "一" and tables.yi_words.ending(text, pos + 1):
        return None  # 统一组织, 下一届: the 一 belongs to another word
    chinese = bool(core) and not any(ch.isdigit() for ch in core)
    bare_multiplier = core in ("百", "千", "万", "亿") and not m["lead"]
    d = tables.data
    if text.startswith(tuple(d["percent_signs"]), end):
        return _Reading(pos, end + 1, "PERCENT", value, "%", approx, pos)
    if text.startswith(d["tenths_word"], end) and value is not None and \
            not _blocked(text, end + 1, d["tenths_blocked_followers"]):
        return _Reading(pos, end + 1, "PERCENT", tidy(value * 10), "%", approx, pos)
    unit = _unit_at(text, end, tables, chinese)
    if unit is None and text[end:end + 1] == " " and not chinese and _unit_at(text, end + 1, tables, chinese):
        end += 1  # 12 个系: PDF and translated text put a space between numeral and classifier
        unit = _unit_at(text, end, tables, chinese)
    if unit is None and core and core not in d["cued_unit_blocked_numerals"] and \
            (cued := _cued_unit(text, pos, end, d)):
        unit_end, unit = cued
        return _Reading(pos, unit_end, "QUANTITY", value, unit, approx, pos)  # 得七分: points
    if not core and not m["mult"] and not unit:
        return None  # 数 / 几 alone count only with a classifier (数个, 几名); 数据, 几乎 are words
    floor = tables.floor_words.at(text, end)
    if floor and not unit and value is not None and not approx and core and float(value).is_integer():
        return _Reading(pos, end + len(floor), "ORDINAL", value, floor, False, pos)  # 89楼: the 89th floor
    if unit in tables.generic:
        return _generic_count(text, pos, end, value, approx, m, tables, accepted)
    if unit:
        unit_end = end + len(unit)
        label = tables.units[unit]
        if label == "MONEY" and unit == d["yuan"]:
            # 100亿元人民币: the currency name after 元 is the unit, and in the span.
            after = tables.currencies.at(text, unit_end)
            if after and after != d["yuan"]:
                unit, unit_end = after, unit_end + len(after)
        if bare_multiplier and not approx and not approx_before(text, pos, tables, bare=True):
            return None  # 千家万户: a lone multiplier is a number only when approximate (近百家)
        if core == "一" and ((unit in d["indefinite_classifiers"] and indefinite(text, pos, tables)) or
                            (label == "QUANTITY" and after_copula(text, pos, tables)) or
                            (unit in d["descriptive_classifiers"] and state_word_at(unit_end, accepted, d))):
            return _Reading(pos, unit_end, None)
        return _Reading(pos, unit_end, label, value, unit, approx, pos)
    suffix = tables.cardinal_suffixes.at(text, end)
    if suffix and core and core != "一" and value is not None and _HAN.match(text[end + 1:end + 2]):
        return _Reading(pos, end + len(suffix), "CARDINAL", value, None, approx, pos)
    # A bare number: no unit. It must stand on its own, not run into a name (911事件, 台北101是).
    following = text[end:end + 1]
    if following and _HAN.match(following) and following not in d["bare_followers"] \
            and not tables.approx_suffixes.at(text, end) and not score_end(text, pos, d):
        people = people_counted(text, end, m, value, tables, accepted)
        if people:
            return _Reading(pos, end, "QUANTITY", value, people, approx, pos)
        return _Reading(pos, end, None)
    if chinese and (len(core) < 2 and not approx or not any(c in _MULTIPLIER_CHARS for c in core)):
        return None  # 之一, 统一; a digit string (二〇〇六) is a date or a code
    if bare_multiplier and not approx and not approx_before(text, pos, tables, bare=True):
        return None
    if value is None and not approx:
        return None
    return _Reading(pos, end, "CARDINAL", value, None, approx, pos)


def _match_phrase(text: str, pos: int, tables: "_Tables | None" = None):
    """(match, value, approx) for the numeral phrase at ``pos``, or None."""
    m = _PHRASE.match(text, pos)
    if m and tables is not None:
        # 300万千瓦 is 3,000,000 千瓦: a multiplier character that begins a unit ends the numeral.
        for i in range(pos + 1, m.end()):
            if text[i] in _MULTIPLIER_CHARS and tables.multiplier_units.at(text, i) and \
                    (text[i - 1].isdigit() or text[i - 1] in _MULTIPLIER_CHARS):
                m = _PHRASE.match(text, pos, i)
                break
    if not m or m.end() == pos or not (m["core"] or m["lead"]):
        return None
    core = m["core"] or ""
    inner = m["inner"] or m["inner2"]
    if is_digit_string(core) and not is_approximate_range(core):
        return None  # 二〇〇六: a year or a code, never a quantity
    approx = bool(m["lead"] or inner) or is_approximate_range(core)
    if m["lead"]:
        # 数百, 几千: about the multiplier (100, 1000), as the gold writes it; 数度, 几个 name no number
        rest = core + (m["mult"] or "")
        value = parse_number("一" + rest) if rest and all(c in _MULTIPLIER_CHARS for c in rest) else None
        if value is None:
            return None
    else:
        value = parse_number(core.replace(" ", "") + (m["mult"] or ""))
        if value is None and not is_approximate_range(core):
            return None
    return m, value, approx


def _generic_count(text, pos, end, value, approx, m, tables: _Tables, accepted) -> _Reading | None:
    """N个 + noun: the noun is the unit and in the span; or the noun came first (成员国共有10个)."""
    d = tables.data
    counter_end = end + 1
    core = m["core"] or ""
    if core == "一" and indefinite(text, pos, tables):
        return _Reading(pos, counter_end, None)  # 这是一个集体防御组织: the indefinite article
    noun = noun_after_modifiers(text, counter_end, tables, accepted)
    if noun is not None:
        return _Reading(pos, noun[1], "QUANTITY", value, text[noun[0]:noun[1]], approx, pos)
    noun_end = noun_after(text, counter_end, tables, accepted)
    if noun_end > counter_end:
        return _Reading(pos, noun_end, "QUANTITY", value, text[counter_end:noun_end], approx, pos)
    noun = noun_before(text, pos, tables, accepted) or noun_after_clause(text, counter_end, tables)
    return _Reading(pos, counter_end, "QUANTITY", value, noun or d["generic_classifiers"][0], approx, pos)


def _read_percent_word(text: str, pos: int, tables: _Tables, accepted) -> _Reading | None:
    prefix = tables.data["percent_prefix"]
    if not text.startswith(prefix, pos):
        return None
    m = _PERCENT_NUMERAL.match(text, pos + len(prefix))
    value = parse_number(m.group()) if m else None
    if value is None:
        return None
    return _Reading(pos, m.end(), "PERCENT", value, "%", False, pos)


def _read_fraction(text: str, pos: int, tables: _Tables, accepted) -> _Reading | None:
    half = tables.half_words.at(text, pos)
    if half:
        end = pos + len(half)
        host = tables.half_word_hosts.ending(text, end)  # 过半数: "more than half"
        words = accepted.words_at
        if words and not host and (pos not in words or words[pos][0] != end):
            return _Reading(pos, end, None)  # 统一|半岛, 半|数字化: no half of anything
        return _Reading(pos, end, "CARDINAL", tables.data["half_words"][half], None, bool(host), pos)
    m = tables.fraction.match(text, pos)
    if not m or text.startswith(tables.data["percent_prefix"], pos):
        return None
    value = parse_number(m.group().replace(" ", ""))
    if value is None:
        return None
    return _Reading(pos, m.end(), "CARDINAL", value, None, False, pos)


def _read_ordinal(text: str, pos: int, tables: _Tables, accepted) -> _Reading | None:
    """第四条 -> 4 unit 条; 第十个成员国 -> 10 unit 成员国; 排名第五 -> 5, no unit."""
    prefix = tables.data["ordinal_prefix"]
    if not text.startswith(prefix, pos):
        return None
    start = pos + len(prefix)
    if text[start:start + 1] == " " and text[start + 1:start + 2].isdigit():
        start += 1  # 第 47 届: translated text spaces Arabic digits
    m = _NUMERAL.match(text, start)
    if not m:
        return None
    value = parse_number(m.group())
    # 第 12 次: one space may stand between Arabic digits and what they rank
    end = m.end() + (1 if m.group()[0].isdigit() and text[m.end():m.end() + 1] == " " and
                     _HAN.match(text[m.end() + 1:m.end() + 2] or " ") else 0)
    if value is None or tables.time_units.at(text, end):
        return _Reading(pos, m.end(), None) if m else None  # 第三年, 第二天: dates
    run = re.match(r"[\u3400-\u9fff]{1,6}", text[end:end + 6])
    # A one-character head needs a word before it (第二工程处, but 第五局 is the fifth game).
    if run and any(run.group().startswith(w, k) for k in range(len(run.group()))
                   for w in tables.ordinal_name_heads if k or len(w) > 1):
        return _Reading(pos, end, None)  # 第二工程处, 第一中学: the ordinal is part of a name
    unit = _unit_at(text, end, tables, not m.group()[0].isdigit())
    if unit in tables.generic:
        noun_end = noun_after(text, end + 1, tables, accepted)
        if noun_end > end + 1:
            return _Reading(pos, noun_end, "ORDINAL", value, text[end + 1:noun_end], False, start)
        return _Reading(pos, end + 1, "ORDINAL", value, noun_after_clause(text, end + 1, tables),
                        False, start)
    if unit and tables.units[unit] == "QUANTITY":
        return _Reading(pos, end + len(unit), "ORDINAL", value, unit, False, start)
    following = text[end:end + 1]
    if following and _HAN.match(following) and following in tables.ordinal_classifiers:
        return _Reading(pos, end + 1, "ORDINAL", value, following, False, start)  # 第5版, 第3季
    word = accepted.words_at.get(end)
    if word is not None and word[1] in tables.data["noun_tags"] \
            and word[0] - end <= tables.data["ordinal_noun_max_chars"]:
        return _Reading(pos, word[0], "ORDINAL", value, text[end:word[0]], False, start)  # 第17选区
    return _Reading(pos, m.end(), "ORDINAL", value, None, False, start)


def _read_first(text: str, pos: int, tables: _Tables, accepted) -> _Reading | None:
    """首次, 首任, 首届: the first. 首都, 首脑 are other words."""
    word = tables.data["first_word"]
    if not text.startswith(word, pos):
        return None
    unit = tables.first_classifiers.at(text, pos + len(word))
    if not unit or _blocked(text, pos + len(word) + len(unit),
                            tables.data["unit_blocked_followers"].get(unit, [])):
        return None
    end = pos + len(word) + len(unit)
    if unit in tables.generic:
        noun_end = noun_after(text, end, tables, accepted)
        if noun_end > end:
            return _Reading(pos, noun_end, "ORDINAL", 1, text[end:noun_end], False, pos)
        return _Reading(pos, end, "ORDINAL", 1, noun_after_clause(text, end, tables), False, pos)
    return _Reading(pos, end, "ORDINAL", 1, unit, False, pos)


def _read_prefixed_money(text: str, pos: int, tables: _Tables, accepted) -> _Reading | None:
    """新台币2亿元, 人民币300元, 港币100元: the currency before the number is the unit."""
    currency = tables.prefix_currencies.at(text, pos)
    if not currency:
        return None
    number = _read_number(text, pos + len(currency), tables, accepted)
    if number is None or number.label not in ("CARDINAL", "MONEY"):
        return None
    if number.label == "MONEY" and number.unit != tables.data["yuan"]:
        return None
    return _Reading(pos, number.end, "MONEY", number.value, currency, number.approx, number.start)


# --- context --------------------------------------------------------------------------------------

def _with_outer_approx(text: str, reading: _Reading, tables: _Tables) -> _Reading:
    """approx from words outside the span: 近3万人, 500人左右, 约占…的30%."""
    if reading.label is None or reading.approx or reading.label == "ORDINAL":
        return reading
    approx = approx_before(text, reading.start, tables) or \
        bool(tables.approx_suffixes.at(text, reading.end)) or \
        approx_clause(text, reading.start, tables)
    if not approx:
        return reading
    return _Reading(reading.start, reading.end, reading.label, reading.value, reading.unit, True,
                    reading.number_start)


def _unit_at(text: str, pos: int, tables: _Tables, chinese: bool) -> str | None:
    d = tables.data
    for unit in tables.unit_words.all_at(text, pos):
        if chinese and unit in d["arabic_only_units"] and \
                not (unit in d["units_after_two"] and not _lone_yi(text, pos)):
            continue  # 一度, 三级: after a Chinese numeral these are other words (but 两度, 三十度)
        if _blocked(text, pos + len(unit), d["unit_blocked_followers"].get(unit, [])):
            continue  # 一方面, 两部门
        return unit
    return None


def _cued_unit(text: str, pos: int, end: int, d: dict) -> tuple[int, str] | None:
    """(end, unit) of a unit that counts only after a verb that says what it counts (得七分,
    落后 4 分: points; elsewhere 分 is a minute or a cent)."""
    before = text[max(0, pos - 4):pos].rstrip()
    start = end + 1 if text[end:end + 1] == " " else end
    for unit, cues in d["cued_units"].items():
        if text.startswith(unit, start) and before.endswith(tuple(cues)) and \
                not _blocked(text, start + len(unit), d["unit_blocked_followers"].get(unit, [])):
            return start + len(unit), unit
    return None


def _lone_yi(text: str, pos: int) -> bool:
    """The numeral that ends at ``pos`` is 一 on its own (一度), not a number ending in it (十一度)."""
    return text[pos - 1:pos] == "一" and not (pos >= 2 and (text[pos - 2] in _CN_DIGITS or text[pos - 2] in _MULTIPLIER_CHARS))


def _blocked(text: str, pos: int, followers) -> bool:
    return pos < len(text) and text[pos] in followers
