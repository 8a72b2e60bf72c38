"""The entity models on their own, side by side: strict span F1 on MSRA test and CLUENER dev
(mapped onto our labels), and script invariance (each sentence converted to traditional script).

    .venv/bin/python benchmarks/ner_models.py [--shared ../shared] [--limit N]

Scores are of the model alone (no gazetteers or rules); ``zhpipe eval-ner`` scores the whole
entity stage. CLUENER dev is never trained on. Writes outputs/bench/ner_models.json.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def read(path: Path, limit: int | None):
    with open(path, encoding="utf-8") as f:
        items = [json.loads(line) for line in f if line.strip()]
    return items[:limit] if limit else items


def score(items, predictions, ours_map: dict, theirs_map: dict | None) -> dict:
    """Micro and per-label strict F1 after mapping both sides onto the scored labels."""
    from pipeline.scoring import PRF

    total, per_label = PRF(), {}
    for item, predicted in zip(items, predictions):
        gold = {(e["start"], e["end"], theirs_map.get(e["label"]) if theirs_map else e["label"])
                for e in item["entities"]}
        gold = {g for g in gold if g[2] is not None}
        pred = {(s, e, ours_map[label]) for s, e, label in predicted if label in ours_map}
        for label in {g[2] for g in gold} | {p[2] for p in pred}:
            g, p = {x for x in gold if x[2] == label}, {x for x in pred if x[2] == label}
            counts = PRF(len(g & p), len(p - g), len(g - p))
            per_label.setdefault(label, PRF())
            per_label[label] += counts
            total += counts

    def f1(prf):
        return {"precision": round(prf.precision, 4), "recall": round(prf.recall, 4), "f1": round(prf.f1, 4)}

    return {**f1(total), "per_label": {label: f1(prf) for label, prf in sorted(per_label.items())}}


def boundaries(segmenter, texts):
    return [segmenter.word_edges(text) for text in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--model", help="our model file to measure (default: the shipped one)")
    args = parser.parse_args()

    import opencc

    from pipeline.language import build_resources
    from pipeline.resources import load_yaml
    from pipeline.stages.ner_backends import LacModel, OwnModel

    maps = load_yaml("ner/eval_label_maps.yaml")
    lac_maps = {"msra": {"PERSON": "PER", "ORG": "ORG", "PLACE": "LOC"},
                "cluener": {"PERSON": "PERSON", "ORG": "ORG", "PLACE": "PLACE"}}
    resources = build_resources()
    resources.segmenter.initialize()
    models = {"ours": OwnModel(args.model), "lac": LacModel()}
    bench = Path(args.shared) / "benchmarks"
    report = {"record": models["ours"].model.record.get("command"), "sets": {}}
    for name, path in (("msra", bench / "msra-ner/test.jsonl"), ("cluener", bench / "cluener/dev.jsonl")):
        items = read(path, args.limit)
        texts = [i["text"] for i in items]
        cuts = boundaries(resources.segmenter, texts)
        chars = sum(map(len, texts))
        for model_name, model in models.items():
            started = time.perf_counter()
            # Our model's own labels (its backend passes LOC on to the entity stage as a PLACE).
            predicted = model.model.predict(texts, cuts) if model_name == "ours" else model.spans(texts, cuts)
            seconds = time.perf_counter() - started
            mapping = maps[name]["ours"] if model_name == "ours" else lac_maps[name]
            result = score(items, predicted, mapping, maps[name].get("theirs"))
            result["chars_per_second"] = round(chars / seconds)
            report["sets"][f"{name}/{model_name}"] = result
            print(f"{name:8s} {model_name:5s} F1 {result['f1']:.4f} (P {result['precision']:.3f} R {result['recall']:.3f})  "
                  + "  ".join(f"{k} {v['f1']:.3f}" for k, v in result["per_label"].items()), flush=True)
    # Script invariance: the same sentence in traditional characters must give the same names
    # through the entity stage (normalisation, segmentation, model, gazetteers and rules). s2t is
    # one character for one, so the offsets are comparable.
    import pipeline
    from pipeline.runner import run_document
    from pipeline.textio import Document

    converter = opencc.OpenCC("s2t")
    items = read(bench / "msra-ner/test.jsonl", min(args.limit or 1000, 1000))
    pairs = [(i["text"], converter.convert(i["text"])) for i in items]
    pairs = [(s, t) for s, t in pairs if len(s) == len(t)]
    report["script_invariance"] = {}
    for ner in (f"ours:{args.model}" if args.model else "ours", "lac"):
        nlp = pipeline.load(stages=["sentences", "entities"], ner=ner)

        def names(text):
            return [(m.start, m.end, m.label) for m in run_document(nlp, Document("s", text))._.entities]

        same = sum(1 for s, t in pairs if names(s) == names(t))
        report["script_invariance"][ner] = {"sentences": len(pairs), "identical": same, "share": round(same / len(pairs), 4)}
        print(f"script invariance, --ner {ner}: {same}/{len(pairs)} sentences give identical names in both scripts "
              f"({same / len(pairs):.2%})")
    out = ROOT / "outputs/bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ner_models.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
