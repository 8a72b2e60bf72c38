"""Entity candidates from every source, and the precedence that merges them.

A candidate from a higher source wins any overlap; within a source, the longer span wins.
Offsets are into the working copy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

RULE, GAZETTEER, MODEL = "rule", "gazetteer", "model"
PRIORITY = {RULE: 3, GAZETTEER: 2, MODEL: 1}
HAN = re.compile(r"[\u3400-\u9fff]")
DASH = "—–-－‐"
HYPHENS = "-‐－–"  # inside one name (巴登-符腾堡, 不伦瑞克-吕纳堡公国); not the em dash of pairs (俄—白)
# A short name in quotes (“通道”, 「城市结他大赛」): codenames, events and facilities are found in them.
QUOTED = re.compile(r"(“[^“”\n]{1,30}”|「[^「」\n]{1,30}」|『[^『』\n]{1,30}』|\"[^\"\n]{1,30}\")")


def country_navy(text: str, start: int, end: int, names: dict) -> bool:
    """日本海|军: a name ending in 海 that is a country + 海, followed by 军, is that country's navy
    (日本海军), not the sea (日本海). ``names`` maps names to gazetteer entries."""
    country = names.get(text[start:end - 1])
    return text.endswith("海", start, end) and text.startswith("军", end) and \
        getattr(country, "label", "") == "GPE"


@dataclass(frozen=True)
class Candidate:
    start: int          # offsets into the working copy
    end: int
    label: str
    canonical: str
    kb_id: str
    source: str

    @property
    def rank(self):
        return (-PRIORITY[self.source], -(self.end - self.start), self.start)


def resolve(candidates: list[Candidate]) -> list[Candidate]:
    taken: list[Candidate] = []
    occupied = set()
    for c in sorted(candidates, key=lambda c: c.rank):
        span = range(c.start, c.end)
        if c.end > c.start and not any(i in occupied for i in span):
            taken.append(c)
            occupied.update(span)
    return sorted(taken, key=lambda c: c.start)


