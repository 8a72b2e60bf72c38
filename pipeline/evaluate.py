"""Gold + predictions → metric and error tables (annotation-format.md, Scoring).

``metrics`` is tidy: one row per stage × label × matching (``label`` = ``ALL`` for micro scores),
plus ``value_accuracy`` rows for dates and numbers and ``full``/``core`` rows for relations.
``errors`` lists every false positive and false negative with its sentence and the nearest
competing span: the list a developer reads to decide what to fix next.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import gold as gold_module
from .scoring import PRF, ArgRef, match_relations, match_spans, prf_from_pairs, value_accuracy
from .stages.sentences import split_sentences

SPAN_STAGES = {"entities": "label", "dates": "type", "numbers": "label"}
VALUE_FIELDS = {"dates": ("value", "mod"), "numbers": ("value", "unit")}
METRIC_COLUMNS = ["stage", "label", "matching", "precision", "recall", "f1", "tp", "fp", "fn", "n_gold", "n_pred"]
ERROR_COLUMNS = ["stage", "doc_id", "error", "label", "start", "end", "text", "value", "nearest", "sentence"]


@dataclass
class Report:
    metrics: pd.DataFrame
    errors: pd.DataFrame
    documents: list[str] = field(default_factory=list)


def predictions_for(gold_set: dict, nlp, corpus_dir) -> dict[str, gold_module.Annotation]:
    """Run the pipeline on the texts of a loaded gold set (doc_id -> (annotation, text))."""
    from .corpora import Texts
    from .runner import run_document
    from .textio import Document

    texts = Texts(corpus_dir)
    out = {}
    for doc_id, (annotation, text) in gold_set.items():
        document = Document(doc_id, text, texts.where(doc_id, annotation.corpus), annotation.text_sha256)
        out[doc_id] = gold_module.from_doc(run_document(nlp, document), document)
    return out


def evaluate_folder(gold_dir, corpus_dir="corpus", pred_dir=None, nlp=None, doc_ids=None) -> Report:
    gold_set = gold_module.load_folder(gold_dir, corpus_dir)
    if doc_ids:
        unknown = sorted(set(doc_ids) - set(gold_set))
        if unknown:
            raise ValueError(f"no gold for {', '.join(unknown)} in {gold_dir}")
        gold_set = {d: gold_set[d] for d in doc_ids}
    texts = {doc_id: text for doc_id, (_, text) in gold_set.items()}
    if pred_dir:
        predictions = {}
        for doc_id in gold_set:
            path = Path(pred_dir) / f"{doc_id}.json"
            if not path.is_file():
                raise ValueError(f"{path}: no prediction for gold document {doc_id}; write it with `zhpipe annotate`")
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
            problems = gold_module.validate(data, texts[doc_id], str(path))
            if problems:
                raise gold_module.GoldError(problems)
            predictions[doc_id] = gold_module.Annotation.from_dict(data)
    else:
        if nlp is None:
            from . import load

            nlp = load()
        predictions = predictions_for(gold_set, nlp, corpus_dir)
    return score(({d: a for d, (a, _) in gold_set.items()}), predictions, texts)


def score(gold_set: dict, predictions: dict, texts: dict) -> Report:
    rows, errors = [], []
    for stage, label_field in SPAN_STAGES.items():
        for matching in ("strict", "relaxed"):
            labelled = stage == "entities"
            per_label: dict[str, PRF] = {}
            total = PRF()
            for doc_id, annotation in gold_set.items():
                g, p = getattr(annotation, stage), getattr(predictions[doc_id], stage)
                key = (lambda s: getattr(s, label_field)) if labelled else None
                pairs = match_spans(g, p, matching, key)
                total += prf_from_pairs(len(g), len(p), pairs)
                for lab in {getattr(s, label_field) for s in [*g, *p]}:
                    gi = [s for s in g if getattr(s, label_field) == lab]
                    pi = [s for s in p if getattr(s, label_field) == lab]
                    # Per-label rows always use label-aware matching.
                    per_label.setdefault(lab, PRF())
                    per_label[lab] += prf_from_pairs(len(gi), len(pi), match_spans(gi, pi, matching, key))
                if matching == "strict":
                    errors += _span_errors(stage, doc_id, g, p, pairs, texts[doc_id], label_field)
            rows.append(_row(stage, "ALL", matching, total))
            rows += [_row(stage, lab, matching, prf) for lab, prf in sorted(per_label.items())]
        if stage in VALUE_FIELDS:
            correct = matched = 0
            for doc_id, annotation in gold_set.items():
                g, p = getattr(annotation, stage), getattr(predictions[doc_id], stage)
                strict_pairs = match_spans(g, p, "strict")
                c, m = value_accuracy(g, p, strict_pairs, VALUE_FIELDS[stage])
                correct, matched = correct + c, matched + m
                errors += _value_errors(stage, doc_id, g, p, strict_pairs, texts[doc_id])
            rows.append({"stage": stage, "label": "ALL", "matching": "value_accuracy",
                         "precision": None, "recall": None, "f1": correct / matched if matched else 0.0,
                         "tp": correct, "fp": None, "fn": matched - correct, "n_gold": matched, "n_pred": matched})
    rel_rows, rel_errors = _relation_scores(gold_set, predictions, texts)
    metrics = pd.DataFrame(rows + rel_rows, columns=METRIC_COLUMNS)
    return Report(metrics, pd.DataFrame(errors + rel_errors, columns=ERROR_COLUMNS), sorted(gold_set))


def _row(stage, label, matching, prf: PRF) -> dict:
    return {"stage": stage, "label": label, "matching": matching, "precision": prf.precision,
            "recall": prf.recall, "f1": prf.f1, "tp": prf.tp, "fp": prf.fp, "fn": prf.fn,
            "n_gold": prf.tp + prf.fn, "n_pred": prf.tp + prf.fp}


def _sentence_at(text: str, start: int) -> str:
    for s, e in split_sentences(text):
        if s <= start < e:
            return text[s:e]
    return text[max(0, start - 30):start + 30]


def _describe(span, label_field) -> str:
    value = getattr(span, "value", None)
    return f"{span.text}[{span.start}:{span.end}] {getattr(span, label_field)}" + (f"={value}" if value is not None else "")


def _span_errors(stage, doc_id, gold, pred, pairs, text, label_field) -> list[dict]:
    matched_gold, matched_pred = {i for i, _ in pairs}, {j for _, j in pairs}
    out = []
    for kind, spans, matched, others in (("false_negative", gold, matched_gold, pred),
                                         ("false_positive", pred, matched_pred, gold)):
        for k, span in enumerate(spans):
            if k in matched:
                continue
            nearest = min(others, key=lambda o: (not (o.start < span.end and span.start < o.end),
                                                 abs(o.start - span.start)), default=None)
            out.append({"stage": stage, "doc_id": doc_id, "error": kind, "label": getattr(span, label_field),
                        "start": span.start, "end": span.end, "text": span.text,
                        "value": None if getattr(span, "value", None) is None else str(span.value),
                        "nearest": _describe(nearest, label_field) if nearest is not None else None,
                        "sentence": _sentence_at(text, span.start)})
    return out


def _value_errors(stage, doc_id, gold, pred, pairs, text) -> list[dict]:
    """Spans found exactly whose value (or mod, or unit) differs: ``value`` is the gold's,
    ``nearest`` the prediction's."""
    fields = VALUE_FIELDS[stage]
    out = []
    for i, j in pairs:
        g, p = gold[i], pred[j]
        if value_accuracy([g], [p], [(0, 0)], fields)[0]:
            continue
        out.append({"stage": stage, "doc_id": doc_id, "error": "wrong_value", "label": getattr(g, "label", None)
                    or getattr(g, "type", None), "start": g.start, "end": g.end, "text": g.text,
                    "value": _shown_values(g, fields), "nearest": _shown_values(p, fields), "sentence": _sentence_at(text, g.start)})
    return out


