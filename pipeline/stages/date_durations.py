"""Durations and sets as written (``三年``, ``2个多月``, ``每年``, ``一年一度``), and durations in falling
units joined into one (``两年零三个月``): readers for :func:`.date_phrases.scan_phrases`."""
from __future__ import annotations

import re
from dataclasses import replace

from ..numerals import is_digit_string, parse_number, tidy
from .date_shapes import Phrase, blocked, word_after
from .date_words import DateTables

_DURATION_PARTS = re.compile(r"P(?:(?P<Y>[\d.]+)Y)?(?:(?P<M>[\d.]+)M)?(?:(?P<W>[\d.]+)W)?(?:(?P<D>[\d.]+)D)?"
                             r"(?:T(?:(?P<h>[\d.]+)H)?(?:(?P<m>[\d.]+)M)?(?:(?P<s>[\d.]+)S)?)?$")
_DURATION_ORDER = "YMWDhms"


def joined_durations(phrases, text: str, tables: DateTables):
    """两年零三个月, 8天20小时, 一年又一个月21天: adjacent durations in falling units are one."""
    joiners = set(tables.data["duration_joiners"])
    pending = None
    for phrase in phrases:
        if pending is not None and phrase.kind == "duration" and text[pending.end:phrase.start] in joiners:
            joined = _join_values(pending.value, phrase.value)
            if joined:
                pending = replace(pending, end=phrase.end, value=joined, mod=pending.mod or phrase.mod)
                continue
        if pending is not None:
            yield pending
            pending = None
        if phrase.kind == "duration":
            pending = phrase
        else:
            yield phrase
    if pending is not None:
        yield pending


def _join_values(first: str, second: str) -> str | None:
    a, b = _DURATION_PARTS.match(first or ""), _DURATION_PARTS.match(second or "")
    if not a or not b:
        return None
    units_a = [u for u in _DURATION_ORDER if a[u]]
    units_b = [u for u in _DURATION_ORDER if b[u]]
    if not units_a or not units_b or _DURATION_ORDER.index(units_a[-1]) >= _DURATION_ORDER.index(units_b[0]):
        return None
    parts = {u: a[u] or b[u] for u in _DURATION_ORDER}
    date = "".join(f"{parts[u]}{u}" for u in "YMWD" if parts[u])
    time = "".join(f"{parts[u]}{u.upper()}" for u in "hms" if parts[u])
    return "P" + date + (f"T{time}" if time else "")


def read_duration(text: str, pos: int, tables: DateTables) -> Phrase | None:
    d = tables.data
    if (m := tables.fixed_duration.match(text, pos)) and text[pos - 1:pos] not in d["fixed_duration_blocked_before"] \
            and not blocked(text, m.end(), d["duration_blocked_followers"].get(m.group()[-1], [])) \
            and not blocked(text, m.end(), d["fixed_duration_blocked_followers"].get(m.group(), [])):
        return Phrase(pos, m.end(), "fixed", type="DURATION", value=d["fixed_durations"][m.group()])
    m = tables.duration.match(text, pos)
    if not m:
        return None
    unit, spec = m["unit"], d["duration_units"][m["unit"]]
    counter = spec["counter"]
    if (counter == "required" and not m["ge"]) or (counter == "never" and m["ge"]):
        return None
    if blocked(text, m.end() if not m["after"] else m.start("after"),
                d["duration_blocked_followers"].get(unit, [])):
        return None
    number = m["num"]
    if unit == "年" and (len(number) == 4 and number.isdigit() or is_digit_string(number) or
                        (number.isdigit() and number.startswith("0") and len(number) > 1)):
        return None  # a year, read by the calendar reader (2006年, 二〇〇六年, 07年)
    before = text[pos - 1] if pos else ""
    if before in d["duration_blocked_before"]:
        return Phrase(pos, m.end(), "consumed")
    if unit == "年" and number.isdigit() and before in d["abbreviated_year_cues"] and \
            not word_after(text, m.end(), len(text), tables.context_words["abbreviated_year_exceptions"], {}):
        return Phrase(pos, m.end(), "consumed")  # 于95年: a year of an unknown era
    amount = parse_number(number)
    end, after = m.end(), m["after"]
    if after in d["more_words"] and blocked(text, m.end(), d["more_blocked_followers"]):
        end, after = m.start("after"), None
    if amount is None or amount == 0:
        return Phrase(pos, end, "consumed")
    mod = "MORE_THAN" if (m["m1"] or m["m2"] or after in d["more_words"]) else None
    half = bool(m["half"] or after == "半")
    value = _duration_value(amount, spec, half, d)
    # 三年前, 两天后: a date relative to doc_date, when the amount is exact and the unit a calendar one.
    relation = word_after(text, end, len(text), tables.relation_words, d["suffix_blocked_followers"])
    if relation and not (half or mod) and amount == int(amount) and spec["designator"] in "YMWD" \
            and not spec.get("time"):
        sign = -1 if relation in d["ago_words"] else 1
        return Phrase(pos, end + len(relation), "relative", amount=sign * amount,
                       designator=spec["designator"], value=value, inner_end=end)
    return Phrase(pos, end, "duration", type="DURATION", value=value, mod=mod)


def _duration_value(amount, spec: dict, half: bool, d: dict) -> str:
    designator = spec["designator"]
    if designator == "Q":  # quarters are written as months in ISO 8601
        amount, designator = amount * 3, "M"
    amount = tidy(amount)
    if spec.get("time"):
        value = f"PT{amount}{designator}"
        return value + (d["half_of"][designator] if half else "")
    if spec.get("factor"):  # 11个世纪 = P1100Y
        amount = tidy(amount * spec["factor"])
    value = f"P{amount}{designator}"
    if half and designator in d["half_of"]:
        value += d["half_of"][designator]  # 两年半 = P2Y6M, 一天半 = P1DT12H
    return value


def read_set(text: str, pos: int, tables: DateTables) -> Phrase | None:
    d = tables.data
    if m := tables.set_fixed.match(text, pos):
        return Phrase(pos, m.end(), "fixed", type="SET", value=d["set_fixed"][m.group()])
    if m := tables.set_cycle.match(text, pos):  # 一年一度, 两年一届, 四年一次
        n = parse_number(m["num"])
        if n:
            return Phrase(pos, m.end(), "fixed", type="SET",
                           value=d["set_cycle_units"][m["unit"]].replace("{n}", str(tidy(n))))
    m = tables.set_weekday.match(text, pos)
    if m and m["wd"] == "一" and text[m.end():m.end() + 1] in d["once_counters"]:
        m = None  # 每周一次, 每周一集: once a week, not every Monday
    if m:  # 每逢周末, 每逢星期六
        value = "XXXX-WXX-WE" if m["we"] else f"XXXX-WXX-{d['weekdays'][m['wd']]}"
        return Phrase(pos, m.end(), "fixed", type="SET", value=value)
    if (m := tables.set_month.match(text, pos)) and (month := parse_number(m["m"])) and 1 <= month <= 12:
        return Phrase(pos, m.end(), "fixed", type="SET", value=f"XXXX-{int(month):02d}")
    m = tables.set.match(text, pos)
    if not m:
        return None
    number = m["num"] or m["spaced"]
    n = parse_number(number) if number else 1
    if not n:
        return None
    template = d["set_units"][m["unit"]]
    value = template.replace("{3n}", str(tidy(n * 3))).replace("{n}", str(tidy(n)))
    return Phrase(pos, m.end(), "fixed", type="SET", value=value)
