"""Scorer tests with expected precision/recall/F1 computed by hand."""
from dataclasses import dataclass

import pytest

from pipeline.scoring import PRF, ArgRef, match_relations, match_spans, prf_from_pairs, value_accuracy


@dataclass
class S:
    start: int
    end: int
    label: str = "ORG"
    value: object = None
    mod: object = None


def label(s):
    return s.label


def test_prf_arithmetic():
    prf = PRF(tp=3, fp=1, fn=2)
    assert prf.precision == pytest.approx(0.75)
    assert prf.recall == pytest.approx(0.6)
    assert prf.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert PRF().f1 == 0.0


def test_strict_versus_relaxed():
    gold = [S(0, 4), S(10, 12, "GPE"), S(20, 25)]
    pred = [S(0, 4), S(10, 13, "GPE"), S(20, 22, "GPE"), S(30, 31)]
    strict = match_spans(gold, pred, "strict", label)
    assert strict == [(0, 0)]
    p = prf_from_pairs(3, 4, strict)
    assert (p.precision, p.recall) == (pytest.approx(1 / 4), pytest.approx(1 / 3))
    relaxed = match_spans(gold, pred, "relaxed", label)
    # 10-13 overlaps 10-12 with the same label; 20-22 overlaps 20-25 but its label differs.
    assert relaxed == [(0, 0), (1, 1)]
    p = prf_from_pairs(3, 4, relaxed)
    assert p.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_relaxed_is_one_to_one():
    gold = [S(0, 10)]
    pred = [S(0, 3), S(2, 9)]
    assert match_spans(gold, pred, "relaxed", label) == [(0, 1)]  # the larger overlap wins


def test_spans_regardless_of_type_when_no_label_getter():
    gold = [S(0, 5, "DATE")]
    pred = [S(0, 5, "DURATION")]
    assert match_spans(gold, pred, "strict") == [(0, 0)]
    assert match_spans(gold, pred, "strict", label) == []


def test_value_accuracy_counts_strict_matches_only():
    gold = [S(0, 5, value="2006-09-08"), S(10, 15, value="2001-08", mod="BEFORE"), S(20, 22, value="P3Y")]
    pred = [S(0, 5, value="2006-09-08"), S(10, 15, value="2001-08"), S(20, 23, value="P3Y")]
    pairs = match_spans(gold, pred, "strict")
    assert value_accuracy(gold, pred, pairs, ("value", "mod")) == (1, 2)
    assert value_accuracy([S(0, 2, value=30000)], [S(0, 2, value=30000.0)], [(0, 0)], ("value",)) == (1, 1)


def rel(type_, **args):
    return {"type": type_, "args": args}


def A(start, end, canonical=None, value=None):
    return ArgRef(start, end, canonical, value)


def test_relation_list_roles_must_be_the_same_set():
    gold = [rel("signed", agent=[A(0, 1), A(2, 3)], agreement=A(10, 20))]
    same = [rel("signed", agent=[A(2, 3), A(0, 1)], agreement=A(12, 18))]
    fewer = [rel("signed", agent=[A(0, 1)], agreement=A(10, 20))]
    assert match_relations(gold, same) == [(0, 0)]
    assert match_relations(gold, fewer) == []


def test_relation_canonical_and_value_matches():
    gold = [rel("signed", agent=[A(0, 1, "俄罗斯")], date=A(5, 10, value="2006-09-08"))]
    pred = [rel("signed", agent=[A(40, 43, "俄罗斯")], date=A(50, 55, value="2006-09-08"), place=A(60, 62))]
    assert match_relations(gold, pred) == [(0, 0)]  # extra predicted roles do not hurt


def test_relation_missing_role_fails_full_but_passes_core():
    gold = [rel("established", org=A(0, 4), date=A(10, 15, value="2007-10"))]
    pred = [rel("established", org=A(0, 4))]
    assert match_relations(gold, pred) == []
    assert match_relations(gold, pred, core=True) == [(0, 0)]


def test_relation_status_is_an_equal_string():
    gold = [rel("joined", member=[A(0, 2)], org=A(5, 9), status=ArgRef(None, None, text="观察员"))]
    good = [rel("joined", member=[A(0, 2)], org=A(5, 9), status=ArgRef(None, None, text="观察员"))]
    bad = [rel("joined", member=[A(0, 2)], org=A(5, 9), status=ArgRef(None, None, text="成员"))]
    assert match_relations(gold, good) == [(0, 0)]
    assert match_relations(gold, bad) == []


def test_relation_type_must_agree():
    assert match_relations([rel("held", event=A(0, 2))], [rel("established", event=A(0, 2))]) == []