def _shown_values(span, fields) -> str:
    """value=300; unit=名: the fields a value error compares, as they are on one span."""
    return "; ".join(f"{f}={getattr(span, f)}" for f in fields if getattr(span, f, None) is not None)


def resolved_relations(annotation: gold_module.Annotation) -> list[dict]:
    by_id = annotation.spans_by_id()
    resolved = []
    for relation in annotation.relations:
        args = {}
        for role, value in relation.args.items():
            if gold_module.RELATION_ROLES.get(relation.type, {}).get(role) == "string":
                args[role] = ArgRef(None, None, text=value)
                continue
            refs = [_ref(by_id.get(v)) for v in (value if isinstance(value, list) else [value])]
            args[role] = refs if isinstance(value, list) else refs[0]
        resolved.append({"type": relation.type, "args": args, "id": relation.id})
    return resolved


def _ref(span) -> ArgRef:
    if span is None:
        return ArgRef(None, None, text="?")
    return ArgRef(span.start, span.end, getattr(span, "canonical", None), getattr(span, "value", None), span.text)


def _relation_scores(gold_set, predictions, texts):
    rows, errors = [], []
    types = sorted({r.type for a in [*gold_set.values(), *predictions.values()] for r in a.relations})
    for mode in ("full", "core"):
        total = PRF()
        per_type = {t: PRF() for t in types}
        for doc_id, annotation in gold_set.items():
            g, p = resolved_relations(annotation), resolved_relations(predictions[doc_id])
            pairs = match_relations(g, p, core=mode == "core")
            total += prf_from_pairs(len(g), len(p), pairs)
            for t in types:
                gi = [r for r in g if r["type"] == t]
                pi = [r for r in p if r["type"] == t]
                per_type[t] += prf_from_pairs(len(gi), len(pi), match_relations(gi, pi, core=mode == "core"))
            if mode == "full":
                errors += _relation_errors(doc_id, g, p, pairs, texts[doc_id])
        rows.append(_row("relations", "ALL", mode, total))
        rows += [_row("relations", t, mode, prf) for t, prf in per_type.items()]
    return rows, errors


