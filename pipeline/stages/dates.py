"""Dates: date, time, duration and set expressions with TIMEX3 values.

The heart is :func:`find_dates`. It reads the working copy (simplified, full-width digits folded),
so ``民國95年`` and ``民国95年`` are one pattern, and maps every span back to the original. The
date readers see it with white space inside dates dropped and names masked (:class:`_Squeezed`).

1. **Scan** (:mod:`.date_phrases`): phrases as written, the longest reading at each position;
   adjacent durations in falling units are one (``兩年零三個月``).
2. **Resolve**, in document order. Anaphoric words (``同年``, ``次年``, ``同日``, ``当时``) and
   dates missing their year (``6月``, ``15日``) take it from the most recent date with a known year
   *earlier in the document*; deictic words (``明天``, ``去年``, ``上周三``) take doc_date, else the
   text's own date line, else they are dates with no value (a bare weekday is ``XXXX-WXX-6``);
   ``三年前`` with nothing to count from is the duration ``三年``.
3. **Modify.** TimeML mods from the words around the span, inside its sentence: ``前`` BEFORE,
   ``起``/``以来`` ON_OR_AFTER, ``约``/``左右`` APPROX, ``到X``/``截至X`` ON_OR_BEFORE. Those words
   stay outside the span; parts inside the phrase (``年底`` END, ``2个多月`` MORE_THAN) are in it.

All word lists live in ``data/date_words.yaml``.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Collection, Iterable, Sequence

from .date_durations import joined_durations
from .date_phrases import century_prefix, scan_phrases
from .date_shapes import Anchor, Calendar, Phrase, word_after
from .date_words import DateTables, date_tables
from .normalize import TextView
from .shared import CLAUSE_BREAK, TITLE

_NUMERAL = re.compile(r"[\d〇零一二两三四五六七八九十百千]")  # jieba cuts numerals anywhere: no evidence there


@dataclass(frozen=True)
class DateMention:
    start: int      # offsets into the original text
    end: int
    text: str
    type: str       # DATE, TIME, DURATION, SET
    value: str      # TIMEX3 value
    mod: str | None = None


# --- the heart -------------------------------------------------------------------------------------

def find_dates(view: TextView, sentences: Sequence[tuple[int, int]], doc_date: str | None = None,
               names: Iterable = (), word_starts: Collection[int] | None = None,
               places: Iterable = ()) -> list[DateMention]:
    """Date, time, duration and set mentions in ``view``, sorted, with original offsets.

    ``sentences`` are original-text spans; modifier words are looked for inside the sentence of
    each phrase. ``doc_date`` (ISO ``YYYY-MM-DD``) resolves deictic words; without it the
    text's own date line does, and without one they have no value. ``names`` (anything with
    original ``start``/``end``: the EVENT entities) hold years that belong to a name
    (``2016年总统大选``), which are no dates. ``word_starts`` (working-copy offsets where the
    segmenter's words begin): a date written in words with no numeral must begin a word, so that
    现在 in 出现|在, 明天 in 光明|天皇 or 当时 in 适当|时机 is no date. ``places`` (GPE and LOC entities,
    original offsets): 今天 before a place is the present (今天(的)摩洛哥), not a day.
    """
    tables = date_tables()
    squeezed = _Squeezed(view.working, tables, [view.to_working(n.start, n.end) for n in names])
    text = squeezed.text
    if doc_date:
        today = dt.date.fromisoformat(doc_date[:10])
    else:
        today = dateline_date(text, tables)
    bounds = _sentence_bounds(view, sentences, squeezed)
    place_starts = {squeezed.from_working(view.to_working(p.start, p.end)[0]) for p in places}
    in_title = bytearray(len(text))  # one flag per character: a year inside 《》 is part of a name
    for m in TITLE.finditer(text):
        in_title[m.start() + 1:m.end() - 1] = b"\x01" * (m.end() - m.start() - 2)
    mentions: list[DateMention] = []
    anchor: Anchor | None = None
    for phrase in joined_durations(scan_phrases(text, tables), text, tables):
        if in_title[phrase.start]:
            continue  # a year inside a title belongs to the name (《2019年国防授权法》)
        if word_starts is not None and not _NUMERAL.search(text, phrase.start, phrase.end) and \
                squeezed.to_working(phrase.start, phrase.end)[0] not in word_starts:
            continue  # 出现|在: the 现在 of another word
        resolved = _resolve(phrase, anchor, today, tables)
        if resolved is None and phrase.kind == "relative":
            # 三年前 with no date to count from: what the text states is the duration 三年.
            phrase = replace(phrase, end=phrase.inner_end, kind="duration", type="DURATION")
            resolved = ("DURATION", phrase.value, None, None)
        elif resolved is None and _present_day(text, phrase, tables, place_starts):
            resolved = ("DATE", "PRESENT_REF", None, None)  # 今日的土耳其: today's, the present
        elif resolved is None:
            if not _deictic(phrase):
                continue
            # 今天, 本月 with no date to resolve them against: the phrase is a date all the same.
            resolved = ("DATE", None, phrase.calendar.part if phrase.calendar else None, None)
        type_, value, mod, new_anchor = resolved
        anchor = new_anchor or anchor
        s_start, s_end = bounds(phrase.start)
        context_mod = _context_mod(text, phrase, s_start, s_end, tables)
        start, end = view.to_original(*squeezed.to_working(phrase.start, phrase.end))
        mentions.append(DateMention(start, end, view.original[start:end], type_, value,
                                    context_mod or mod))
    return _glossed_dates(view.original, mentions)


_VALUE_SHAPE = re.compile(r"\d")


def _glossed_dates(original: str, mentions: list[DateMention]) -> list[DateMention]:
    """天保12年6月6日（1841年7月23日）: a date glossed in brackets by a date as precise (its
    Gregorian form, of an era date in another calendar) has the gloss's value."""
    out = list(mentions)
    for i in range(len(out) - 1):
        date, gloss = out[i], out[i + 1]
        if original[date.end:gloss.start] in ("（", "(") and date.type == gloss.type == "DATE" and \
                date.value and gloss.value and date.value != gloss.value and \
                _VALUE_SHAPE.sub("0", date.value) == _VALUE_SHAPE.sub("0", gloss.value) and "X" not in gloss.value:
            out[i] = replace(date, value=gloss.value)
    return out


class _Squeezed:
    """The working copy as the date readers see it: white space inside a date dropped
    (``1988 年 7 月`` from PDF text), look-alike zeros read as 〇 (``二○○五年``), and names
    masked, so that no reading takes a name's year (``2016年总统大选``) or runs into a name
    (``2000年`` + ``夏季奥运会``)."""

    MASK = "\ue000"

    def __init__(self, working: str, tables: "DateTables", names=()):
        chars, positions = [], []
        zeros = tables.zero_lookalikes
        drop = {i for m in tables.inner_space.finditer(working) for i in range(m.start(), m.end())}
        masked = bytearray(len(working))
        for start, end in names:
            masked[start:end] = b"\x01" * (end - start)
        for i, ch in enumerate(working):
            if i not in drop:
                chars.append(self.MASK if masked[i] else "〇" if ch in zeros else ch)
                positions.append(i)
        positions.append(len(working))
        self.text, self.positions = "".join(chars), positions

    def to_working(self, start: int, end: int) -> tuple[int, int]:
        return self.positions[start], self.positions[end - 1] + 1 if end > start else self.positions[start]

    def from_working(self, pos: int) -> int:
        return bisect.bisect_left(self.positions, pos)


def dateline_date(text: str, tables: "DateTables") -> dt.date | None:
    """The date a news item gives itself on its date line (``新华社北京3月5日电`` needs a year;
    ``2019年3月5日电``, or a first line that is a full date and little else), or None."""
    d = tables.data
    head = text[:d["dateline_window"]]
    for m in tables.full_date.finditer(head):
        line_start = head.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        cue = any(text.startswith(c, m.end()) for c in d["dateline_cues"])
        if cue or len(line) <= d["dateline_max_line"]:
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return None
    return None


def _present_day(text: str, phrase: "Phrase", tables: "DateTables", place_starts: Collection[int]) -> bool:
    """今天(的)摩洛哥: "today" before a place means the present; 今天的会议 is a day."""
    d = tables.data
    if text[phrase.start:phrase.end] not in d["present_day_words"]:
        return False
    after = phrase.end
    follower = next((f for f in d["present_day_followers"] if text.startswith(f, after)), "")
    return after + len(follower) in place_starts


def _deictic(phrase: "Phrase") -> bool:
    c = phrase.calendar
    return phrase.kind == "calendar" and c is not None and (
        "deictic" in (c.year_kind, c.month_kind, c.day_kind) or c.week is not None)


def _sentence_bounds(view: TextView, sentences: Sequence[tuple[int, int]], squeezed: "_Squeezed"):
    spans = sorted(tuple(map(squeezed.from_working, view.to_working(s, e))) for s, e in sentences if e > s)
    starts = [s for s, _ in spans]

    def bounds(pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and spans[i][0] <= pos < spans[i][1]:
            return spans[i]
        return 0, len(squeezed.text)

    return bounds


# --- 2. resolution ----------------------------------------------------------------------------------

def _resolve(phrase: Phrase, anchor: Anchor | None, today: dt.date | None, tables: DateTables):
    """(type, value, mod, new anchor or None), or None when the phrase has no value here."""
    kind = phrase.kind
    if kind == "consumed":
        return None
    if kind == "same":  # 当时: the value of the date it refers back to
        if anchor is None:
            return None
        return ("TIME" if "T" in anchor.value else "DATE"), anchor.value, None, None
    if kind == "fixed":
        value = phrase.value
        if value.startswith("relative:"):  # 90年代; 七、八十年代 is two of them
            value = "/".join(_relative_century(v, today, tables) for v in value.split("/"))
        return phrase.type, value, phrase.mod, None
    if kind == "relative":
        value = _relative_value(phrase, today)
        return ("DATE", value, None, None) if value else None
    if kind == "duration":
        return "DURATION", phrase.value, phrase.mod, None
    if kind == "range":
        head = _resolve_calendar(phrase.calendar, anchor, today)
        if head is None:
            return None
        tail_cal = _inherit(phrase.tail, head, phrase.calendar)
        tail = _resolve_calendar(tail_cal, anchor, today)
        if tail is not None and head.year and tail.value < head.value and not phrase.tail.year_kind:
            # 2006年12月30日至1月2日: a tail that takes the head's year and ends before it is in the next
            tail = _resolve_calendar(replace(tail_cal, year=head.year + 1), anchor, today)
        if tail is None or head.year and tail.value < head.value:
            return None  # an interval must not end before it starts (with no year, 12月30日至1月2日 may)
        type_ = "TIME" if phrase.calendar.hour is not None or phrase.calendar.day_part else "DATE"
        return type_, f"{head.value}/{tail.value}", None, head if head.year else None
    resolved = _resolve_calendar(phrase.calendar, anchor, today)
    if resolved is None:
        return None
    type_ = "TIME" if phrase.calendar.hour is not None or phrase.calendar.day_part else "DATE"
    return type_, resolved.value, phrase.calendar.part, resolved if resolved.year else None


def _inherit(tail: Calendar, head: Anchor, written: Calendar) -> Calendar:
    """The range tail takes the levels above its first one from the resolved head (or, where the
    head has no year to resolve by, from the head as written: 5月3日至5日 -> XXXX-05-03/XXXX-05-05)."""
    if tail.year_kind:
        return tail
    fields = {"year": head.year, "year_kind": "abs"} if head.year else {}  # year 0: none
    month = head.month or (written.month if written.month_kind == "abs" else None)
    if (tail.day_kind or tail.hour is not None) and not tail.month_kind and month:
        fields.update(month=month, month_kind="abs")
    day = head.day or (written.day if written.day_kind == "abs" else None)
    if tail.hour is not None and not tail.day_kind and day:
        fields.update(day=day, day_kind="abs")  # 5月3日下午两点到四点: the same day
    return replace(tail, **fields)


def _resolve_calendar(c: Calendar, anchor: Anchor | None, today: dt.date | None) -> Anchor | None:
    """Fill the year, month and day a phrase leaves to its context; None when it cannot be."""
    y = m = day = None
    if c.year_kind == "abs":
        y = c.year
    elif c.year_kind == "deictic":
        if today is None:
            return None
        y = today.year + c.year
    elif c.year_kind == "anaphoric":
        if anchor is None:
            return None
        y = anchor.year + c.year
    if c.month_kind == "abs":
        m = c.month
    elif c.month_kind == "deictic":
        if today is None:
            return None
        y, m = _shift_month(today.year, today.month, c.month)
    elif c.month_kind == "anaphoric":
        if anchor is None or anchor.month is None:
            return None
        y, m = _shift_month(anchor.year if y is None else y, anchor.month, c.month)
    if c.day_kind == "abs":
        day = c.day
    elif c.day_kind in ("deictic", "anaphoric"):
        if c.day_kind == "deictic":
            if today is None:
                return None
            base = today
        else:
            if anchor is None or anchor.day is None:
                return None
            base = dt.date(anchor.year, anchor.month, anchor.day)
        target = base + dt.timedelta(days=c.day)
        y, m, day = target.year, target.month, target.day
    elif c.week is not None:
        if today is None:
            if c.week == 0 and c.weekday is not None and c.weekday != "WE":  # 周六: XXXX-WXX-6
                value = f"XXXX-WXX-{c.weekday}" + (f"T{c.day_part}" if c.day_part else "")
                return Anchor(0, None, None, value)
            return None
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=c.week)
        if c.weekday is None or c.weekday == "WE":
            iso = monday.isocalendar()
            suffix = "-WE" if c.weekday == "WE" else ""
            return Anchor(iso[0], None, None, f"{iso[0]:04d}-W{iso[1]:02d}{suffix}")
        target = monday + dt.timedelta(days=c.weekday - 1)
        y, m, day = target.year, target.month, target.day
    # Levels the phrase leaves out come from the anchor, else from doc_date (6月, 15日, 第四季度).
    if day is not None and m is None:
        source = anchor if anchor and anchor.month else today
        if source is not None:  # else the month stays unknown: 5日 -> XXXX-XX-05
            y, m = source.year, source.month
    needs_year = y is None and (m is not None or c.season or c.half or c.quarter)
    if needs_year:
        if anchor is not None:
            y = anchor.year
        elif today is not None:
            y = today.year
        elif m is None:
            return None  # a bare quarter or half with no year anywhere
    if c.hour is not None and day is None and m is None and y is None:
        source = anchor if anchor and anchor.day else None
        if source:
            y, m, day = source.year, source.month, source.day
        elif today is not None:
            y, m, day = today.year, today.month, today.day
    if day is not None and y is not None and m is not None:  # 31日至31日: a year may come with no month
        try:
            dt.date(y, m, day)
        except ValueError:
            if c.year_kind is not None or c.month_kind != "abs" or (m, day) != (2, 29):
                return None
            y = None  # 2月29日 in a context whose year has none: the year stays open
    value = _format(y, m, day, c)
    return Anchor(y, m, day, value) if y is not None else Anchor(0, None, None, value)


def _format(y, m, day, c: Calendar) -> str:
    year = f"{y:04d}" if y is not None else "XXXX"
    if c.season:
        return f"{year}-{c.season}"
    if c.half:
        return f"{year}-{c.half}"
    if c.quarter:
        return f"{year}-Q{c.quarter}"
    value = year
    if m is not None:
        value += f"-{m:02d}"
        if day is not None:
            value += f"-{day:02d}"
    elif day is not None or c.hour is not None:
        value += "-XX-XX" if c.hour is not None and day is None else f"-XX-{day:02d}"
    if c.hour is not None:
        if m is not None and day is None:
            value += "-XX"
        value += f"T{c.hour:02d}:{c.minute:02d}"
    elif c.day_part:
        value += f"T{c.day_part}"
    return value


def _shift_month(year: int, month: int, offset: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + offset
    return index // 12, index % 12 + 1


def _relative_century(value: str, today: dt.date | None, tables: DateTables) -> str:
    """上世纪/本世纪 against the document's century (doc_date, else the configured default)."""
    word, _, decade = value[len("relative:"):].partition("|")
    present = (today.year // 100 + 1) if today else tables.data["default_present_century"]
    ordinal = {"上世纪": present - 1, "本世纪": present, "下世纪": present + 1}.get(word)
    if ordinal is None:
        # A bare decade (90年代): the latest such decade not after doc_date; without one, the
        # decade of the previous century, as 上世纪 (90年代 is the 1990s in a text of the 2000s).
        if today is None:
            return f"{century_prefix(present - 1)}{decade}"
        digit = int(decade[0])
        century = today.year // 100 if digit * 10 <= today.year % 100 else today.year // 100 - 1
        return f"{century:02d}{decade}"
    return f"{century_prefix(ordinal)}{decade}"


def _relative_value(phrase: Phrase, today: dt.date | None) -> str | None:
    """三年前 / 两天后 against doc_date, at the precision of the unit."""
    if today is None:
        return None
    amount = int(phrase.amount)
    if phrase.designator == "Y":
        return f"{today.year + amount:04d}"
    if phrase.designator == "M":
        y, m = _shift_month(today.year, today.month, amount)
        return f"{y:04d}-{m:02d}"
    days = amount * (7 if phrase.designator == "W" else 1)
    return (today + dt.timedelta(days=days)).isoformat()


# --- 3. modifiers --------------------------------------------------------------------------------------

def _context_mod(text: str, phrase: Phrase, s_start: int, s_end: int, tables: DateTables) -> str | None:
    """The TimeML mod given by the words around the phrase, inside its sentence."""
    d, words = tables.data, tables.context_words
    if phrase.kind == "range" or phrase.type == "SET" or phrase.value == "PRESENT_REF":
        return None
    if phrase.kind == "duration" or phrase.type == "DURATION":
        prefix = _word_before(text, phrase.start, s_start, words["duration_prefix_mods"])
        suffix = word_after(text, phrase.end, s_end, words["duration_suffix_mods"], {})
        return d["duration_suffix_mods"].get(suffix) or d["duration_prefix_mods"].get(prefix) \
            or phrase.mod
    suffix = word_after(text, phrase.end, s_end, words["suffix_mods"], d["suffix_blocked_followers"])
    if suffix:
        return d["suffix_mods"][suffix]
    if _word_before(text, phrase.start, s_start, words["since_prefixes"]):
        follow = word_after(text, phrase.end, s_end, words["since_suffixes_with_prefix"], {})
        if follow:
            return d["since_suffixes_with_prefix"][follow]
        clause_end = _clause_end(text, phrase.end, s_end)
        if any(w in text[phrase.end:clause_end] for w in d["since_clause_words"]):
            return "ON_OR_AFTER"
    prefix = _word_before(text, phrase.start, s_start, words["prefix_mods"])
    if prefix:
        at = phrase.start - len(prefix)
        if at > s_start and text[at - 1] in d["prefix_blocked_before"].get(prefix[0], ()):
            return None
        return d["prefix_mods"][prefix]
    return None




def _clause_end(text: str, pos: int, limit: int) -> int:
    m = CLAUSE_BREAK.search(text, pos, limit)
    return m.start() if m else limit


def _word_before(text: str, pos: int, limit: int, words) -> str | None:
    """The first of ``words`` (sorted longest first) that ends at ``pos``, not before ``limit``."""
    for word in words:
        if pos - len(word) >= limit and text.startswith(word, pos - len(word)):
            return word
    return None
