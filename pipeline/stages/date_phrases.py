"""Date phrases as written: the readers, over the word tables of :mod:`.date_words`.

:func:`scan_phrases` reads the working copy left to right; at each position every reader
(calendar date or time, year range, decade, century, duration and set (:mod:`.date_durations`),
present reference, ``当时``, an era year glossed in brackets) proposes a phrase and the longest
wins, so ``1990年代`` beats ``1990年`` and ``2个多月`` is one duration. A phrase records what the
text says (a :class:`.date_shapes.Calendar` with the levels written, a duration value); giving it
a value in context is the business of :mod:`.dates`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from ..numerals import parse_number
from .date_durations import read_duration, read_set
from .date_shapes import Calendar, Phrase, blocked
from .date_words import CN_NUMERAL, HAN, DateTables


# --- 1. scanning ---------------------------------------------------------------------------------

def scan_phrases(text: str, tables: DateTables):
    """Phrases left to right; at each position the longest reading wins."""
    readers = (_read_year_range, _read_decade, _read_century, _read_calendar_phrase,
               _read_numeric_date, read_duration, read_set, _read_fixed, _read_glossed_era_year,
               _read_named_period, _read_era_period)
    pos, n = 0, len(text)
    # Era years glossed in brackets start with any era name: find them once for the whole text.
    glossed = {m.start() for m in tables.glossed_era_year.finditer(text)}
    while pos < n:
        if (text[pos] not in tables.start_chars or not _starts_token(text, pos)) and pos not in glossed:
            pos += 1
            continue
        best = None
        for reader in readers:
            phrase = reader(text, pos, tables)
            if phrase is not None and (best is None or phrase.end > best.end):
                best = phrase
        if best is None:
            pos += 1
            continue
        yield best
        pos = best.end


def _starts_token(text: str, pos: int) -> bool:
    """A number starts here, not in the middle of one (the 0 of 2006, the 六 of 二〇〇六)."""
    if pos == 0:
        return True
    prev, ch = text[pos - 1], text[pos]
    if ch.isdigit():
        if prev in ".,:" and pos >= 2 and text[pos - 2].isdigit():
            return False  # 1,234 / 3.5 / 10:30
        return not (prev.isdigit() or prev.isascii() and prev.isalpha())
    if ch in CN_NUMERAL:
        return prev not in CN_NUMERAL
    return True


def _read_calendar_phrase(text: str, pos: int, tables: DateTables) -> Phrase | None:
    """A calendar date or time, or a range of two (2006年5月至6月)."""
    read = _read_calendar(text, pos, tables)
    if read is None:
        return None
    head, end = read
    if head is _CONSUMED:
        return Phrase(pos, end, "consumed")
    type_ = "TIME" if head.hour is not None or head.day_part else "DATE"
    connector = tables.connector.match(text, end)
    if connector and head.hour is None and head.day_part is None:
        tail_read = _read_calendar(text, connector.end(), tables)
        if tail_read and tail_read[0] is not _CONSUMED and _joins(head, tail_read[0]):
            return Phrase(pos, tail_read[1], "range", head, tail_read[0])
    if connector and _timed_day(head):
        tail_read = _read_calendar(text, connector.end(), tables)
        if tail_read and tail_read[0] is not _CONSUMED and _timed_day(tail_read[0]) \
                and tail_read[0].words_only_numbers and tail_read[0].levels[0] >= head.levels[0]:
            # 4月17日16:15至4月18日20:45, 5月13日夜至16日拂晓: a day and a time to a day and a time
            return Phrase(pos, tail_read[1], "range", head, tail_read[0], type="TIME")
    if connector and head.hour is not None and (tail_read := _clock_tail(text, connector.end(), head, tables)):
        return Phrase(pos, tail_read[1], "range", head, tail_read[0], type="TIME")
    return Phrase(pos, end, "calendar", head, type=type_)


def _timed_day(c: Calendar) -> bool:
    """A written day with a time of day or a part of the day (16日16:15, 13日夜)."""
    return c.day_kind == "abs" and (c.hour is not None or c.day_part is not None)


def _clock_tail(text: str, pos: int, head: Calendar, tables: DateTables):
    """(calendar, end) of the clock time that ends a range begun by the time ``head`` (下午五点到七点:
    七点 is in the afternoon too), or None where it is none or does not come after the head (下午
    五点到凌晨三点 crosses midnight: two times)."""
    m = tables.time.match(text, pos)
    clock = _clock(m, tables, after_day=True) if m else None
    if clock is None:
        return None
    hour, minute = clock
    if m["period"] is None and head.hour >= 12 and hour < 12:
        hour += 12
    if (hour, minute) <= (head.hour, head.minute or 0):
        return None
    return Calendar(hour=hour, minute=minute), m.end()


_CONSUMED = Calendar()


def _joins(head: Calendar, tail: Calendar) -> bool:
    """Whether ``tail`` can end a range begun by ``head``: numbers only, and either a full date
    or starting at the level where the head ends (2006年5月至6月, 5月3日至5日)."""
    if not tail.words_only_numbers or tail.hour is not None or not tail.levels or not head.levels:
        return False
    if any(x is not None for x in (tail.season, tail.half, tail.quarter, head.season, head.half,
                                    head.quarter)):
        return False
    if tail.year_kind is not None:
        return head.year_kind is not None  # 9月至2006年 is no range
    # 2006年5月至6月, 5月3日至5日, 2016年6月1日-6月30日: the tail ends at the head's precision.
    return tail.levels[-1] == head.levels[-1] and tail.levels[0] >= head.levels[0]


def _read_calendar(text: str, pos: int, tables: DateTables):
    """(calendar, end) for a date or time starting at ``pos``; (_CONSUMED, end) for a phrase that
    is recognised but gets no value (公元前221年); None when there is none."""
    d = tables.data
    fields: dict = {}
    p = pos
    if text.startswith(tables.before_common_era, p):
        m = tables.bce_year.match(text, p)
        return (_CONSUMED, m.end()) if m else None
    # year
    if m := tables.year_abs.match(text, p):
        year = int(m["ey4"]) if m["ey4"] else parse_number(m["y"])
        if year is None or not (1 <= year <= 2999 if m["ey4"] else 1000 <= year <= 2999):
            return None
        fields.update(year=year, year_kind="abs")
        p = m.end()
    elif m := tables.year_short.match(text, p):
        fields.update(year=_short_year(int(m["y"]), tables), year_kind="abs")
        p = m.end()
    elif (m := tables.year_early.match(text, p)) and int(m["y"] or m["g"] or m["b"]) and not \
            (m["b"] and any(text.endswith(w, 0, p) for w in d["early_year_duration_before"])):
        fields.update(year=int(m["y"] or m["g"] or m["b"]), year_kind="abs")
        p = m.end()
    elif m := tables.year_era.match(text, p):
        era_year = 1 if m["ey"] in d["era_first_year"] else parse_number(m["ey"])
        if not era_year:
            return None
        fields.update(year=tables.eras[m["era"]] + era_year, year_kind="abs")
        p = m.end()
    elif m := tables.year_word.match(text, p):
        kind, offset = tables.year_words[m["w"]]
        fields.update(year=offset, year_kind=kind)
        p = m.end()
    # 2009年的3月: a 的 between a year and its month (never a bare month after a deictic year's 的)
    if fields.get("year_kind") == "abs" and text.startswith("的", p) and \
            (after := tables.month_num.match(text, p + 1)) and after["m"] and not after["s"]:
        p += 1
    # month
    if (m := tables.month_num.match(text, p)) and not (m["s"] and fields):
        month = parse_number(m["m"]) if m["m"] else d["month_names"][m["mn"]]
        # 月光, 月台: the followers that make 月 another word only count without a year before it
        # (1898年8月光绪帝… is August).
        if month and 1 <= month <= 12 and ("year_kind" in fields or
                                           not blocked(text, m.end(), d["month_blocked_followers"])):
            fields.update(month=month, month_kind="abs")
            p = m.end()
    elif m := tables.month_word.match(text, p):
        kind, offset = tables.month_words[m.group()]
        fields.update(month=offset, month_kind=kind)
        p = m.end()
    elif (m := tables.holiday.match(text, p)) and not (
            m.start("h") == m.start() and text.endswith(tuple(d["holiday_blocked_before"].get(m["h"], ())), 0, p)):
        month, day = d["holidays"][m["h"]]  # 圣诞节: a month and a day by name (not 七夕情人节)
        fields.update(month=month, month_kind="abs", day=day, day_kind="abs")
        p = m.end()
    has_year, has_month = "year_kind" in fields, "month_kind" in fields
    # day, or what a year alone can carry
    if "day_kind" not in fields and (has_month or not has_year):  # (a holiday names its day)
        if m := tables.day_num.match(text, p):
            day = parse_number(m["d"])
            bare = not has_month
            ok = day and 1 <= day <= 31 and (not blocked(text, m.end(), d["day_blocked_followers"]) or
                                             text.startswith(tuple(d["day_follower_words"]), m.end()))
            # A bare day needs 日 and, in Chinese numerals, two characters (一日 is "one day").
            if ok and bare and (m["sfx"] == "号" or (not m["d"].isdigit() and len(m["d"]) < 2)):
                ok = False
            if ok:
                fields.update(day=day, day_kind="abs")
                p = m.end()
        elif not has_month and (m := tables.day_part_word.match(text, p)):
            offset, part = d["deictic_day_parts"][m.group()]  # 昨晚: a day and its part in one word
            fields.update(day=offset, day_kind="deictic", day_part=part)
            p = m.end()
        elif not has_month and (m := tables.day_word.match(text, p)):
            kind, offset = tables.day_words[m.group()]
            fields.update(day=offset, day_kind=kind)
            p = m.end()
        elif not has_month and (m := tables.week.match(text, p)):
            weekday = d["weekdays"][m["wd"]] if m["wd"] else None
            end = m.end()
            if weekday is None and text.startswith(d["weekend_suffix"], end):
                weekday, end = "WE", end + len(d["weekend_suffix"])  # 下周末
            fields.update(week=d["deictic_weeks"][m["wk"]], weekday=weekday)
            p = end
        elif not has_month and (m := tables.weekday.match(text, p)):
            fields.update(week=0, weekday=d["weekdays"][m["wd"]])
            p = m.end()
    if has_month and fields.get("day_kind") == "abs":
        p = _weekday_of_date(text, p, tables)  # 2018年9月29日星期六, 5月3日（周五）: the day's weekday
    if not has_month and "day_kind" not in fields and "week" not in fields:
        if m := tables.half.match(text, p):
            fields["half"] = d["halves"][m.group()]
            p = m.end()
        elif (m := tables.quarter.match(text, p)) and (has_year or m["first"] or m["w"] == "季度"):
            fields["quarter"] = int(parse_number(m["q"]))
            p = m.end()
        elif has_year and (m := tables.season.match(text, p)) and \
                (m.end() > m.start() + 1 or not blocked(text, m.end(), d["season_blocked_followers"])):
            fields["season"] = d["seasons"][m["s"]]
            p = m.end()
    # a part inside the phrase: 年初, 月底
    level = "month" if "month_kind" in fields and "day_kind" not in fields else \
        "year" if has_year and set(fields) <= {"year", "year_kind"} else None
    if level:
        part = _read_part(text, p, tables, level)
        if part:
            fields["part"], p = part
    # a time of day: after a day, or on its own
    after_day = "day_kind" in fields or bool(fields.get("weekday"))
    if after_day or not fields:
        # 5月3日 14:20: one space may stand between the day and its clock time.
        at = p + 1 if after_day and text[p:p + 1] == " " and text[p + 1:p + 2].isdigit() else p
        if (m := tables.time.match(text, at)) and (time := _clock(m, tables, after_day)):
            hour, minute = time
            part = fields.pop("day_part", None)  # 今晚八点: the word's part of the day sets the clock
            if m["period"] is None and hour < 12 and (part in ("AF", "EV") or part == "NI" and hour >= 6):
                hour += 12
            fields["hour"], fields["minute"] = hour, minute
            p = m.end()
        elif after_day and (m := tables.day_part.match(text, p)):
            fields["day_part"] = d["day_parts"][m.group()]  # 5月3日上午: TIMEX3 …TMO
            p = m.end()
    if not fields:
        return None
    return Calendar(**fields), p


def _weekday_of_date(text: str, p: int, tables: DateTables) -> int:
    """The end of a weekday written after a full date, bare or in brackets, else ``p``."""
    bracketed = text[p:p + 1] in ("（", "(")
    m = tables.weekday.match(text, p + 1 if bracketed else p)
    if not m:
        return p
    if not bracketed:
        return m.end()
    return m.end() + 1 if text[m.end():m.end() + 1] in ("）", ")") else p


def _short_year(two_digits: int, tables: DateTables) -> int:
    """07 → 2007, 95 → 1995: the latest such year not past the pivot of date_words.yaml."""
    century = (tables.data["default_present_century"] - 1) * 100
    year = century + two_digits
    return year if two_digits <= tables.data["short_year_pivot"] else year - 100


def _read_part(text: str, pos: int, tables: DateTables, level: str):
    regex, words = tables.parts[level]
    m = regex.match(text, pos)
    if not m:
        return None
    word = m.group()
    if len(word) == 1:
        blocked = tables.data["part_blocked_followers"].get(word, [])
        following = text[m.end():m.end() + 1]
        if "*" in blocked and HAN.match(following) or following and following in blocked:
            return None
    return words[word], m.end()


def _clock(m: re.Match, tables: DateTables, after_day: bool) -> tuple[int, int] | None:
    """(hour, minute) on a 24-hour clock, or None when the match is no time of day (三点意见).

    Right after a day (7月1日零时) any hour word is a time; on its own, only one with a period word
    (上午), minutes, or an Arabic hour with 时 is: 一时, 三点 are other words.
    """
    period = m["period"]
    if m["ch"] is not None:
        hour, minute = int(m["ch"]), int(m["cm"])
    else:
        hour = parse_number(m["h"])
        if m["mi"] is not None:
            minute = parse_number(m["mi"])
        elif m["mw"] is not None:
            minute = tables.data["minute_words"][m["mw"]]
        else:
            minute = 0
        # Without a period word, only an Arabic hour with 时, or an hour with minutes, is a time.
        if period is None and not after_day and not (m["h"].isdigit() and m["hw"] == "时") \
                and m["mi"] is None and m["mw"] in (None, "整"):
            return None
    if hour is None or minute is None or not (0 <= hour <= 24 and 0 <= minute <= 59):
        return None
    reading = tables.data["day_periods"].get(period)
    if reading == "pm" and hour < 12:
        hour += 12
    elif reading == "noon" and hour <= 5:
        hour += 12
    elif reading == "night":
        hour = 0 if hour == 12 else hour + 12 if 6 <= hour < 12 else hour
    elif reading == "am" and hour == 12:
        hour = 0 if period == "凌晨" else 12
    return hour % 24, minute


def _read_glossed_era_year(text: str, pos: int, tables: DateTables) -> Phrase | None:
    """永安元年（258年）: the era year is the year of its gloss (any era, no table needed)."""
    m = tables.glossed_era_year.match(text, pos)
    if not m:
        return None
    gloss = re.match(r"[（(](\d{1,4})年", text[m.end():])
    year = int(gloss.group(1))
    return Phrase(pos, m.end(), "calendar", Calendar(year=year, year_kind="abs")) if year else None


def _read_year_range(text: str, pos: int, tables: DateTables) -> Phrase | None:
    """1995—1997年, 2010-2015年: the first year is written without 年."""
    m = tables.year_range.match(text, pos)
    if not m:
        return None
    first, second = int(m["y1"]), int(m["y2"])
    if not (1000 <= first < second <= 2999):
        return None
    return Phrase(pos, m.end(), "range", Calendar(year=first, year_kind="abs"),
                   Calendar(year=second, year_kind="abs"))


# 七、八十年代, 五、六、七十年代: the digits before the last decade, the first of them where the run begins
_FIRST_DECADE = re.compile(r"(?P<digit>[一二三四五六七八九])(?:、?[一二三四五六七八九](?!十))*、?(?=[一二三四五六七八九]十年代)")


def _read_decade(text: str, pos: int, tables: DateTables) -> Phrase | None:
    """1990年代 -> 199X; 上世纪90年代 -> 199X; 20世纪90年代初 -> 199X START."""
    if latin := tables.latin_decade.match(text, pos):
        return Phrase(pos, latin.end(), "fixed", value=latin["dec"] + "X")
    if (first := _FIRST_DECADE.match(text, pos)) and (later := _read_decade(text, first.end(), tables)) and \
            later.value.startswith("relative:") and "/" not in later.value and not later.mod:
        # 七、八十年代, 五六十年代: decades of one century, all but the last written by their digit alone
        word, _, decade = later.value.partition("|")
        earlier = parse_number(first["digit"])
        if earlier and earlier < int(decade[0]):
            return Phrase(pos, later.end, "fixed", value=f"{word}|{earlier}X/{later.value}")
    m = tables.decade.match(text, pos)
    if not m:
        return None
    digits = str(parse_number(m["dec"]))
    if len(digits) == 4:
        if m["cw"] or m["c"] or not digits.endswith("0"):
            return None
        value = digits[:3] + "X"
    elif m["c"]:
        number = parse_number(m["c"])
        if not number or not 1 <= number <= 30:
            return None
        value = f"{century_prefix(int(number))}{digits[0]}X"
    else:
        # 上世纪90年代, or a bare 90年代: the century is resolved against the document's date.
        value = f"relative:{m['cw'] or ''}|{digits[0]}X"
    part = _read_part(text, m.end(), tables, "era")
    mod, end = part if part else (None, m.end())
    return Phrase(pos, end, "fixed", value=value, mod=mod)


def _read_century(text: str, pos: int, tables: DateTables) -> Phrase | None:
    """20世纪 -> 19; 21世纪初 -> 20 START; 上世纪 relative to the document's century."""
    m = tables.century.match(text, pos)
    if not m:
        return None
    if m["c"]:
        number = parse_number(m["c"])
        if not number or not 1 <= number <= 30:
            return None
        value = century_prefix(int(number))
    else:
        value = "relative:" + m["cw"] + "|"
    part = _read_part(text, m.end(), tables, "era")
    mod, end = part if part else (None, m.end())
    connector = tables.connector.match(text, end)
    if m["c"] and not part and connector and (tail := tables.century.match(text, connector.end())) and tail["c"]:
        last = parse_number(tail["c"])  # 4世纪至13世纪: one interval
        if last and number < last <= 30:
            return Phrase(pos, tail.end(), "fixed", value=f"{value}/{century_prefix(int(last))}")
    return Phrase(pos, end, "fixed", value=value, mod=mod)