def _relation_errors(doc_id, gold, pred, pairs, text) -> list[dict]:
    out = []
    matched_gold, matched_pred = {i for i, _ in pairs}, {j for _, j in pairs}
    for kind, items, matched in (("false_negative", gold, matched_gold), ("false_positive", pred, matched_pred)):
        for k, relation in enumerate(items):
            if k in matched:
                continue
            refs = [r for v in relation["args"].values() for r in (v if isinstance(v, list) else [v]) if r.start is not None]
            start = min((r.start for r in refs), default=0)
            end = max((r.end for r in refs), default=0)
            described = "; ".join(f"{role}=" + ",".join(r.text or "" for r in (v if isinstance(v, list) else [v]))
                                  for role, v in relation["args"].items())
            out.append({"stage": "relations", "doc_id": doc_id, "error": kind, "label": relation["type"],
                        "start": start, "end": end, "text": described, "value": None, "nearest": None,
                        "sentence": _sentence_at(text, start)})
    return out


def write_report(report: Report, out_dir) -> None:
    from .runner import _atomic_write

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _atomic_write(out / "metrics.csv", lambda tmp: report.metrics.to_csv(tmp, index=False))
    _atomic_write(out / "errors.csv", lambda tmp: report.errors.to_csv(tmp, index=False))
    payload = json.dumps({"documents": report.documents,
                          "metrics": json.loads(report.metrics.to_json(orient="records", force_ascii=False))},
                         ensure_ascii=False, indent=1)
    _atomic_write(out / "metrics.json", lambda tmp: Path(tmp).write_text(payload, encoding="utf-8"))


def render(report: Report):
    """A rich table: micro scores per stage, strict and relaxed, with per-label rows indented."""
    from rich.table import Table

    table = Table(title=f"zhpipe eval — {len(report.documents)} gold documents")
    for column in ("stage", "label", "matching", "P", "R", "F1", "gold", "pred"):
        table.add_column(column, justify="right" if column in ("P", "R", "F1", "gold", "pred") else "left")
    for row in report.metrics.itertuples():
        fmt = (lambda v: "" if v is None or pd.isna(v) else f"{v:.3f}")
        label = row.label if row.label == "ALL" else f"  {row.label}"
        table.add_row(row.stage, label, row.matching, fmt(row.precision), fmt(row.recall), fmt(row.f1),
                      str(row.n_gold), str(row.n_pred), style="bold" if row.label == "ALL" else None)
    return table


