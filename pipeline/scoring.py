"""One scorer for every stage: a PRF count, span matching (strict/relaxed), value accuracy, and
relation matching as in the Scoring section of the annotation format."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Hashable, Iterable, Sequence


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __iadd__(self, other: "PRF") -> "PRF":
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def overlaps(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def match_spans(gold: Sequence, pred: Sequence, mode: str = "strict",
                label: Callable[[object], Hashable] | None = None) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs.

    strict: same start, end (and label when ``label`` is given); relaxed: overlapping spans with
    the same label, the pairs with the largest overlap first.
    """
    label = label or (lambda s: None)
    if mode == "strict":
        index = {}
        for j, p in enumerate(pred):
            index.setdefault((p.start, p.end, label(p)), []).append(j)
        pairs = []
        for i, g in enumerate(gold):
            candidates = index.get((g.start, g.end, label(g)))
            if candidates:
                pairs.append((i, candidates.pop(0)))
        return pairs
    if mode != "relaxed":
        raise ValueError(f"matching must be strict or relaxed, not {mode!r}")
    options = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if overlaps(g, p) and label(g) == label(p):
                shared = min(g.end, p.end) - max(g.start, p.start)
                options.append((-shared, abs(g.start - p.start) + abs(g.end - p.end), i, j))
    used_gold, used_pred, pairs = set(), set(), []
    for _, _, i, j in sorted(options):
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def prf_from_pairs(n_gold: int, n_pred: int, pairs) -> PRF:
    return PRF(len(pairs), n_pred - len(pairs), n_gold - len(pairs))


def value_accuracy(gold: Sequence, pred: Sequence, pairs, fields: Sequence[str]) -> tuple[int, int]:
    """(correct, matched): strict pairs whose ``fields`` all agree (numbers compared numerically)."""
    correct = 0
    for i, j in pairs:
        if all(_same(getattr(gold[i], f, None), getattr(pred[j], f, None)) for f in fields):
            correct += 1
    return correct, len(pairs)


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return (a or None) == (b or None)


# --- relations ------------------------------------------------------------------------------------

CORE_ROLES = {"signed": ("agent", "agreement"), "established": ("org",), "joined": ("member", "org"),
              "held": ("event",)}


@dataclass(frozen=True)
class ArgRef:
    """A relation argument resolved to what matching needs: span, canonical name, value."""

    start: int | None
    end: int | None
    canonical: str | None = None
    value: str | None = None
    text: str | None = None


def arg_matches(gold: ArgRef, pred: ArgRef) -> bool:
    """Entity args: overlapping span or equal canonical; dates: overlap or equal value; strings: equal."""
    if gold.start is None:  # a plain string such as status
        return gold.text == pred.text
    if pred.start is not None and gold.start < pred.end and pred.start < gold.end:
        return True
    if gold.canonical and gold.canonical == pred.canonical:
        return True
    return bool(gold.value) and gold.value == pred.value


def _role_matches(gold_value, pred_value) -> bool:
    if isinstance(gold_value, list):
        if not isinstance(pred_value, list) or len(gold_value) != len(pred_value):
            return False
        remaining = list(pred_value)
        for g in gold_value:  # the same set: every gold arg pairs with a distinct predicted one
            hit = next((p for p in remaining if arg_matches(g, p)), None)
            if hit is None:
                return False
            remaining.remove(hit)
        return True
    return arg_matches(gold_value, pred_value)


def relation_matches(gold: dict, pred: dict, roles: Iterable[str] | None = None) -> bool:
    """``gold``/``pred``: {"type", "args": {role: ArgRef | [ArgRef]}}. Every gold role (or every
    role in ``roles`` that gold has) must be present in the prediction and match."""
    if gold["type"] != pred["type"]:
        return False
    check = [r for r in gold["args"] if roles is None or r in roles]
    return all(r in pred["args"] and _role_matches(gold["args"][r], pred["args"][r]) for r in check)


def match_relations(gold: Sequence[dict], pred: Sequence[dict], core: bool = False) -> list[tuple[int, int]]:
    pairs, used = [], set()
    for i, g in enumerate(gold):
        roles = CORE_ROLES.get(g["type"]) if core else None
        for j, p in enumerate(pred):
            if j not in used and relation_matches(g, p, roles):
                pairs.append((i, j))
                used.add(j)
                break
    return pairs