def century_prefix(ordinal: int) -> str:
    """The 20th century is the years 19xx: TIMEX3 writes it as "19"."""
    return f"{ordinal - 1:02d}"


_NUMERIC_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d:])(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?(?!\d))?")


def _read_numeric_date(text: str, pos: int, tables: DateTables) -> Phrase | None:
    """2024-03-20, 2024/3/20, 2024.03.20: an all-digit calendar date (ISO and its variants)."""
    m = _NUMERIC_DATE.match(text, pos)
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(3)), int(m.group(4))
    try:
        dt.date(year, month, day)
    except ValueError:
        return None  # 2024-13-45 is an identifier, not a date
    clock = {}
    if m.group(5) is not None and int(m.group(5)) <= 23 and int(m.group(6)) <= 59:
        clock = {"hour": int(m.group(5)), "minute": int(m.group(6))}  # 2021/05/03 14:20
    end = m.end() if clock else m.end(4)
    calendar = Calendar(year=year, year_kind="abs", month=month, month_kind="abs", day=day, day_kind="abs", **clock)
    connector = tables.connector.match(text, end)
    if connector and not clock and (tail := _NUMERIC_DATE.match(text, connector.end())) and tail.group(5) is None:
        # 2018/1/10-2018/7/10: one range
        last = Calendar(year=int(tail.group(1)), year_kind="abs", month=int(tail.group(3)), month_kind="abs",
                         day=int(tail.group(4)), day_kind="abs")
        return Phrase(pos, tail.end(4), "range", calendar, last)
    return Phrase(pos, end, "calendar", calendar, type="TIME" if clock else "DATE")


