"""The word tables of dates (``data/date_words.yaml``), validated and compiled once into the
regexes the readers of :mod:`.date_phrases` match: every word list a date phrase is built from
lives in the data file, and every pattern that combines them is built here."""
from __future__ import annotations

import re
from functools import lru_cache

from ..resources import load_yaml

TIMEML_MODS = frozenset({"BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER", "LESS_THAN", "MORE_THAN",
                         "EQUAL_OR_LESS", "EQUAL_OR_MORE", "START", "MID", "END", "APPROX"})

HAN = re.compile(r"[\u3400-\u9fff]")
_CN_DIGIT = "〇零一二两三四五六七八九"
CN_NUMERAL = _CN_DIGIT + "十百千万廿卅"
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[万亿]?|[%s]+" % CN_NUMERAL  # 2,400万年, 300万年
_MONTH_NUM = r"\d{1,2}|十[一二]?|[一二三四五六七八九]"
_DAY_NUM = r"\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]"
_HOUR_NUM = r"\d{1,2}|[零〇一二两三四五六七八九十]{1,3}"
_CENTURY_NUM = r"\d{1,2}|[一二]?十[一二三四五六七八九]?|[一二三四五六七八九]"


# --- the word tables, compiled once -----------------------------------------------------------

def _alternation(words) -> str:
    """Longest first, so that a regex alternation prefers 上个月 to 上月."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class DateTables:
    """date_words.yaml, validated, with the regexes built from it."""

    def __init__(self, data: dict):
        self.data = data
        for key in ("year_parts", "month_parts", "era_parts", "prefix_mods", "suffix_mods",
                    "duration_prefix_mods", "duration_suffix_mods", "since_suffixes_with_prefix"):
            bad = {w: m for w, m in data[key].items() if m not in TIMEML_MODS}
            if bad:
                raise ValueError(f"date_words.yaml: {key} has values that are no TimeML mod: {bad}")
        d = data
        self.eras = d["eras"]
        self.year_words = {**{w: ("deictic", o) for w, o in d["deictic_years"].items()},
                           **{w: ("anaphoric", o) for w, o in d["anaphoric_years"].items()}}
        self.month_words = {**{w: ("deictic", o) for w, o in d["deictic_months"].items()},
                            **{w: ("anaphoric", o) for w, o in d["anaphoric_months"].items()}}
        self.day_words = {**{w: ("deictic", o) for w, o in d["deictic_days"].items()},
                          **{w: ("anaphoric", o) for w, o in d["anaphoric_days"].items()}}
        weekdays = "".join(d["weekdays"])
        cep = _alternation(d["common_era_prefixes"])
        # 公元2006年, 二〇〇六年; after 公元/西元 a year may have one to four digits (西元408年).
        self.year_abs = re.compile(rf"(?:(?:{cep})(?P<ey4>\d{{1,4}})|(?:{cep})?(?P<y>\d{{4}}|[{_CN_DIGIT}]{{4}}))年(?P<fy>度)?")
        # 18年10月1日, 07年: a two-digit year, when a full month and day follow or it is zero-padded.
        self.year_short = re.compile(r"(?P<y>0\d|\d{2}(?=年\d{1,2}月\d{1,2}[日号]))年")
        # 262年9月16日, （250年）: an early year of three digits before a full date, or any year
        # that fills a bracket (the Gregorian gloss of an era year).
        self.year_early = re.compile(r"(?P<y>\d{3})年(?=\d{1,2}月\d{1,2}[日号])|(?<=[（(])(?P<g>\d{1,4})年(?=[）)])"
                                     rf"|(?P<b>[1-9]\d{{2}})年(?!{_alternation(d['early_year_duration_after'])})")
        # 赤乌十三年（250年）: an era year glossed by the Gregorian year in brackets takes that year.
        self.glossed_era_year = re.compile(
            rf"[\u3400-\u9fff]{{2}}(?:元|[{CN_NUMERAL}]{{1,4}}|\d{{1,3}})年(?=[（(]\d{{1,4}}年[）)])")
        self.year_era = re.compile(
            rf"(?P<era>{_alternation(self.eras)})(?P<ey>\d{{1,3}}|[{CN_NUMERAL}]{{1,5}}|"
            rf"{_alternation(d['era_first_year'])})年(?P<fy>度)?")
        self.year_word = re.compile(rf"(?P<w>{_alternation(self.year_words)})(?P<fy>度)?")
        # 七月, 正月; a season before a month belongs to it in classical dating (秋七月, 春正月).
        month_names = _alternation(d["month_names"])
        self.month_num = re.compile(rf"(?P<s>[{''.join(d['seasons'])}])?(?:(?P<m>{_MONTH_NUM})|(?P<mn>{month_names}))月(?:份)?")
        self.month_word = re.compile(_alternation(self.month_words))
        prefixes = _alternation(d["holiday_prefixes"])
        self.holiday = re.compile(rf"(?:{prefixes}){{0,2}}(?P<h>{_alternation(d['holidays'])})")
        self.day_num = re.compile(rf"(?P<d>{_DAY_NUM})(?P<sfx>[日号])")
        self.day_word = re.compile(_alternation(self.day_words))
        self.day_part_word = re.compile(_alternation(d["deictic_day_parts"]))
        self.week = re.compile(rf"(?P<wk>{_alternation(d['deictic_weeks'])})(?P<wd>[{weekdays}])?")
        self.weekday = re.compile(rf"(?:{_alternation(d['weekday_prefixes'])})(?P<wd>[{weekdays}])")
        self.season = re.compile(rf"(?P<s>[{''.join(d['seasons'])}])(?:{_alternation(d['season_suffixes'])})?")
        self.half = re.compile(_alternation(d["halves"]))
        self.quarter = re.compile(rf"(?P<first>第)?(?P<q>[一二三四1-4])(?P<w>{_alternation(d['quarter_words'])})")
        self.parts = {level: (re.compile(_alternation(d[key])), d[key])
                      for level, key in (("year", "year_parts"), ("month", "month_parts"),
                                         ("era", "era_parts"))}
        self.time = re.compile(
            rf"(?P<period>{_alternation(d['day_periods'])})?"
            rf"(?:(?P<h>{_HOUR_NUM})(?P<hw>{_alternation(d['hour_words'])})(?:钟)?"
            rf"(?:(?P<mi>\d{{1,2}}|[零〇一二三四五六七八九十]{{1,3}})分|(?P<mw>{_alternation(d['minute_words'])}))?"
            rf"|(?P<ch>\d{{1,2}})[:：](?P<cm>\d{{2}})(?!\d))")
        conn = _alternation(d["range_connectors"])
        # 1918年开始至1921年, 1280年代起至1299年: a word of beginning may stand before the connector
        self.connector = re.compile(rf"\s*(?:(?:{_alternation(d['range_start_words'])})\s*)?(?:{conn})\s*")
        self.year_range = re.compile(rf"(?P<y1>\d{{4}})\s*(?:{conn})\s*(?P<y2>\d{{4}})年(?!代)")
        self.decade = re.compile(
            rf"(?:(?P<cw>上世纪|本世纪)|(?P<c>{_CENTURY_NUM})世纪)?"
            rf"(?P<dec>\d{{4}}|\d0|[一二三四五六七八九]十)年代")
        # 1860s, 1990's: a decade in Latin script (translated and encyclopedic text).
        self.latin_decade = re.compile(r"(?P<dec>\d{3})0'?s(?![A-Za-z])")
        self.century = re.compile(rf"(?:(?P<cw>上世纪|本世纪|下世纪)|(?:{cep})?(?P<c>{_CENTURY_NUM})世纪)")
        units = d["duration_units"]
        self.duration = re.compile(
            rf"(?P<num>{_NUM})(?P<m1>[多余])?(?P<ge>个)?(?P<m2>多)?(?P<half>半)?"
            rf"(?P<unit>{_alternation(units)})(?P<after>[半多余])?")
        self.fixed_duration = re.compile(_alternation(d["fixed_durations"]))
        self.named_period = re.compile(_alternation(d["named_periods"]))
        # 乾隆时, 康熙年间: a reign era named as a period (eras with a last year only).
        reigns = {e: y for e, y in d["era_last_years"].items() if e in self.eras}
        markers = _alternation(d["era_period_markers"])
        self.era_period = re.compile(rf"(?P<era>{_alternation(reigns)})(?:(?P<word>{_alternation(d['era_period_words'])})"
                                     rf"|(?=(?:{markers}))(?!(?:{markers})(?:{_alternation(d['era_period_marker_blocked_followers'])})))")
        # 每 2 年: translated text spaces Arabic digits
        self.set = re.compile(rf"{re.escape(d['set_prefix'])}(?:(?P<num>{_NUM})|(?: (?P<spaced>\d+) ?))?"
                              rf"(?P<unit>{_alternation(d['set_units'])})")
        self.set_fixed = re.compile(_alternation(d["set_fixed"]))
        self.present = re.compile(_alternation(d["present_ref"]))
        self.same = re.compile(_alternation(d["anaphoric_same"]))
        self.set_cycle = re.compile(rf"(?P<num>{_NUM})(?P<unit>{_alternation(d['set_cycle_units'])})"
                                    rf"(?:{_alternation(d['set_cycle_words'])})")
        self.set_weekday = re.compile(rf"(?:{_alternation(d['set_weekday_prefixes'])})"
                                      rf"(?:(?:{_alternation(d['weekday_prefixes'])})(?P<wd>[{weekdays}])"
                                      rf"|(?P<we>{_alternation(d['weekend_words'])}))")
        # 每年三月, 每年的10月: the month of every year
        self.set_month = re.compile(rf"(?:{_alternation(d['set_month_prefixes'])})(?P<m>{_MONTH_NUM})月(?:份)?")
        self.day_part = re.compile(_alternation(d["day_parts"]))
        self.zero_lookalikes = frozenset(d["zero_lookalikes"])
        digits = "0-9" + CN_NUMERAL + "".join(d["zero_lookalikes"])
        # White space inside a date (PDF and translated text): between a number and its date or time
        # unit (1988 年, 48 小时, 3 个月), after 年/月 or a period of the day before a number (早上 7 点).
        space = r"[ \t\u3000\u00a0]{1,2}"
        after_number = _alternation(["年", "月", "日", "号", *d["hour_words"], *units, "个"])
        periods_by_width: dict[int, list[str]] = {}
        for word in d["day_periods"]:
            periods_by_width.setdefault(len(word), []).append(word)
        after_period = "|".join(rf"(?<={_alternation(words)})" for words in periods_by_width.values())
        self.inner_space = re.compile(rf"(?<=[{digits}]){space}(?={after_number})"
                                      rf"|(?:(?<=[年月])|{after_period}){space}(?=[{digits}])")
        self.full_date = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]")
        self.before_common_era = d["before_common_era"]
        self.bce_year = re.compile(rf"{re.escape(d['before_common_era'])}(?:{_NUM})年")
        # Context words, longest first: the first that fits is the longest.
        self.context_words = {key: sorted(d[key], key=len, reverse=True) for key in (
            "prefix_mods", "suffix_mods", "since_prefixes", "since_suffixes_with_prefix",
            "duration_prefix_mods", "duration_suffix_mods", "ago_words", "later_words",
            "abbreviated_year_exceptions")}
        self.relation_words = sorted(d["ago_words"] + d["later_words"], key=len, reverse=True)
        # Every phrase starts with one of these characters; other positions are skipped at once.
        words = [*self.year_words, *self.month_words, *self.day_words, *d["deictic_weeks"],
                 *d["weekday_prefixes"], *d["halves"], *d["day_periods"], *d["fixed_durations"], *d["named_periods"],
                 *d["present_ref"], *d["anaphoric_same"], *self.eras, *d["common_era_prefixes"],
                 d["set_prefix"], *d["set_weekday_prefixes"], "上世纪", "本世纪", "下世纪", "第",
                 *d["seasons"], *d["month_names"], *d["holidays"], *d["holiday_prefixes"], *d["deictic_day_parts"]]
        self.start_chars = frozenset("0123456789" + CN_NUMERAL + "".join(w[0] for w in words))


@lru_cache(maxsize=None)
def date_tables() -> DateTables:
    return DateTables(load_yaml("date_words.yaml"))
