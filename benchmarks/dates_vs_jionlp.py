"""Dates: our stage against JioNLP's ``extract_time`` on the same gold documents, side by side.

    .venv/bin/pip install -e '.[bench]'        # JioNLP is a benchmark extra, not a dependency
    .venv/bin/python benchmarks/dates_vs_jionlp.py [--gold annotations/] [--corpus corpus/]

Prints span precision/recall/F1 (strict and relaxed) and value accuracy (value + mod on strict
matches) for both systems, one row each, then a few phrases where they differ. JioNLP's results
are mapped to TIMEX3 values: a point becomes the date at its granularity (a whole year → ``2006``,
a month → ``2006-05``), a span an interval ``a/b``, a delta a duration ``P3Y``, a period a SET.
Neither system is given a document date.
"""
from __future__ import annotations

import argparse
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    value: str | None
    mod: str | None = None


def _granular(start: str, end: str) -> str:
    """TIMEX3 value of a JioNLP [start, end] pair at the granularity the pair spans."""
    a, b = datetime.fromisoformat(start), datetime.fromisoformat(end)
    if (a.month, a.day, a.hour, a.minute) == (1, 1, 0, 0) and (b.month, b.day, b.hour) == (12, 31, 23):
        return f"{a.year:04d}" if a.year == b.year else f"{a.year:04d}/{b.year:04d}"
    if (a.day, a.hour, a.minute) == (1, 0, 0) and b.hour == 23 and (b + _one_second()).day == 1:
        return f"{a:%Y-%m}" if (a.year, a.month) == (b.year, b.month) else f"{a:%Y-%m}/{b:%Y-%m}"
    if (a.hour, a.minute) == (0, 0) and (b.hour, b.minute) == (23, 59):
        return f"{a:%Y-%m-%d}" if a.date() == b.date() else f"{a:%Y-%m-%d}/{b:%Y-%m-%d}"
    return f"{a:%Y-%m-%dT%H:%M}"


def _one_second():
    from datetime import timedelta

    return timedelta(seconds=1)


_UNITS = {"year": "Y", "month": "M", "day": "D", "week": "W", "hour": "H", "minute": "M", "second": "S"}


def _duration(delta: dict) -> str | None:
    if not isinstance(delta, dict) or not delta:
        return None
    date = "".join(f"{_num(v)}{_UNITS[k]}" for k, v in delta.items() if k in ("year", "month", "week", "day"))
    clock = "".join(f"{_num(v)}{_UNITS[k]}" for k, v in delta.items() if k in ("hour", "minute", "second"))
    return "P" + date + (f"T{clock}" if clock else "") if date or clock else None


def _num(v) -> str:
    v = v[0] if isinstance(v, list) else v
    return str(int(v)) if float(v).is_integer() else str(v)


def jionlp_mentions(text: str, jio) -> list[Mention]:
    out = []
    for item in jio.ner.extract_time(text, time_base=time.time(), with_parsing=True):
        start, end = item["offset"]
        detail = item.get("detail", {})
        kind, parsed = detail.get("type"), detail.get("time")
        try:
            if kind in ("time_point", "time_span") and isinstance(parsed, list):
                value = _granular(*parsed)
            elif kind == "time_delta":
                value = _duration(parsed)
            elif kind == "time_period":
                value = _duration(parsed.get("delta") if isinstance(parsed, dict) else None)
            else:
                value = None
        except (ValueError, TypeError):
            value = None
        out.append(Mention(start, end, item["text"], value))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default=str(ROOT / "annotations"))
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    args = parser.parse_args()
    try:
        import jionlp as jio
    except ImportError:
        raise SystemExit("JioNLP is not installed: .venv/bin/pip install -e '.[bench]'") from None

    import pipeline
    from pipeline import gold
    from pipeline.runner import run_document
    from pipeline.scoring import PRF, match_spans, prf_from_pairs, value_accuracy
    from pipeline.textio import read_text

    gold_set = gold.load_folder(args.gold, args.corpus)
    # JioNLP logs a traceback for every phrase it fails to parse; they are its business, not ours.
    logging.getLogger().setLevel(logging.CRITICAL)
    nlp = pipeline.load(stages=["sentences", "dates"])
    systems = {"zhpipe": {}, "jionlp": {}}
    seconds = {"zhpipe": 0.0, "jionlp": 0.0}
    for doc_id, (_, text) in gold_set.items():
        t = time.perf_counter()
        doc = run_document(nlp, read_text(Path(args.corpus) / f"{doc_id}.txt"))
        seconds["zhpipe"] += time.perf_counter() - t
        systems["zhpipe"][doc_id] = [Mention(d.start, d.end, d.text, d.value, d.mod) for d in doc._.dates]
        t = time.perf_counter()
        systems["jionlp"][doc_id] = jionlp_mentions(text, jio)
        seconds["jionlp"] += time.perf_counter() - t

    chars = sum(len(text) for _, text in gold_set.values())
    print(f"{len(gold_set)} gold documents, {sum(len(a.dates) for a, _ in gold_set.values())} gold dates\n")
    print(f"{'system':8s} {'P':>6s} {'R':>6s} {'F1':>6s} {'relaxed F1':>11s} {'value acc':>10s} {'chars/s':>9s}")
    for name, predictions in systems.items():
        strict, relaxed, correct, matched = PRF(), PRF(), 0, 0
        for doc_id, (annotation, _) in gold_set.items():
            g, p = annotation.dates, predictions[doc_id]
            pairs = match_spans(g, p, "strict")
            strict += prf_from_pairs(len(g), len(p), pairs)
            relaxed += prf_from_pairs(len(g), len(p), match_spans(g, p, "relaxed"))
            c, m = value_accuracy(g, p, pairs, ("value", "mod"))
            correct, matched = correct + c, matched + m
        accuracy = correct / matched if matched else 0.0
        print(f"{name:8s} {strict.precision:6.3f} {strict.recall:6.3f} {strict.f1:6.3f} {relaxed.f1:11.3f} "
              f"{accuracy:10.3f} {chars / seconds[name]:9,.0f}")

    print("\nphrases the issue names:")
    for phrase in ("民國95年", "2006年5月至6月", "2006年9月8日簽署，同年10月生效"):
        ours = run_document(nlp, pipeline.textio.Document("x", phrase))._.dates
        theirs = jionlp_mentions(phrase, jio)
        print(f"  {phrase}: zhpipe {[(d.text, d.value) for d in ours]}  jionlp {[(d.text, d.value) for d in theirs]}")


if __name__ == "__main__":
    main()
