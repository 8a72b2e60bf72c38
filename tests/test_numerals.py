"""Chinese numeral parsing (pipeline/numerals.py), and where cn2an alone falls short."""
from __future__ import annotations

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.numerals import is_approximate_range, is_digit_string, parse_number, tidy


@pytest.mark.parametrize("text, expected", [
    ("十二", 12), ("两千", 2000), ("3万", 30000), ("1.2亿", 120000000), ("22.7亿", 2270000000),
    ("23万亿", 23000000000000), ("1万6千", 16000), ("一万六", 16000), ("两千五", 2500),
    ("一百二十万", 1200000), ("三千零五十", 3050), ("三亿五千万", 350000000), ("三点五", 3.5),
    ("零点五", 0.5), ("12.5", 12.5), ("二〇〇六", 2006), ("廿五", 25), ("十", 10),
])
def test_parse_number(text, expected):
    value = parse_number(text)
    assert value == expected
    assert type(value) is type(expected)


# Each case: what cn2an 0.5.24 (smart mode) does with it, and what we return. The cn2an half of
# the test documents why numerals.py exists; if cn2an starts handling a case, the test says so.
CN2AN_SHORTFALLS = [
    # (text, expected, what cn2an does: "raises" or the wrong value it returns)
    ("1,234,567", 1234567, "raises"),           # grouping commas
    ("3,460", 3460, "raises"),
    ("1.2万亿", 1200000000000, "raises"),       # decimal before a compound multiplier
    ("1.5万亿", 1500000000000, "raises"),
    ("百", 100, "raises"),                      # a bare multiplier (百余架次, 近百家)
    ("千", 1000, "raises"),
    ("五分之三", 0.6, "raises"),                # fractions
    ("四分之一", 0.25, "raises"),
    ("三四", None, 34),                         # "three or four", read as the digits 3 and 4
    ("一两", None, 12),                         # "one or two"
    ("两三千", None, "raises"),
]


@pytest.mark.parametrize("text, expected, cn2an_result", CN2AN_SHORTFALLS)
def test_where_cn2an_falls_short(text, expected, cn2an_result):
    if cn2an_result == "raises":
        with pytest.raises(ValueError):
            cn2an.cn2an(text, "smart")
    else:
        assert cn2an.cn2an(text, "smart") == cn2an_result
    assert parse_number(text) == expected


def test_percent_forms_are_refused_by_cn2an_and_split_by_the_numbers_stage():
    # 百分之九十二 is refused whole; the numbers stage parses the part after 百分之.
    with pytest.raises(ValueError):
        cn2an.cn2an("百分之九十二", "smart")
    assert parse_number("九十二") == 92


def test_ranges_and_digit_strings():
    assert is_approximate_range("三四") and is_approximate_range("两三千") and is_approximate_range("七八十")
    assert not is_approximate_range("三五") and not is_approximate_range("十二")
    assert is_digit_string("二〇〇六") and not is_digit_string("二十") and not is_digit_string("三")


def test_tidy():
    assert tidy(2.0) == 2 and type(tidy(2.0)) is int
    assert tidy(0.1 + 0.2) == 0.3


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10 ** 13))
def test_round_trip_through_chinese_numerals(n):
    assert parse_number(cn2an.an2cn(n)) == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1000, max_value=10 ** 12))
def test_grouping_commas(n):
    assert parse_number(f"{n:,}") == n
