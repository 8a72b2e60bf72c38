"""Dates: our stage on the Recognizers-Text zh parser specs, values compared by meaning.

    .venv/bin/python benchmarks/recognizers_dates.py [--specs ../shared/benchmarks/recognizers-datetime-zh/parser_units.jsonl]

Each of the 260 inputs is run through the pipeline with its reference time as the document date.
A target counts as found when a predicted date overlaps it (relaxed: Recognizers' spans take in
prepositions and modifiers, ours do not). Precision counts the predictions that overlap a target;
the inputs are not exhaustively annotated, so it is a lower bound. Value accuracy is over the
found targets and compares by meaning, not by string (see SOURCE.md there): the TIMEX3 string up
to the granularity both give, or the anchored reading in ``resolution`` (a date, a date-time, a
range's start and end, a time range's two clock times, a duration in seconds, a clock time). Prints one table per Recognizers type
and writes ``outputs/bench/recognizers_dates.json`` (with the misses: third-party text, so it stays
out of the repository).
"""
from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT.parent / "shared" / "benchmarks" / "recognizers-datetime-zh" / "parser_units.jsonl"
_UNIT_SECONDS = {"Y": 365 * 86400, "M": 30 * 86400, "W": 7 * 86400, "D": 86400}
_TIME_SECONDS = {"H": 3600, "M": 60, "S": 1}


def duration_seconds(value: str) -> float | None:
    """P2Y, PT30M, P1DT12H → seconds (a year 365 days, a month 30, as Recognizers counts)."""
    m = re.fullmatch(r"P(?:([\d.]+)Y)?(?:([\d.]+)M)?(?:([\d.]+)W)?(?:([\d.]+)D)?(?:T(?:([\d.]+)H)?(?:([\d.]+)M)?(?:([\d.]+)S)?)?",
                     value or "")
    if not m or value in ("P", "PT"):
        return None
    parts = m.groups()
    seconds = sum(float(x) * _UNIT_SECONDS[u] for x, u in zip(parts[:4], "YMWD") if x)
    return seconds + sum(float(x) * _TIME_SECONDS[u] for x, u in zip(parts[4:], "HMS") if x)


def _clock(value: str) -> str | None:
    """The HH:MM of a value's time part (T17 → 17:00, T17:30 → 17:30)."""
    m = re.search(r"T(\d{2})(?::(\d{2}))?", value or "")
    return f"{m.group(1)}:{m.group(2) or '00'}" if m else None


def readings(target: dict) -> set[str]:
    """What a Recognizers target means, as strings comparable with ours."""
    out = {target["value"]}
    if m := re.fullmatch(r"\((.*),(.*),(P[^,]*)\)", target["value"]):  # (start,end,duration)
        seconds = duration_seconds(m.group(3))
        if seconds:
            out.add(f"seconds:{seconds:g}")
    resolution = target.get("resolution") or {}
    branches = [resolution.get("FutureResolution") or {}, resolution.get("PastResolution") or {}]
    branches += resolution.get("values") or []
    for branch in branches:
        for key in ("date", "timex"):
            if branch.get(key):
                out.add(branch[key])
        if branch.get("dateTime"):
            out.add(branch["dateTime"][:16].replace(" ", "T"))
        if branch.get("startDate") and branch.get("endDate"):
            out.add(f"range:{branch['startDate']}/{branch['endDate']}")
        if branch.get("startDateTime") and branch.get("endDateTime"):
            out.add(f"range:{branch['startDateTime'][:16].replace(' ', 'T')}/{branch['endDateTime'][:16].replace(' ', 'T')}")
        if branch.get("duration"):
            out.add(f"seconds:{float(branch['duration']):g}")
        if branch.get("set"):
            seconds = duration_seconds(branch["set"].removeprefix("Set: "))
            if seconds:
                out.add(f"seconds:{seconds:g}")
        for key in ("time", "start"):
            if branch.get(key) and re.fullmatch(r"\d{2}:\d{2}:\d{2}", branch[key]):
                out.add(f"clock:{branch[key][:5]}")
        if branch.get("startTime") and branch.get("endTime"):  # a time range on no day: its clock times
            out.add(f"clocks:{branch['startTime'][:5]}/{branch['endTime'][:5]}")
    return out


