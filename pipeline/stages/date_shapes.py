"""What a date phrase records as written (:class:`Calendar`, :class:`Phrase`) and the anchor a
resolved date gives the next (:class:`Anchor`), with the two small text tests the readers share."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Calendar:
    """A calendar date or time as written; ``*_kind`` is abs, deictic or anaphoric."""

    year: int | None = None
    year_kind: str | None = None
    month: int | None = None
    month_kind: str | None = None
    day: int | None = None
    day_kind: str | None = None
    week: int | None = None          # deictic week offset (上周 = -1)
    weekday: int | str | None = None  # 1 = Monday; "WE" for a weekend
    season: str | None = None
    half: str | None = None
    quarter: int | None = None
    hour: int | None = None
    minute: int | None = None
    part: str | None = None          # a mod from 年初/月底
    day_part: str | None = None      # MO, AF, EV, NI: 上午, 下午, 晚上 after a day

    @property
    def levels(self) -> list[int]:
        """0 = year, 1 = month, 2 = day: the levels written in the phrase."""
        return [i for i, v in enumerate((self.year_kind, self.month_kind, self.day_kind)) if v]

    @property
    def words_only_numbers(self) -> bool:
        return all(k in (None, "abs") for k in (self.year_kind, self.month_kind, self.day_kind)) \
            and self.week is None and self.weekday is None


@dataclass(frozen=True)
class Phrase:
    start: int                     # working-copy offsets
    end: int
    kind: str                      # calendar, range, fixed, duration, relative, same
    calendar: Calendar | None = None
    tail: Calendar | None = None  # the second half of a range
    type: str = "DATE"
    value: str | None = None       # for phrases whose value needs no resolution
    mod: str | None = None
    amount: float | None = None    # duration amount, for 三年前
    designator: str | None = None
    inner_end: int | None = None   # 三年前: where the duration 三年 ends


@dataclass(frozen=True)
class Anchor:
    year: int
    month: int | None
    day: int | None
    value: str


def blocked(text: str, pos: int, followers) -> bool:
    return pos < len(text) and text[pos] in followers


def word_after(text: str, pos: int, limit: int, words, blocked: dict) -> str | None:
    """The first of ``words`` (sorted longest first) that starts at ``pos`` and ends by ``limit``,
    unless the character after it makes it part of another word (``blocked``)."""
    for word in words:
        end = pos + len(word)
        if end <= limit and text.startswith(word, pos):
            if end < len(text) and text[end] in blocked.get(word, ()):
                continue
            return word
    return None
