"""`zhpipe eval` on the gold set: the full report, and a floor that scores may not drop below."""
import json
from pathlib import Path

import pytest

from pipeline import evaluate
from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
FLOOR = json.loads((ROOT / "tests" / "score_floor.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report(nlp):
    return evaluate.evaluate_folder(ROOT / "annotations", ROOT / "corpus", nlp=nlp)


@pytest.mark.parametrize("key", sorted(FLOOR))
def test_scores_stay_above_the_committed_floor(report, key):
    stage, _, matching = key.partition(":")
    assert evaluate.micro_f1(report, stage, matching or "strict") >= FLOOR[key] - 1e-9


def test_report_is_tidy_and_complete(report):
    m = report.metrics
    assert set(m.stage) == {"entities", "dates", "numbers", "relations"}
    assert {"strict", "relaxed"} <= set(m[m.stage == "entities"].matching)
    assert "value_accuracy" in set(m[m.stage == "dates"].matching)
    assert {"full", "core"} <= set(m[m.stage == "relations"].matching)
    assert not m.duplicated(["stage", "label", "matching"]).any()
    assert {"false_positive", "false_negative", "wrong_value"} >= set(report.errors.error)


@pytest.mark.parametrize("stage", ["dates", "numbers"])
def test_every_wrong_value_the_accuracy_counts_is_an_error_row(report, stage):
    m = report.metrics
    accuracy = m[(m.stage == stage) & (m.matching == "value_accuracy")].iloc[0]
    rows = report.errors[(report.errors.stage == stage) & (report.errors.error == "wrong_value")]
    assert len(rows) == accuracy.fn


def test_a_wrong_value_row_shows_the_gold_and_the_predicted_value(tmp_path):
    gold, corpus, pred = tmp_path / "gold", tmp_path / "corpus", tmp_path / "pred"
    for folder in (gold, corpus, pred):
        folder.mkdir()
    text = "公司有300名员工。"
    (corpus / "a.txt").write_text(text, encoding="utf-8")

    def annotation(value):
        return {"doc_id": "a", "entities": [], "dates": [], "relations": [],
                "numbers": [{"id": "N1", "start": 3, "end": 7, "text": "300名", "label": "QUANTITY",
                             "value": value, "unit": "名"}]}
    (gold / "a.json").write_text(json.dumps(annotation(300), ensure_ascii=False), encoding="utf-8")
    (pred / "a.json").write_text(json.dumps(annotation(30), ensure_ascii=False), encoding="utf-8")
    errors = evaluate.evaluate_folder(gold, corpus, pred_dir=pred).errors
    row = errors[errors.error == "wrong_value"].iloc[0]
    assert (row.stage, row.text, row.value, row.nearest) == ("numbers", "300名", "value=300; unit=名", "value=30; unit=名")


def test_eval_command_writes_metrics_and_gates(tmp_path):
    out = tmp_path / "eval"
    assert main(["eval", "--gold", str(ROOT / "annotations"), "--corpus", str(ROOT / "corpus"), "-o", str(out),
                 "--fail-under", "entities=0.5"]) == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["metrics"] and (out / "errors.csv").exists() and (out / "metrics.csv").exists()
    assert main(["eval", "--gold", str(ROOT / "annotations"), "--corpus", str(ROOT / "corpus"), "-o", str(out),
                 "--fail-under", "entities=0.999"]) == 1


def test_predictions_from_annotate_score_the_same(tmp_path, report):
    pred = tmp_path / "pred"
    assert main(["annotate", str(ROOT / "corpus"), "-o", str(pred)]) == 0
    again = evaluate.evaluate_folder(ROOT / "annotations", ROOT / "corpus", pred_dir=pred)
    assert evaluate.micro_f1(again, "entities") == pytest.approx(evaluate.micro_f1(report, "entities"))


def test_eval_ner_on_a_small_jsonl(tmp_path, capsys):
    path = tmp_path / "ner.jsonl"
    lines = [{"text": "北约秘书长访问莫斯科。", "entities": [{"start": 0, "end": 2, "label": "ORG"},
                                                                 {"start": 7, "end": 10, "label": "LOC"}]},
             {"text": "张三在北京工作。", "entities": [{"start": 0, "end": 2, "label": "PER"},
                                                          {"start": 3, "end": 5, "label": "LOC"}]}]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    assert main(["eval-ner", str(path), "--label-map", "msra"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["sentences"] == 2 and result["f1"] == 1.0
