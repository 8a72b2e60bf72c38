"""Numbers: valued cardinals, percents, quantities, money and ordinals. (Being implemented.)"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    text: str
    label: str      # CARDINAL, PERCENT, QUANTITY, MONEY, ORDINAL
    value: float | int | None
    unit: str | None = None
    approx: bool = False


def find_numbers(view, dates=(), entities=()) -> list[NumberMention]:
    return []
