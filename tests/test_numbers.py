"""The numbers stage (pipeline/stages/numbers.py): table cases, what is not a number, properties."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages.dates import find_dates
from pipeline.stages.normalize import Normalizer
from pipeline.stages.numbers import NumberMention, find_numbers
from pipeline.stages.sentences import split_sentences
from test_dates import read_table

CASES = Path(__file__).parent / "cases"
_NORMALIZER = Normalizer()
LABELS = ("CARDINAL", "PERCENT", "QUANTITY", "MONEY", "ORDINAL")


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str


def numbers_of(text: str, entities=()) -> list[NumberMention]:
    """The numbers stage as the pipeline runs it: after the dates stage, with its dates."""
    view = _NORMALIZER.normalize(text)
    dates = find_dates(view, split_sentences(text))
    return find_numbers(view, dates=dates, entities=entities)


def described(mentions) -> list[tuple]:
    return [(m.text, m.label, m.value, m.unit, m.approx) for m in mentions]


# --- the case tables ----------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, text, label, value, unit, approx", read_table(CASES / "numbers.tsv", 6))
def test_number_case(sentence, text, label, value, unit, approx):
    wanted = (text, label, json.loads(value) if value else None, unit or None, approx == "true")
    found = described(numbers_of(sentence))
    assert wanted in found, f"{wanted} not among {found}"


@pytest.mark.parametrize("sentence, digits, why", read_table(CASES / "not_numbers.tsv", 3))
def test_not_a_number(sentence, digits, why):
    at = sentence.index(digits)
    clash = [m for m in numbers_of(sentence) if m.start < at + len(digits) and at < m.end]
    assert not clash, f"{digits} ({why}) is inside {described(clash)}"


# --- exclusions through the stage's arguments ----------------------------------------------------------

def test_digits_inside_an_entity_are_no_number():
    text = "东盟十国领导人出席第37届东盟峰会。"
    start = text.index("第37届东盟峰会")
    event = Entity(start, start + len("第37届东盟峰会"), "EVENT")
    assert ("第37届", "ORDINAL", 37, "届", False) in described(numbers_of(text))
    found = described(numbers_of(text, entities=[event]))
    assert found == [("十国", "QUANTITY", 10, "国", False)]


def test_digits_inside_dates_are_no_number():
    view = _NORMALIZER.normalize("2006年9月8日，五国签署条约，为期三年。")
    dates = find_dates(view, split_sentences(view.original))
    assert [m.text for m in find_numbers(view, dates=dates)] == ["五国"]
    # Even without the dates argument, a number followed by a time unit belongs to the dates stage.
    assert [m.text for m in find_numbers(view)] == ["五国"]


def test_digits_inside_a_title_are_no_number():
    assert numbers_of("美国总统签署《2020财政年度国防授权法》。") == []


# --- the indefinite article and approximations -------------------------------------------------------------

def test_indefinite_article_is_no_number_but_a_count_is():
    assert numbers_of("既然這是一個集體防禦組織，俄就已承諾提供保護。") == []
    assert numbers_of("北約並未將其視為一個有影響力的地區安全組織。") == []
    found = described(numbers_of("哈、吉、俄、塔各出一個營的兵力。"))
    assert found == [("一個營", "QUANTITY", 1, "营", False)]


def test_words_ending_in_yi_are_no_count():
    assert numbers_of("下一届首脑会议将在亚的斯亚贝巴举行。") == []
    assert numbers_of("非洲统一组织成立。") == []


def test_approximation_without_a_number():
    # A value is a JSON number (annotation-format.md, Numbers): 数 or 几 before a multiplier is
    # about that multiplier; before a classifier alone it names no number at all.
    assert numbers_of("數個人口販賣團夥被打掉。") == []
    assert numbers_of("他曾數度中斷連載，最後幾次是在年底。") == []
    assert ("数百名", "QUANTITY", 100, "名", True) in described(numbers_of("数百名学生参加了活动。"))
    assert ("幾千名", "QUANTITY", 1000, "名", True) in described(numbers_of("幾千名士兵守城。"))
    assert ("数十万元", "MONEY", 100000, "元", True) in described(numbers_of("损失达数十万元。"))


def test_approximate_range_has_no_single_value():
    assert ("三四个国家", "QUANTITY", None, "国家", True) in described(numbers_of("三四个国家派出了观察员。"))


def test_approx_verb_earlier_in_the_clause():
    found = described(numbers_of("成员国总人口约占世界人口的40%。"))
    assert ("40%", "PERCENT", 40, "%", True) in found


# --- the generic classifier: the noun it counts --------------------------------------------------------------

def test_noun_first_count_and_partitive():
    text = "在無核武區條約的5個締約國中，其中4個是集安組織成員。"
    found = described(numbers_of(text))
    assert ("5個締約國", "QUANTITY", 5, "缔约国", False) in found
    assert ("4個", "QUANTITY", 4, "缔约国", False) in found


def test_noun_stops_before_a_verb():
    found = described(numbers_of("至此对全部15个签署国生效。"))
    assert found == [("15个签署国", "QUANTITY", 15, "签署国", False)]


def test_ordinal_generic_counts_its_noun():
    found = described(numbers_of("蒙古国成为首个获得观察员地位的国家；伊朗成为第九个成员国。"))
    assert ("首个", "ORDINAL", 1, "国家", False) in found
    assert ("第九个成员国", "ORDINAL", 9, "成员国", False) in found


# --- properties ---------------------------------------------------------------------------------------------------

_FRAGMENTS = [
    "3万人", "1.2亿", "十二", "两千", "百分之九十二", "92%", "五分之三", "1,234,567", "10个营", "45所", "两国",
    "23万亿美元", "3.5亿元", "新台币", "第四条", "首次", "第三十七届", "近", "约", "逾", "超过", "三千余人", "10多个",
    "数个", "数百", "A380", "ISO 9001", "2345-6789", "3.2.1", "一个", "是", "集体防御组织", "2006年", "9月8日",
    "三年", "，", "。", "的", "成员国", "共有", "其中", "个", "万", "亿", "多", "余", "左右", "之一", "统一", "成",
    "七", "五大", "—", "2005", "号", "元", "%", "·", "《", "》",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=14).map("".join))
def test_property_spans_and_values(text):
    previous_end = 0
    for m in numbers_of(text):
        assert m.text == text[m.start:m.end] and m.start < m.end
        assert m.start >= previous_end, "mentions overlap or are unsorted"
        previous_end = m.end
        assert m.label in LABELS
        assert m.value is None or isinstance(m.value, (int, float)) and not isinstance(m.value, bool)
        assert m.value is not None or m.approx, "a mention without a value must be approximate"
        if m.label == "PERCENT":
            assert m.unit == "%"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789０１.,%％-:AaG 一二两三四五六七八九十百千万亿〇零第首数几多余个国人所元美港分之成大年月日，。的是近约",
               max_size=40))
def test_property_on_noise(text):
    test_property_spans_and_values.hypothesis.inner_test(text)


@pytest.mark.parametrize("sentence, text, unit", [
    ("她在州府的一個市政廳談到了計劃。", "一個市政廳", "市政厅"),
    ("小說描寫一個地主少爺順應新興資本主義的故事。", "一個地主少爺", "地主少爷"),
    ("該組織有三個聯合部隊集團。", "三個聯合部隊集團", "联合部队集团"),
    # An adjective or adverb after 個 modifies the noun it counts: the span runs over the
    # modifiers to the noun after their 的 (、 joins two), and the unit is the noun's last word.
    ("会上提出了两个主要的问题。", "两个主要的问题", "问题"),
    ("委員會提出三個重要的建議。", "三個重要的建議", "建议"),
    ("不要选一个自私的、有偏见的人当领袖。", "一个自私的、有偏见的人", "人"),
    ("他们需要一个快速的政治决策。", "一个快速的政治决策", "决策"),
    ("三国决定成立一个新国家。", "一个新国家", "国家"),
    # A noun of the dictionary's is whole where a verb inside it would end the noun (投票|箱).
    ("選舉委員會在大廳放了三個投票箱。", "三個投票箱", "投票箱"),
    # An ordinal right before a short noun word ranks it: the noun is in the span and the unit.
    ("他代表该州第5选区参选。", "第5选区", "选区"),
    ("該市第三選區的選民", "第三選區", "选区"),
    # N號 before a noun word numbers it: ORDINAL, unit 号 (not a day of the month).
    ("他在新的8號選區參選。", "8號", "号"),
    ("他身穿10号球衣上场。", "10号", "号"),
    ("他住在学校的5号楼。", "5号", "号"),
    # A noun word of the segmenter's is whole after 个, though it holds a stop character (集|会).
    ("她籌辦了三個計劃集會。", "三個計劃集會", "计划集会"),
    # A verb of two characters right after the classifier opens a relative clause: the unit is the
    # noun after its 的.
    ("這是第一個開通的地鐵系統。", "第一個", "地铁系统"),
])
def test_the_noun_a_count_counts_read_with_the_segmenters_words(run, sentence, text, unit):
    # The segmenter's words, in the pipeline: a verb after the noun's first word ends it.
    found = [(m.text, m.unit) for m in run(sentence)._.numbers]
    assert (text, unit) in found, found


@pytest.mark.parametrize("sentence, numbers", [
    ("眾議院少數黨領袖南希·佩洛西說。", []),          # 少数党: a dictionary word, no 数党
    ("多數人遭到尾隨而來的軍隊追殺。", []),            # 多数|人
    ("他躍居第一成為冠軍。", [("第一", "ORDINAL")]),    # a set phrase keeps its ordinal
    ("這筆錢由五國平均分攤。", [("五國", "QUANTITY")]),  # a word jieba made up (由五国) is no evidence
])
def test_a_number_in_words_does_not_begin_inside_a_dictionary_word(run, sentence, numbers):
    assert [(m.text, m.label) for m in run(sentence)._.numbers] == numbers


@pytest.mark.parametrize("sentence, numbers", [
    # A bare number before a phrase naming people counts them: the number alone is the span, the
    # phrase's last word the unit; a people's name (NORP) counts its 人.
    ("起義軍以3000農民對抗官兵。", [("3000", "QUANTITY", 3000, "农民")]),
    ("這場戰役中有600名士兵和400英國水兵陣亡。", [("600名", "QUANTITY", 600, "名"), ("400", "QUANTITY", 400, "水兵")]),
    ("约有三百多万德国人移居海外。", [("三百多万", "QUANTITY", 3000000, "人")]),
    # Not people, or perhaps a year before a name, or a service's number: no number.
    ("紀念911事件的活動", []),
    ("1994盧旺達人", []),
    ("他們搭乘波音747客機。", []),
    ("119消防員趕到現場。", []),
])
def test_a_bare_number_before_people_counts_them(run, sentence, numbers):
    assert [(m.text, m.label, m.value, m.unit) for m in run(sentence)._.numbers] == numbers


@pytest.mark.parametrize("sentence, numbers", [
    # A half word is a number as a word of its own, or inside a word that holds it (過半數).
    ("議案獲過半數議員支持。", [("半數", "CARDINAL", 0.5, True)]),
    ("他們希望實現統一半島的目標。", []),
    ("這是唯一半導體廠商。", []),
    # A day of the month before a noun that is no numbered thing stays the dates stage's.
    ("大家15號學校門口集合。", []),
    # 一片 before a word of state describes a scene; before a noun it counts.
    ("節日期間市場一片繁榮。", []),
    ("他撿起一片樹葉。", [("一片", "QUANTITY", 1, False)]),
])
def test_halves_and_days_read_with_the_segmenters_words(run, sentence, numbers):
    assert [(m.text, m.label, m.value, m.approx) for m in run(sentence)._.numbers] == numbers