def ours(value: str | None) -> set[str]:
    """Our value in the same terms."""
    if not value:
        return set()
    out = {value}
    if "/" in value:
        a, b = value.split("/", 1)
        out.add(f"range:{a}/{b}")
        if _clock(a) and _clock(b):
            out.add(f"clocks:{_clock(a)}/{_clock(b)}")
    seconds = duration_seconds(value)
    if seconds:
        out.add(f"seconds:{seconds:g}")
    # Periods written as TIMEX3 granules, as the ranges Recognizers resolves them to.
    if m := re.fullmatch(r"(\d{3})X", value):
        out.add(f"range:{m.group(1)}0-01-01/{int(m.group(1)) + 1}0-01-01")
    elif m := re.fullmatch(r"(\d{2})", value):
        out.add(f"range:{m.group(1)}00-01-01/{int(m.group(1)) + 1}00-01-01")
    elif m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        year, q = int(m.group(1)), int(m.group(2))
        end = f"{year + 1}-01-01" if q == 4 else f"{year}-{3 * q + 1:02d}-01"
        out.add(f"range:{year}-{3 * q - 2:02d}-01/{end}")
    elif m := re.fullmatch(r"(\d{4})/(\d{4})", value):
        a, b = int(m.group(1)), int(m.group(2))
        out |= {f"range:{a}-01-01/{b}-01-01", f"range:{a}-01-01/{b + 1}-01-01"}
    clock = _clock(value)
    if clock:
        out.add(f"clock:{clock}")
        out.add(f"{value.split('T')[0]}T{clock}")
    out.add(value.replace(":00", "") if re.search(r"T\d{2}:00$", value) else value)
    return out


def evaluate(specs: Path) -> dict:
    import pipeline
    from pipeline.runner import run_document
    from pipeline.textio import Document

    nlp = pipeline.load(stages=["sentences", "entities", "dates"])
    per_type: dict[str, dict] = defaultdict(lambda: {"targets": 0, "found": 0, "value_ok": 0})
    predicted = overlapping = 0
    misses = []
    with open(specs, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            doc_date = (record.get("ref_time") or "")[:10] or None
            doc = run_document(nlp, Document(record["id"], record["text"]), doc_date)
            dates = doc._.dates or []
            predicted += len(dates)
            overlapping += sum(any(d.start < t["end"] and t["start"] < d.end for t in record["dates"]) for d in dates)
            for target in record["dates"]:
                row = per_type[target["type"]]
                row["targets"] += 1
                hits = [d for d in dates if d.start < target["end"] and target["start"] < d.end]
                if not hits:
                    misses.append((record["text"], target["text"], target["value"], None))
                    continue
                row["found"] += 1
                if any(readings(target) & ours(d.value) for d in hits):
                    row["value_ok"] += 1
                else:
                    misses.append((record["text"], target["text"], target["value"], [d.value for d in hits]))
    targets = sum(r["targets"] for r in per_type.values())
    found = sum(r["found"] for r in per_type.values())
    value_ok = sum(r["value_ok"] for r in per_type.values())
    recall = found / targets if targets else 0.0
    precision = overlapping / predicted if predicted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"inputs_file": str(specs), "targets": targets, "predicted": predicted,
            "relaxed_precision_lower_bound": round(precision, 3), "relaxed_recall": round(recall, 3),
            "relaxed_f1": round(f1, 3), "value_accuracy_by_meaning": round(value_ok / found, 3) if found else 0.0,
            "per_type": {t: {**r, "recall": round(r["found"] / r["targets"], 3),
                             "value_accuracy": round(r["value_ok"] / r["found"], 3) if r["found"] else 0.0}
                         for t, r in sorted(per_type.items())},
            "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--specs", default=str(SPECS))
    parser.add_argument("-o", "--output", default=str(ROOT / "outputs" / "bench" / "recognizers_dates.json"))
    args = parser.parse_args()
    result = evaluate(Path(args.specs))
    print(f"{'type':<14}{'targets':>8}{'found':>7}{'recall':>8}{'value acc':>11}")
    for name, row in result["per_type"].items():
        print(f"{name:<14}{row['targets']:>8}{row['found']:>7}{row['recall']:>8.3f}{row['value_accuracy']:>11.3f}")
    print(f"{'all':<14}{result['targets']:>8}{'':>7}{result['relaxed_recall']:>8.3f}{result['value_accuracy_by_meaning']:>11.3f}")
    print(f"relaxed span P (lower bound) {result['relaxed_precision_lower_bound']:.3f}, "
          f"R {result['relaxed_recall']:.3f}, F1 {result['relaxed_f1']:.3f}")
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
