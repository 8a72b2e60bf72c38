"""The real-text gold set (benchmarks/real/): drawn reproducibly, loaded from ../shared by id with
its SHA-256 checked, and scored by `zhpipe eval` without copying a text into the repository."""
import csv
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from pipeline import gold
from pipeline.cli import main
from pipeline.corpora import Texts

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "benchmarks" / "real"
CORPORA = ROOT.parent / "shared" / "corpora"
pytestmark = pytest.mark.skipif(not (CORPORA / "drcd" / "docs.jsonl").is_file(),
                                reason="../shared/corpora is not beside the repository")


def _manifest() -> list[dict]:
    with open(REAL / "manifest.tsv", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _select_module():
    spec = importlib.util.spec_from_file_location("select_real", REAL / "select.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_seeded_draw_gives_the_committed_manifest():
    drawn = _select_module().draw(CORPORA)
    assert [(r["doc_id"], r["split"], r["text_sha256"]) for r in drawn] == \
        [(r["doc_id"], r["split"], r["text_sha256"]) for r in _manifest()]


def test_the_manifest_meets_the_size_and_script_requirements():
    rows = _manifest()
    chars = sum(int(r["chars"]) for r in rows)
    traditional = sum(int(r["chars"]) for r in rows if r["script"] == "hant")
    assert len(rows) >= 45 and chars >= 30000 and traditional / chars >= 0.4
    assert len({r["register"] for r in rows}) >= 4
    assert sum(r["split"] == "test" for r in rows) >= 15


def test_every_gold_file_is_a_manifest_document_of_its_split_and_loads():
    by_id = {r["doc_id"]: r for r in _manifest()}
    for split in ("dev", "test"):
        files = sorted((REAL / split).glob("*.json"))
        for path in files:
            data = json.loads(path.read_text(encoding="utf-8"))
            row = by_id[data["doc_id"]]
            assert row["split"] == split and row["text_sha256"] == data["text_sha256"], path
        if files:
            assert len(gold.load_folder(REAL / split, CORPORA)) == len(files)


def _one_dev_file(tmp_path) -> Path:
    source = next((REAL / "dev").glob("*.json"))
    folder = tmp_path / "gold"
    folder.mkdir()
    return Path(shutil.copy(source, folder / source.name))


def test_a_changed_text_is_refused_with_the_reason(tmp_path):
    path = _one_dev_file(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["text_sha256"] = "0" * 64
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(gold.GoldError) as caught:
        gold.load_folder(path.parent, CORPORA)
    assert "text_sha256" in str(caught.value) and "does not match" in str(caught.value)


def test_an_unknown_document_is_refused_naming_where_it_was_looked_for(tmp_path):
    path = _one_dev_file(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["doc_id"] = data["doc_id"].rsplit("-", 1)[0] + "-999999"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(gold.GoldError) as caught:
        gold.load_folder(path.parent, CORPORA)
    assert "docs.jsonl" in str(caught.value)


def test_texts_read_from_jsonl_match_the_txt_copies():
    texts = Texts(CORPORA)
    text, sha = texts.get("drcd-1")
    copy = (CORPORA / "drcd" / "txt" / "drcd-1.txt").read_bytes()
    assert text.encode("utf-8") == copy and sha == __import__("hashlib").sha256(copy).hexdigest()


FLOOR = json.loads((ROOT / "tests" / "score_floor_real.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dev_scores(tmp_path_factory):
    """`zhpipe eval` on the dev split, as a user runs it (the test split is never scored here)."""
    out = tmp_path_factory.mktemp("eval")
    assert main(["eval", "--gold", str(REAL / "dev"), "--corpus", str(CORPORA), "-o", str(out)]) == 0
    return json.loads((out / "metrics.json").read_text(encoding="utf-8"))


def test_eval_runs_on_the_real_dev_split(dev_scores):
    assert set(dev_scores["documents"]) == {p.stem for p in (REAL / "dev").glob("*.json")}


@pytest.mark.parametrize("key", sorted(FLOOR))
def test_dev_scores_stay_above_the_committed_floor(dev_scores, key):
    stage, _, matching = key.partition(":")
    matching = matching or ("full" if stage == "relations" else "strict")
    row = next(r for r in dev_scores["metrics"]
               if r["stage"] == stage and r["label"] == "ALL" and r["matching"] == matching)
    assert row["f1"] >= FLOOR[key] - 1e-9
