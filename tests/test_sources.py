"""Record files (JSONL, CSV, TSV, Parquet; gzip, zstd) give the same rows as the same texts as files."""
import csv
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import zstandard

from pipeline import runner
from pipeline.sources import Columns

ROOT = Path(__file__).resolve().parent.parent
TEXTS = {"n1": "2006年，哈萨克斯坦在阿斯塔纳加入上海合作组织。成员国领导人签署了《上海合作组织宪章》。",
         "n2": "臺灣大學於一九二八年創立。二○○五年，學校與國立臺灣科技大學簽署合作協定。",
         "n3": "今年3月，新加坡与马来西亚在吉隆坡签署协定，投资一百亿元。"}


def rows_without_source(rows):
    """Every table's rows with what names the source (path, hash, encoding) left out."""
    drop = {"path", "sha256", "encoding", "encoding_confidence"}
    return {name: [{k: v for k, v in r.items() if k not in drop} for r in part]
            for name, part in rows.items() if name != "errors"}


@pytest.fixture(scope="module")
def as_files(nlp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("txt")
    for doc_id, text in TEXTS.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return rows_without_source(runner.process([folder], nlp=nlp, doc_date="2024-03-15").rows)


def write_jsonl(path: Path, opener=open):
    with opener(path, "wt", encoding="utf-8") as f:
        for doc_id, text in TEXTS.items():
            f.write(json.dumps({"doc": doc_id, "body": text, "day": "2024-03-15"}, ensure_ascii=False) + "\n")


def write_csv(path: Path, delimiter=","):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(["doc", "body", "day"])
        writer.writerows([doc_id, text, "2024-03-15"] for doc_id, text in TEXTS.items())


def write_zst(path: Path):
    plain = path.with_suffix("")
    write_jsonl(plain)
    path.write_bytes(zstandard.ZstdCompressor().compress(plain.read_bytes()))
    plain.unlink()


WRITERS = {
    "docs.jsonl": write_jsonl,
    "docs.jsonl.gz": lambda p: write_jsonl(p, gzip.open),
    "docs.jsonl.zst": write_zst,
    "docs.csv": write_csv,
    "docs.tsv": lambda p: write_csv(p, "\t"),
    "docs.parquet": lambda p: pd.DataFrame([{"doc": k, "body": v, "day": "2024-03-15"} for k, v in TEXTS.items()])
    .to_parquet(p),
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_record_files_give_the_rows_of_the_same_texts_as_files(nlp, tmp_path, as_files, name):
    WRITERS[name](tmp_path / name)
    result = runner.process([tmp_path / name], nlp=nlp, columns=Columns("body", "doc", "day"))
    assert not result.errors
    assert rows_without_source(result.rows) == as_files
    assert {r["path"] for r in result.rows["documents"]} == {str(tmp_path / name)}


def test_compressed_text_files_and_folders_of_records(nlp, tmp_path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(TEXTS["n1"].encode("gb18030")))
    (tmp_path / "b.txt.zst").write_bytes(zstandard.ZstdCompressor().compress(TEXTS["n2"].encode("utf-8")))
    write_jsonl(tmp_path / "c.jsonl")
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    result = runner.process([tmp_path], nlp=nlp, columns=Columns("body", "doc", "day"))
    assert not result.errors
    assert [r["doc_id"] for r in result.rows["documents"]] == ["a", "b", "n1", "n2", "n3"]
    assert result.rows["documents"][0]["encoding"] == "gbk"


def test_bad_records_are_errors_of_their_own_and_the_rest_goes_on(tmp_path):
    lines = [{"id": "ok", "text": TEXTS["n3"], "date": "2024-03-15"}, {"id": "blank", "text": " "},
             {"id": "baddate", "text": "今天", "date": "15/03/2024"}]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n{not json\n", encoding="utf-8")
    (tmp_path / "other.jsonl").write_text('{"body": "中文"}\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(tmp_path), "-o", str(tmp_path / "out"),
                           "--date-column", "date"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    tables = runner.read_tables(tmp_path / "out")
    assert list(tables["documents"].doc_id) == ["ok"]
    assert list(tables["dates"].value) == ["2024-03"]  # 今年3月 read against the record's own date
    errors = dict(zip(tables["errors"].path, tables["errors"].reason))
    assert errors == {f"{path}:2": "empty", f"{path}:3": "bad_date", f"{path}:4": "bad_record",
                      str(tmp_path / "other.jsonl"): "no_text_column"}
    assert "--text-column" in proc.stderr


def test_stdin_as_jsonl_keeps_the_ids(tmp_path):
    records = "".join(json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n" for k, v in TEXTS.items())
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", "-", "--stdin-format", "jsonl",
                           "-o", str(tmp_path)], input=records, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    tables = runner.read_tables(tmp_path)
    assert list(tables["documents"].doc_id) == list(TEXTS)
    assert set(tables["entities"].doc_id) == set(TEXTS)
