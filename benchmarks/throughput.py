"""Throughput of the pipeline and where the time goes, measured side by side in one run.

    .venv/bin/python benchmarks/throughput.py [PATH ...] [--repeat 3]

Prints characters per second for the whole pipeline and each stage's share of the time (the
tokenizer = normalise + segment, then every component), so a change's effect shows as a ratio
against the other stages of the same run rather than as seconds on a noisy machine.
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "corpus")])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import pipeline
    from pipeline.runner import documents

    started = time.perf_counter()
    nlp = pipeline.load()
    load_seconds = time.perf_counter() - started
    docs = list(documents(args.paths))
    chars = sum(len(d.text) for d in docs) * args.repeat
    spent: dict[str, float] = defaultdict(float)
    for _ in range(args.repeat):
        for document in docs:
            t = time.perf_counter()
            doc = nlp.make_doc(document.text)
            spent["tokenizer (normalise + segment)"] += time.perf_counter() - t
            for name, component in nlp.pipeline:
                t = time.perf_counter()
                doc = component(doc)
                spent[name] += time.perf_counter() - t
    total = sum(spent.values())
    print(f"documents {len(docs)} × {args.repeat}, characters {chars}, load {load_seconds:.1f} s")
    print(f"pipeline: {chars / total:,.0f} characters/second")
    for name, seconds in spent.items():
        print(f"  {name:34s} {seconds / total:6.1%}  {chars / seconds:12,.0f} chars/s")


if __name__ == "__main__":
    main()