def _read_named_period(text: str, pos: int, tables: DateTables) -> Phrase | None:
    """清代, 元代, 永乐年间, 清初: periods named by a dynasty or a reign, as intervals of years."""
    m = tables.named_period.match(text, pos)
    if not m:
        return None
    spec = tables.data["named_periods"][m.group()]
    if era := _era_inside(text, m.end(), spec, tables):
        return replace(era, start=pos)  # 明代永乐年间, 清朝康熙三年: the reign dates the phrase
    return Phrase(pos, m.end(), "fixed", value=spec["value"], mod=spec.get("mod"))


def _era_inside(text: str, pos: int, spec: dict, tables: DateTables) -> Phrase | None:
    """A reign-era phrase right after a dynasty's name, the era inside the dynasty's years."""
    era_year = tables.year_era.match(text, pos)
    m = era_year or tables.era_period.match(text, pos)
    if not m or spec.get("mod") or "/" not in spec["value"]:
        return None
    first, last = (int(y) for y in spec["value"].split("/"))
    if not first <= tables.eras[m["era"]] + 1 <= last:
        return None
    era = _read_calendar_phrase(text, pos, tables) if era_year else _read_era_period(text, pos, tables)
    return era if era is not None and era.kind != "consumed" else None


def _read_era_period(text: str, pos: int, tables: DateTables) -> Phrase | None:
    """乾隆时 -> 1736/1795 (the span is 乾隆), 康熙年间 -> 1662/1722: a reign era as a period."""
    m = tables.era_period.match(text, pos)
    if not m:
        return None
    first, last = tables.eras[m["era"]] + 1, tables.data["era_last_years"][m["era"]]
    return Phrase(pos, m.end(), "fixed", value=f"{first:04d}/{last:04d}")


def _read_fixed(text: str, pos: int, tables: DateTables) -> Phrase | None:
    if m := tables.present.match(text, pos):
        return Phrase(pos, m.end(), "fixed", value="PRESENT_REF")
    if m := tables.same.match(text, pos):
        return Phrase(pos, m.end(), "same")
    return None
