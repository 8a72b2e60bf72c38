"""The dates stage (pipeline/stages/dates.py): table cases, anchoring, and TIMEX3 validity."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages.date_words import TIMEML_MODS, DateTables
from pipeline.stages.dates import DateMention, find_dates
from pipeline.stages.normalize import Normalizer
from pipeline.stages.sentences import split_sentences
from pipeline.resources import load_yaml

CASES = Path(__file__).parent / "cases" / "dates.tsv"
_NORMALIZER = Normalizer()


def dates_of(text: str, doc_date: str | None = None) -> list[DateMention]:
    return find_dates(_NORMALIZER.normalize(text), split_sentences(text), doc_date)


def read_table(path: Path, columns: int) -> list:
    """Rows of a case table: '#' lines are comments, the first other line is the header."""
    rows, header_seen = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        cells = (line.split("\t") + [""] * columns)[:columns]
        rows.append(pytest.param(*cells, id=f"{path.stem}:{number}:{cells[1]}"))
    return rows


# --- the case table ----------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, text, type_, value, mod, doc_date", read_table(CASES, 6))
def test_date_case(sentence, text, type_, value, mod, doc_date):
    found = dates_of(sentence, doc_date or None)
    wanted = (text, type_, value, mod or None)
    assert wanted in [(m.text, m.type, m.value, m.mod) for m in found], \
        f"{wanted} not among {[(m.text, m.type, m.value, m.mod) for m in found]}"


# --- anchoring: the most recent date with a year earlier in the document, not today -----------------

def test_anchoring_crosses_sentences():
    text = ("1996年4月26日，五国元首在上海举行首次会晤。次年4月，五国元首又在莫斯科签署协定。"
            "同月，双方发表声明。6月，代表团访问北京。同日，协议生效。")
    found = {m.text: m.value for m in dates_of(text)}
    assert found["次年4月"] == "1997-04"
    assert found["同月"] == "1997-04"
    assert found["6月"] == "1997-06"
    assert "同日" not in found  # the latest date (1997-06) has no day: no value, so no mention


def test_resolved_dates_become_the_anchor():
    # 同年 refers to the year of 次年11月1日 (1993), not of the last explicit year (1992).
    text = "1992年2月7日，条约签署。次年11月1日，该条约生效。同年6月，峰会举行。"
    found = {m.text: m.value for m in dates_of(text)}
    assert found["次年11月1日"] == "1993-11-01"
    assert found["同年6月"] == "1993-06"


def test_anchoring_ignores_doc_date_when_the_document_has_a_date():
    found = {m.text: m.value for m in dates_of("2006年3月启动项目。6月完成一期工程。", "2024-03-15")}
    assert found["6月"] == "2006-06"


def test_anaphora_without_antecedent_is_left_out():
    assert dates_of("同年，该组织成立。") == []


def test_bare_day_takes_month_from_the_dateline():
    found = {m.text: m.value for m in dates_of("新华社河内2020年11月15日电 部长们15日签署了协定。")}
    assert found["15日"] == "2020-11-15"


def test_bare_time_takes_the_day_of_the_anchor():
    text = "民國108年7月15日至19日，國軍舉行演習。空軍於7月17日上午6時舉行操演。"
    found = {m.text: (m.type, m.value) for m in dates_of(text)}
    assert found["民國108年7月15日至19日"] == ("DATE", "2019-07-15/2019-07-19")
    assert found["7月17日上午6時"] == ("TIME", "2019-07-17T06:00")


# --- deictic words need doc_date (or the text's own date line) ------------------------------------------

@pytest.mark.parametrize("text, words", [("明天將舉行會議。", "明天"), ("去年該市GDP增長5.2%。", "去年"),
                                         ("上周三，双方举行了会谈。", "上周三"), ("今年上半年，出口增长。", "今年上半年"),
                                         ])
def test_deictic_words_without_doc_date_are_dates_with_no_value(text, words):
    assert [(m.text, m.value) for m in dates_of(text)] == [(words, None)]


@pytest.mark.parametrize("text, value", [
    ("2019年3月5日电 昨天，两国举行会谈。", "2019-03-04"),
    ("东京消息\n2021年7月1日\n今天上午，会议开幕。", "2021-07-01TMO"),
])
def test_a_date_line_resolves_deictic_words(text, value):
    assert [m.value for m in dates_of(text)][-1] == value


def test_a_date_deep_in_the_text_is_no_date_line():
    text = "会议" + "很长的说明，" * 20 + "2019年3月5日，他说今天下雨。"
    assert [m.value for m in dates_of(text)] == ["2019-03-05", None]


def test_ago_and_later_resolve_against_doc_date():
    found = {m.text: m.value for m in dates_of("三年前他来到这里，两天后他将离开。", "2024-03-15")}
    assert found == {"三年前": "2021", "两天后": "2024-03-17"}


def test_week_without_weekday_is_an_iso_week():
    assert [(m.text, m.value) for m in dates_of("本周，市场保持稳定。", "2024-03-15")] == [("本周", "2024-W11")]


# --- what is not a date -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "兩國武裝力量的司令部推演“聯盟盾牌—2005”就涉及到防空系統。",   # a year in a name
    "中華隊在2022世預賽中表現不佳。",
    "美國總統簽署《2019年國防授權法》。",                         # a year inside a title
    "以往聯合防空系統主要依託獨立國協。",                          # vague, no value
    "在伊斯坦堡北約峰會前夕，博爾久扎曾致信北約秘書長。",
    "漢光35號演習於同年舉行",                                      # 35號 is a designation; 同年 refers to nothing
    "这是一个集体防御组织，统一指挥。",
    "乾隆皇帝曾六次南巡。",                                      # the emperor, not his reign
    "康熙时间表已经公布。",                                      # 时间: no reign named as a time
    "聖誕老人送來了禮物。",                                      # Santa, not Christmas Day
    "七夕情人節的活動很多。",                                    # the lunar lovers' day, not 2-14
    "許多年輕人參加了比賽。",                                    # 許多年: no duration (and 年輕)
    "很多天才少年參加了比賽。",
    "這是一種多年生草本植物。",                                  # 多年生: perennial
    "這麼多日本遊客來訪。",
    "大家都喜歡美國勞動節。",                                    # not May Day
])
def test_not_dates(text):
    assert dates_of(text) == []


def test_spring_festival_is_no_season():
    assert [(m.text, m.value) for m in dates_of("2005年春节期间，游客大增。")] == [("2005年", "2005")]


def test_abbreviated_year_of_unknown_era_is_left_out_but_a_duration_is_kept():
    assert dates_of("该法于95年修正。") == []
    assert [(m.text, m.value, m.mod) for m in dates_of("关税将在10年内取消。")] == [("10年", "P10Y", "EQUAL_OR_LESS")]


def test_title_markers_do_not_hide_dates_outside_them():
    found = dates_of("2006年9月8日，各国签署《无核武区条约》。")
    assert [(m.text, m.value) for m in found] == [("2006年9月8日", "2006-09-08")]


def test_data_file_is_validated():
    data = dict(load_yaml("date_words.yaml"))
    data["suffix_mods"] = {**data["suffix_mods"], "前": "EARLIER"}
    with pytest.raises(ValueError, match="suffix_mods"):
        DateTables(data)


# --- property: every value is valid TIMEX3 and every span points into the original ---------------------

_NUM = r"\d+(?:\.\d+)?"
_POINT = r"(?:\d{4}|XXXX)(?:-(?:\d{2}|XX)(?:-(?:\d{2}|XX))?)?(?:T\d{2}:\d{2}|T(?:MO|MI|AF|EV|NI|DT))?"
_DATE_VALUE = re.compile(
    rf"{_POINT}|\d{{4}}-(?:SP|SU|FA|WI|Q[1-4]|H[12]|W\d{{2}})|\d{{3}}X|\d{{2}}|PRESENT_REF")
_INTERVAL = re.compile(rf"({_POINT})/({_POINT})")
_DURATION = re.compile(rf"P(?=[\dT])(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
                       rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?")


def is_timex3(type_: str, value: str | None) -> bool:
    if value is None:  # a deictic word with nothing to resolve it against
        return type_ == "DATE"
    if type_ in ("SET", "DATE", "TIME") and re.fullmatch(r"XXXX-WXX-(?:[1-7]|WE)(?:T(?:MO|MI|AF|EV|NI|DT))?", value):
        return True
    if type_ == "DURATION" and re.fullmatch(r"PX(?:Y|M|W|D|DE|CE)", value):
        return True  # 数年, 几十年: an unknown number of years, decades
    if type_ == "SET" and re.fullmatch(r"XXXX-(?:0[1-9]|1[0-2])", value):
        return True  # 每年9月: every September, a month of every year
    if type_ in ("DURATION", "SET"):
        return bool(_DURATION.fullmatch(value)) and value not in ("P", "PT")
    if type_ == "TIME" and (m := _INTERVAL.fullmatch(value)):
        # 下午两点到四点, 4月17日16:15至4月18日20:45: an interval of two times
        ordered = m[1] <= m[2] or m[1].startswith("XXXX") and m[2].startswith("XXXX")
        return "T" in m[1] and "T" in m[2] and _calendar_ok(m[1]) and _calendar_ok(m[2]) and ordered
    if type_ == "TIME":
        return bool(re.fullmatch(_POINT, value)) and "T" in value and _calendar_ok(value)
    if m := _INTERVAL.fullmatch(value):
        # with no year the order cannot be checked: 9月至6月 (XXXX-09/XXXX-06) runs into the next year
        ordered = m[1] <= m[2] or m[1].startswith("XXXX") and m[2].startswith("XXXX")
        return _calendar_ok(m[1]) and _calendar_ok(m[2]) and ordered
    return bool(_DATE_VALUE.fullmatch(value)) and _calendar_ok(value)


def _calendar_ok(value: str) -> bool:
    """A fully numeric date must exist; a month must be 01-12; a clock time must be a time."""
    if value == "PRESENT_REF":
        return True
    date_part, _, time_part = value.partition("T")
    pieces = date_part.split("-")
    if len(pieces) >= 2 and pieces[1].isdigit() and not 1 <= int(pieces[1]) <= 12:
        return False
    if len(pieces) == 3 and all(p.isdigit() for p in pieces):
        try:
            dt.date(*map(int, pieces))
        except ValueError:
            return False
    if time_part and ":" in time_part:
        hour, minute = map(int, time_part.split(":"))
        return 0 <= hour < 24 and 0 <= minute < 60
    return True


def test_timex3_checker_itself():
    good = [("DATE", "2006-09-08"), ("DATE", "199X"), ("DATE", "19"), ("DATE", "2005-SP"),
            ("DATE", "1997-Q3"), ("DATE", "2006-H1"), ("DATE", "2006-05/2006-06"), ("DATE", "XXXX-06"),
            ("DATE", "XXXX-09/XXXX-06"), ("TIME", "2008-04-17T16:15/2008-04-18T20:45"),
            ("TIME", "XXXX-XX-XXT02:30/XXXX-XX-XXT10:00"),
            ("TIME", "2019-07-31T10:17"), ("DURATION", "P3Y"), ("DURATION", "PT45M"),
            ("DURATION", "P1Y6M"), ("SET", "P1Y"), ("SET", "XXXX-09"), ("DATE", "PRESENT_REF"), ("DATE", "2024-W11")]
    bad = [("DATE", "2006-13"), ("DATE", "2006-02-30"), ("DURATION", "P"), ("DURATION", "3Y"),
           ("TIME", "2006-09-08T25:00"), ("DATE", "2006-06/2006-05"), ("DATE", "two thousand"),
           ("SET", "XXXX-13"), ("TIME", "2008-04-18T20:45/2008-04-17T16:15"), ("TIME", "2008-04-17T25:00/2008-04-18")]
    assert all(is_timex3(t, v) for t, v in good)
    assert not any(is_timex3(t, v) for t, v in bad)


_FRAGMENTS = [
    "2006年", "9月", "8日", "二〇〇六年", "民國95年", "民国九十五年", "１９９７年", "上世纪", "90年代", "21世纪",
    "初", "底", "春", "上半年", "第三季度", "前", "起", "以来", "约", "左右", "至", "到", "—", "截至", "从", "自",
    "同年", "次年", "翌年", "当年", "同月", "同日", "当时", "6月", "15日", "三年", "10多年", "2个多月", "为期五天",
    "每年", "每两年", "目前", "现阶段", "上午10时", "下午5:00", "凌晨2点半", "晚8时", "明天", "昨日", "上周三",
    "下个月", "今年", "去年", "三年前", "两天后", "联盟盾牌—2005", "2022世预赛", "《2019年法》", "以往", "前夕",
    "，", "。", "签署", "该组织", "成立", "举行", "3万人", "1,234", "十二", "年", "月", "日", "号", "时", "半",
    "31日", "13月", "2月30日", "0年", "第", "个", "多", "余", "公元前", "春节", "年度", "周", "星期日",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=14).map("".join),
       st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2090, 12, 31)).map(dt.date.isoformat)))
def test_property_values_are_timex3_and_spans_point_into_the_original(text, doc_date):
    check_mentions(text, dates_of(text, doc_date))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789０１２年月日时点分前后起至到约每个多余半上下今明昨同次当周季度春世纪代民国國一二三四五六七八九十百千〇零两，。",
               max_size=40))
def test_property_on_noise(text):
    check_mentions(text, dates_of(text, "2024-03-15"))


def check_mentions(text: str, mentions: list[DateMention]) -> None:
    previous_end = 0
    for m in mentions:
        assert m.text == text[m.start:m.end] and m.start < m.end
        assert m.start >= previous_end, "mentions overlap or are unsorted"
        previous_end = m.end
        assert m.type in ("DATE", "TIME", "DURATION", "SET")
        assert is_timex3(m.type, m.value), (m.text, m.type, m.value)
        assert m.mod is None or m.mod in TIMEML_MODS


def test_traditional_and_simplified_give_the_same_values():
    trad = dates_of("民國九十五年三月，該法完成修正；同年12月生效。")
    simp = dates_of("民国九十五年三月，该法完成修正；同年12月生效。")
    assert [(m.value, m.start, m.end) for m in trad] == [(m.value, m.start, m.end) for m in simp]


@pytest.mark.parametrize("sentence,expected_text,value", [
    ("会议定于2024-03-20召开。", "2024-03-20", "2024-03-20"),
    ("截至2024/3/15，報名結束。", "2024/3/15", "2024-03-15"),
    ("公告於2023.11.02發布。", "2023.11.02", "2023-11-02"),
])
def test_all_digit_dates(sentence, expected_text, value):
    from pipeline.stages.normalize import Normalizer
    from pipeline.stages.sentences import split_sentences

    view = Normalizer().normalize(sentence)
    found = [(d.text, d.value) for d in find_dates(view, split_sentences(sentence))]
    assert (expected_text, value) in found


def test_impossible_all_digit_date_is_not_a_date():
    from pipeline.stages.normalize import Normalizer

    view = Normalizer().normalize("版本號2024-13-45。")
    assert find_dates(view, [(0, 12)]) == []


@pytest.mark.parametrize("sentence, inside", [
    ("他出現在法庭上。", "現在"),
    ("新天皇光明天皇即位。", "明天"),
    ("等到適當時機來臨。", "當時"),
])
def test_a_date_word_inside_another_word_is_no_date(run, sentence, inside):
    # The segmenter's words, in the pipeline: 出現|在, 光明|天皇, 適當|時機.
    assert not [d.text for d in run(sentence, "2024-03-15")._.dates]


def test_a_date_word_that_begins_a_word_is_a_date(run):
    assert [d.text for d in run("現在他在法庭上。", "2024-03-15")._.dates] == ["現在"]


@pytest.mark.parametrize("sentence, value", [
    ("今日的土耳其是一個共和國。", "PRESENT_REF"),   # "today" before a place: the present
    ("今天摩洛哥的首都是拉巴特。", "PRESENT_REF"),
    ("今天的會議分為兩部分。", None),                 # today's meeting: a day (no date to resolve it)
])
def test_today_before_a_place_is_the_present(run, sentence, value):
    found = [(d.text, d.value) for d in run(sentence)._.dates]
    assert found == [(sentence[:2], value)]


def test_a_date_with_a_numeral_needs_no_word_start(run):
    # jieba cuts numerals anywhere (从二|零一六年): the word-start check is for numeral-free words.
    found = [d.text for d in run("時間從二零一六年至二零一八年。", "2017-03-22")._.dates]
    assert any(t.startswith("二零一六年") for t in found), found