def parse_fail_under(spec: str) -> dict[str, float]:
    floors = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        stage, sep, value = part.partition("=")
        try:
            floors[stage.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--fail-under: {part!r} is not stage=F1 (e.g. entities=0.8)") from None
        if not sep:
            raise ValueError(f"--fail-under: {part!r} is not stage=F1 (e.g. entities=0.8)")
    return floors


def micro_f1(report: Report, stage: str, matching: str = "strict") -> float:
    if stage == "relations" and matching == "strict":
        matching = "full"
    row = report.metrics[(report.metrics.stage == stage) & (report.metrics.label == "ALL") &
                         (report.metrics.matching == matching)]
    if row.empty:
        raise ValueError(f"no score for stage {stage!r} (stages: {', '.join(sorted(set(report.metrics.stage)))})")
    return float(row.f1.iloc[0])


def check_floor(report: Report, floors: dict[str, float]) -> list[str]:
    """Messages for every stage whose strict micro F1 (``stage`` or ``stage:matching``) is below its floor."""
    failures = []
    for key, floor in floors.items():
        stage, _, matching = key.partition(":")
        value = micro_f1(report, stage, matching or "strict")
        if value + 1e-9 < floor:
            failures.append(f"{key} F1 {value:.3f} < {floor:.3f}")
    return failures


# --- external sentence-level NER sets -------------------------------------------------------------

def label_maps() -> dict:
    from .resources import load_yaml

    return load_yaml("ner/eval_label_maps.yaml")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    label: str


def evaluate_ner_jsonl(path, nlp, label_map: str = "msra", limit: int | None = None) -> dict:
    """Strict span F1 on ``{"text", "entities": [{"start","end","label"}]}`` lines, and throughput."""
    from .runner import run_document
    from .textio import Document

    maps = label_maps()
    if label_map not in maps:
        raise ValueError(f"unknown label map {label_map!r}; known: {', '.join(maps)}")
    mapping, theirs = maps[label_map]["ours"], maps[label_map].get("theirs")
    total, per_label = PRF(), {}
    chars = sentences = 0
    started = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if limit and sentences >= limit:
                break
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text = item["text"]
                gold = [_Span(e["start"], e["end"], theirs.get(e["label"]) if theirs else e["label"])
                        for e in item.get("entities", [])]
                gold = [g for g in gold if g.label is not None]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise ValueError(f"{path}:{number}: expected a JSON object with text and entities") from None
            sentences += 1
            chars += len(text)
            if not text.strip():
                pred = []
            else:
                doc = run_document(nlp, Document(f"s{number}", text))
                pred = [_Span(m.start, m.end, mapping[m.label]) for m in doc._.entities or [] if m.label in mapping]
            pairs = match_spans(gold, pred, "strict", lambda s: s.label)
            total += prf_from_pairs(len(gold), len(pred), pairs)
            for lab in set(mapping.values()):
                gi = [s for s in gold if s.label == lab]
                pi = [s for s in pred if s.label == lab]
                per_label.setdefault(lab, PRF())
                per_label[lab] += prf_from_pairs(len(gi), len(pi), match_spans(gi, pi, "strict"))
    seconds = time.perf_counter() - started
    return {"file": str(path), "sentences": sentences, "characters": chars,
            "precision": round(total.precision, 4), "recall": round(total.recall, 4), "f1": round(total.f1, 4),
            "per_label": {k: {"precision": round(v.precision, 4), "recall": round(v.recall, 4), "f1": round(v.f1, 4)}
                          for k, v in sorted(per_label.items())},
            "seconds": round(seconds, 2), "chars_per_second": round(chars / seconds) if seconds else None}
