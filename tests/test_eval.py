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
    assert {"false_positive", "false_negative"} >= set(report.errors.error)


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
