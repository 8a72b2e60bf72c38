"""Time and peak memory of one long unpunctuated document, for growing lengths.

    .venv/bin/python benchmarks/long_inputs.py [--sizes 20000 200000 2000000] [--ner lac]

Each size runs in a fresh process (so peak resident memory is that size's own): ``zhpipe run`` on
one file of real text from ../shared/corpora (our own corpus/ when that is missing) with every
punctuation mark and line break taken out and repeated to the length. Prints seconds, characters
per second and peak memory per size, the ratios to the smallest size, and writes
outputs/bench/long_inputs.json. Linear growth shows as a flat characters-per-second column.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"


def source_text() -> str:
    texts = []
    if (CORPORA / "cmrc2018" / "docs.jsonl").exists():
        with open(CORPORA / "cmrc2018" / "docs.jsonl", encoding="utf-8") as f:
            texts = [json.loads(line)["text"] for _, line in zip(range(200), f)]
    else:
        texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    # No punctuation, no white space: one "sentence" as long as the document.
    return "".join(ch for ch in "".join(texts) if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def run_one(size: int, ner: str, folder: Path) -> dict:
    base = source_text()
    text = (base * (size // len(base) + 1))[:size]
    path = folder / f"long-{size}.txt"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(path), "-o", str(folder / f"out-{size}"),
                           "--format", "parquet", "--ner", ner], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"size {size}: zhpipe run failed:\n{proc.stderr[-2000:]}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far
    return {"chars": size, "seconds": round(seconds, 2), "chars_per_second": round(size / seconds),
            "peak_rss_mb": round(peak_kb / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000, 2_000_000])
    parser.add_argument("--ner", default="lac")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        # Sizes in increasing order: RUSAGE_CHILDREN keeps the largest child's peak, which is then
        # the current size's own whenever memory grows with the size.
        for size in sorted(args.sizes):
            rows.append(run_one(size, args.ner, Path(tmp)))
            print(rows[-1], flush=True)
    first = rows[0]
    print(f"\n{'chars':>10} {'seconds':>9} {'chars/s':>9} {'peak MB':>8} {'time ×':>8} {'size ×':>8}")
    for r in rows:
        r["time_ratio"] = round(r["seconds"] / first["seconds"], 2)
        r["size_ratio"] = round(r["chars"] / first["chars"], 2)
        print(f"{r['chars']:>10,} {r['seconds']:>9} {r['chars_per_second']:>9,} {r['peak_rss_mb']:>8} "
              f"{r['time_ratio']:>8} {r['size_ratio']:>8}")
    out = ROOT / "outputs" / "bench" / "long_inputs.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"ner": args.ner, "sizes": rows}, indent=1), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
