"""Dates: TIMEX3-normalised date and time expressions. (Being implemented.)"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DateMention:
    start: int      # offsets into the original text
    end: int
    text: str
    type: str       # DATE, TIME, DURATION, SET
    value: str      # TIMEX3 value
    mod: str | None = None


def find_dates(view, sentences, doc_date=None) -> list[DateMention]:
    return []
