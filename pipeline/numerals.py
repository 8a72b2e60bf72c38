"""Chinese numerals: numeral strings (Arabic, Chinese or mixed) to numbers.

:func:`parse_number` is the heart. It reads the simplified working form (``两``, ``万``, ``亿``;
full-width digits are already folded by the normaliser). cn2an does the core conversion; we add
what cn2an 0.5.24 gets wrong or refuses (tests/test_numerals.py shows each case):

- grouping commas (``1,234,567``) — cn2an refuses them;
- a decimal before a compound multiplier (``1.2万亿``) — refused, though ``1.2亿`` works;
- a bare multiplier (``百``, ``千``, as in ``百余架次``, ``近百家``) — refused;
- fractions and percentages (``五分之三``, ``百分之九十二``) — refused;
- approximate ranges of neighbouring digits (``三四``, ``两三千``) — cn2an reads ``三四`` as the
  digit string 34 and ``一两`` as 12; they are "three or four", so they have no single value.

Values come back as ``int`` when integral, else ``float``.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6,
                "柒": 7, "捌": 8, "玖": 9}
# 廿/卅 are whole tens: a digit with its multiplier folded in.
TENS_VALUES = {"廿": 20, "卅": 30}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
LARGE_UNITS = {"万": 10 ** 4, "亿": 10 ** 8}
MULTIPLIERS = {**SMALL_UNITS, **LARGE_UNITS}
CHINESE_NUMERAL_CHARS = "".join(DIGIT_VALUES) + "".join(TENS_VALUES) + "".join(MULTIPLIERS)

_GROUPING_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[%s]" % re.escape(CHINESE_NUMERAL_CHARS))
_RANGE = re.compile(r"([一二两三四五六七八九])([一二两三四五六七八九])([十百千万亿]*)")


def parse_number(text: str) -> int | float | None:
    """The value of a numeral string, or None when it is no single number.

    ``text`` may mix Arabic and Chinese numerals (``1万6千``), use ``点`` as the decimal point
    (``三点五``), carry grouping commas, or be a fraction ``X分之Y`` (``五分之三`` → 0.6). It must
    not carry approximation words (``多``, ``余``): callers strip those.
    """
    text = _GROUPING_COMMA.sub("", text.strip())
    if not text:
        return None
    if "分之" in text:
        denominator, _, numerator = text.partition("分之")
        den, num = parse_number(denominator or "一"), parse_number(numerator)
        if den in (None, 0) or num is None:
            return None
        return tidy(Decimal(str(num)) / Decimal(str(den)))
    if is_approximate_range(text):
        return None
    value = _cn2an(text)
    if value is None:
        value = _own_parse(text)
    return None if value is None else tidy(value)


def is_approximate_range(text: str) -> bool:
    """``三四``, ``两三千``, ``七八十``: two neighbouring digits meaning "one or the other"."""
    match = _RANGE.fullmatch(text)
    if not match:
        return False
    first, second = DIGIT_VALUES[match.group(1)], DIGIT_VALUES[match.group(2)]
    return second == first + 1 or (first == 1 and match.group(2) == "两")


def is_digit_string(text: str) -> bool:
    """Chinese digits read one by one (``二〇〇六``): a year or a code, not a quantity."""
    return len(text) > 1 and all(ch in DIGIT_VALUES for ch in text)


def tidy(value) -> int | float:
    """An int when the value is integral; otherwise a float without binary noise."""
    decimal = value if isinstance(value, Decimal) else Decimal(str(value))
    if decimal == decimal.to_integral_value():
        return int(decimal)
    return float(round(decimal, 12))


def _cn2an(text: str):
    import cn2an  # imported on first use: keeps `import pipeline` instant

    try:
        return cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError):
        return None


def _own_parse(text: str) -> Decimal | None:
    """Our reading, for the forms cn2an refuses: ``1.2万亿``, ``百``, ``两万五``."""
    if "点" in text:
        whole, _, fraction = text.partition("点")
        if not fraction or any(ch not in DIGIT_VALUES for ch in fraction):
            return None
        base = _own_parse(whole) if whole else Decimal(0)
        if base is None:
            return None
        return base + Decimal("0." + "".join(str(DIGIT_VALUES[ch]) for ch in fraction))
    tokens = _TOKEN.findall(text)
    if "".join(tokens) != text:
        return None
    try:
        return _section(tokens)
    except (InvalidOperation, ValueError):
        return None


def _section(tokens: list[str]) -> Decimal | None:
    """Value of a token list, splitting at the largest multiplier present (亿, then 万)."""
    for unit in ("亿", "万"):
        if unit in tokens:
            # Split at the last occurrence: 1.2万亿 = (1.2万) x 亿.
            at = len(tokens) - 1 - tokens[::-1].index(unit)
            left, right = tokens[:at], tokens[at + 1:]
            high = _section(left) if left else Decimal(1)
            if high is None:
                return None
            low = _abbreviated(right, LARGE_UNITS[unit]) if right else Decimal(0)
            if low is None:
                return None
            return high * LARGE_UNITS[unit] + low
    return _small(tokens)


def _abbreviated(tokens: list[str], unit: int) -> Decimal | None:
    """The part after 万/亿; a lone digit is one order lower (一万六 = 16000, 两亿五 = 2.5亿)."""
    if len(tokens) == 1 and tokens[0] in DIGIT_VALUES:
        return Decimal(DIGIT_VALUES[tokens[0]] * unit // 10)
    return _section(tokens)


def _small(tokens: list[str]) -> Decimal | None:
    """Below 万: digits with 十/百/千 (三千零五十, 十二, 百, 2千)."""
    total, pending, last_unit = Decimal(0), None, None
    for token in tokens:
        if token in SMALL_UNITS:
            unit = SMALL_UNITS[token]
            total += (pending if pending is not None else Decimal(1)) * unit
            pending, last_unit = None, unit
        elif token in TENS_VALUES:
            if pending is not None:
                return None
            total += TENS_VALUES[token]  # 廿五 = 20 + 5
        elif token in DIGIT_VALUES:
            if pending is not None and DIGIT_VALUES[token] != 0:
                return None  # two digits in a row: a digit string, not a number we read here
            pending = Decimal(DIGIT_VALUES[token]) if DIGIT_VALUES[token] else pending
        elif _ARABIC.fullmatch(token):
            if pending is not None:
                return None
            pending = Decimal(token)
        else:
            return None
    if pending is not None:
        # 两千五 = 2500: a trailing lone digit after a unit is one order lower.
        if last_unit and last_unit >= 100 and len(tokens) >= 2 and tokens[-2] in SMALL_UNITS \
                and tokens[-1] in DIGIT_VALUES:
            total += pending * last_unit // 10
        else:
            total += pending
    return total
