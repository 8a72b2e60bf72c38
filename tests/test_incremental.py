"""Runs at scale: incremental and resumable runs, a Dask cluster, URLs, and inputs counted for the
progress bar. Real pipeline, real files, a real LocalCluster on loopback; nothing is mocked."""
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline import runner
from pipeline.sources import Columns

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = {"ner": "none"}  # the rules and gazetteers only: fast, and still every stage

# Our own short documents, in both scripts.
TEXTS = [
    "2006年，哈萨克斯坦在阿斯塔纳加入上海合作组织。",
    "臺灣大學於一九二八年創立，二○○五年與國立臺灣科技大學簽署合作協定。",
    "2019年3月5日，中国与意大利在罗马签署了合作备忘录，涉及金额约25亿欧元。",
    "香港大學在二〇二一年十月宣布成立新的研究中心，首期投入三億港元。",
    "俄罗斯于1992年5月15日在塔什干签署《集体安全条约》。",
    "世界衛生組織於1948年成立，總部設在日內瓦，現有194個會員國。",
    "2010年上海世博会吸引了约7300万人次参观。",
    "日本與韓國在2015年12月28日達成協議，韓國政府設立基金。",
]


def write_corpus(folder: Path, texts=TEXTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"doc{i:02d}.txt").write_text(text, encoding="utf-8")
    return folder


def table_bytes(out: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.*")) if not p.name.startswith(".")}


def run(corpus, out, **options):
    return runner.run_to_folder([corpus], out, load_options=OPTIONS, **options)


def test_a_rerun_with_no_change_processes_nothing_and_writes_the_same_tables(tmp_path):
    corpus = write_corpus(tmp_path / "in")
    first = run(corpus, tmp_path / "out")
    before = table_bytes(tmp_path / "out")
    again = run(corpus, tmp_path / "out")
    assert (first.reused, again.reused) == (0, len(TEXTS))
    assert again.summary()["documents"] == first.summary()["documents"] == len(TEXTS)
    assert again.tally.entities == first.tally.entities
    assert table_bytes(tmp_path / "out") == before
    assert len(list((tmp_path / "out" / ".zhpipe" / "runs").iterdir())) == 1
    forced = run(corpus, tmp_path / "out", force=True)
    assert forced.reused == 0 and table_bytes(tmp_path / "out") == before


def test_only_new_and_changed_documents_are_processed_with_any_jobs(tmp_path):
    corpus = write_corpus(tmp_path / "in")
    run(corpus, tmp_path / "out", segment_docs=3)
    (corpus / "doc03.txt").write_text("2024年，新加坡与马来西亚签署了一项供水协议。", encoding="utf-8")
    (corpus / "doc99.txt").write_text("联合国于1945年10月24日成立。", encoding="utf-8")
    (corpus / "doc06.txt").unlink()
    later = runner.run_to_folder([corpus], tmp_path / "out", jobs=2, load_options=OPTIONS)
    assert later.reused == len(TEXTS) - 2  # all but the changed one and the removed one
    fresh = run(corpus, tmp_path / "fresh")
    assert fresh.reused == 0
    assert table_bytes(tmp_path / "out") == table_bytes(tmp_path / "fresh")
    ids = set(runner.read_tables(tmp_path / "out")["documents"].doc_id)
    assert "doc06" not in ids and "doc99" in ids


def test_other_settings_reuse_nothing(tmp_path):
    corpus = write_corpus(tmp_path / "in")
    run(corpus, tmp_path / "out")
    assert run(corpus, tmp_path / "out", doc_date="2020-01-01").reused == 0
    assert runner.run_to_folder([corpus], tmp_path / "out", load_options={"ner": "lac"}).reused == 0


KILLED_MIDWAY = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from pipeline import runner
    corpus, out = sys.argv[1], sys.argv[2]
    def progress(count, doc_id, characters):
        if count == 5:  # five of eight documents done: two segments of two are complete
            os.kill(os.getpid(), signal.SIGKILL)
    runner.run_to_folder([Path(corpus)], out, load_options={"ner": "none"}, segment_docs=2, progress=progress)
""")


def test_a_killed_run_resumes_with_no_row_missing_or_twice(tmp_path):
    corpus = write_corpus(tmp_path / "in")
    whole = run(corpus, tmp_path / "whole")
    proc = subprocess.run([sys.executable, "-c", KILLED_MIDWAY, str(corpus), str(tmp_path / "out")],
                          cwd=ROOT, capture_output=True, timeout=600)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    assert not (tmp_path / "out" / "entities.parquet").exists()  # nothing was switched in
    resumed = run(corpus, tmp_path / "out")
    assert resumed.reused == 4
    assert table_bytes(tmp_path / "out") == table_bytes(tmp_path / "whole")
    assert resumed.summary()["entities"] == whole.summary()["entities"]
    assert len(list((tmp_path / "out" / ".zhpipe" / "runs").iterdir())) == 1  # the killed run's folder is gone


def test_dask_local_cluster_gives_the_local_tables(tmp_path):
    pytest.importorskip("distributed")
    corpus = write_corpus(tmp_path / "in")
    local = subprocess.run([sys.executable, "-m", "pipeline", "run", str(corpus), "-o", str(tmp_path / "local")],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)
    dask = subprocess.run([sys.executable, "-m", "pipeline", "run", str(corpus), "-o", str(tmp_path / "dask"),
                           "--engine", "dask", "-j", "2"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert local.returncode == 0 and dask.returncode == 0, dask.stderr[-2000:]
    assert table_bytes(tmp_path / "dask") == table_bytes(tmp_path / "local")
    assert len(table_bytes(tmp_path / "dask")) == 2 * len(runner.tables.TABLES)


def test_inputs_and_outputs_by_url_through_fsspec(tmp_path):
    fsspec = pytest.importorskip("fsspec")
    memory = fsspec.filesystem("memory")
    for i, text in enumerate(TEXTS[:3]):
        memory.pipe_file(f"/corpus/doc{i:02d}.txt", text.encode("utf-8"))
    memory.pipe_file("/corpus/more.jsonl", '{"id": "r1", "text": "联合国于1945年10月24日成立。"}\n'.encode("utf-8"))
    result = runner.run_to_folder(["memory://corpus"], "memory://tables", load_options=OPTIONS, formats=["parquet"])
    assert result.summary()["documents"] == 4 and not result.errors
    import pandas as pd

    with memory.open("/tables/documents.parquet", "rb") as f:
        documents = pd.read_parquet(f)
    assert list(documents.doc_id) == ["doc00", "doc01", "doc02", "r1"]
    assert documents.path.iloc[0] in ("memory://corpus/doc00.txt", "memory:///corpus/doc00.txt")  # fsspec's spelling
    local = write_corpus(tmp_path / "in", TEXTS[:3])
    by_file_url = runner.run_to_folder([f"file://{local}"], tmp_path / "out", load_options=OPTIONS)
    assert by_file_url.summary()["documents"] == 3
    missing = runner.run_to_folder(["memory://nowhere/x.txt"], tmp_path / "out2", load_options=OPTIONS)
    assert [e.reason for e in missing.errors] == ["missing"]


def test_documents_are_counted_for_the_progress_bar(tmp_path):
    corpus = write_corpus(tmp_path / "in", TEXTS[:2])
    (corpus / "records.jsonl").write_text('{"text": "一"}\n\n{"text": "二"}\n{"text": "三"}\n', encoding="utf-8")
    (tmp_path / "in" / ".hidden").mkdir()
    (tmp_path / "in" / ".hidden" / "x.txt").write_text("不是输入", encoding="utf-8")
    assert runner.count_documents([corpus]) == 5
    assert runner.count_documents([corpus, "-"]) is None
    (corpus / "table.csv").write_text("text\n一\n", encoding="utf-8")
    assert runner.count_documents([corpus]) is None  # a CSV's records are not counted without reading it
    seen = []
    runner.run_to_folder([tmp_path / "in"], tmp_path / "out", load_options=OPTIONS,
                         progress=lambda n, doc_id, chars: seen.append((n, chars)), columns=Columns())
    assert [n for n, _ in seen] == list(range(1, 7)) and seen[-1][1] > 0
    again = []
    runner.run_to_folder([tmp_path / "in"], tmp_path / "out", load_options=OPTIONS,
                         progress=lambda n, doc_id, chars: again.append(chars))
    assert again[-1] == 0  # every document reused: no character processed


def test_cli_force_and_engine_options(tmp_path):
    corpus = write_corpus(tmp_path / "in", TEXTS[:2])
    out = tmp_path / "out"
    cli = [sys.executable, "-m", "pipeline", "run", str(corpus), "-o", str(out), "--no-model"]
    assert subprocess.run(cli, cwd=ROOT, capture_output=True, timeout=600).returncode == 0
    again = subprocess.run(cli, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "reused" in again.stderr + again.stdout
    bad = subprocess.run(cli + ["--scheduler", "tcp://127.0.0.1:1"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)
    assert bad.returncode == 2 and "--engine dask" in bad.stderr
    assert os.path.exists(out / "entities.parquet")


def test_documents_with_one_name_keep_their_own_rows_when_one_changes(tmp_path):
    corpus = tmp_path / "in"
    for folder, text in (("", TEXTS[0]), ("x", TEXTS[1]), ("y", TEXTS[2])):
        (corpus / folder).mkdir(parents=True, exist_ok=True)
    (corpus / "a-2.txt").write_text(TEXTS[0], encoding="utf-8")
    (corpus / "x" / "a.txt").write_text(TEXTS[1], encoding="utf-8")
    (corpus / "y" / "a.txt").write_text(TEXTS[2], encoding="utf-8")
    first = run(corpus, tmp_path / "out", segment_docs=3)
    ids = list(runner.read_tables(tmp_path / "out")["documents"].doc_id)
    assert len(set(ids)) == 3, ids  # a-2.txt, then x/a.txt as a, then y/a.txt not a-2 again
    (corpus / "x" / "a.txt").write_text(TEXTS[3], encoding="utf-8")
    assert first.reused == 0 and run(corpus, tmp_path / "out").reused == 2
    run(corpus, tmp_path / "fresh")
    assert table_bytes(tmp_path / "out") == table_bytes(tmp_path / "fresh")


def test_a_record_date_is_part_of_what_a_document_is(tmp_path):
    records = tmp_path / "in" / "news.jsonl"
    records.parent.mkdir()

    def write(second_date):
        records.write_text("".join(
            f'{{"id": "n{i}", "text": "今天，{t}", "date": "{second_date if i == 1 else "2020-05-01"}"}}\n'
            for i, t in enumerate(TEXTS[:3])), encoding="utf-8")

    columns = Columns(date="date")
    write("2020-05-01")
    runner.run_to_folder([records], tmp_path / "out", load_options=OPTIONS, columns=columns)
    write("2021-06-02")
    again = runner.run_to_folder([records], tmp_path / "out", load_options=OPTIONS, columns=columns)
    assert again.reused == 2
    dates = runner.read_tables(tmp_path / "out")["dates"]
    assert "2021-06-02" in set(dates[dates.doc_id == "n1"].value)


def test_an_output_folder_inside_the_input_folder_is_not_read_back(tmp_path):
    corpus = write_corpus(tmp_path / "in", TEXTS[:2])
    assert run(corpus, corpus / "out").summary()["documents"] == 2
    again = run(corpus, corpus / "out")
    assert again.summary()["documents"] == 2 and again.reused == 2 and not again.errors


def test_force_clears_what_a_killed_run_left(tmp_path):
    corpus = write_corpus(tmp_path / "in")
    proc = subprocess.run([sys.executable, "-c", KILLED_MIDWAY, str(corpus), str(tmp_path / "out")],
                          cwd=ROOT, capture_output=True, timeout=600)
    assert proc.returncode == -signal.SIGKILL
    forced = run(corpus, tmp_path / "out", force=True)
    assert forced.reused == 0
    assert len(list((tmp_path / "out" / ".zhpipe" / "runs").iterdir())) == 1


def test_a_text_that_quotes_a_web_address_is_a_text(tmp_path):
    from pipeline.remote import is_url

    assert is_url("s3://bucket/corpus/") and is_url("memory://x") and not is_url("来源：http://example.cn 报道")
    result = runner.process(["据新华网http://example.cn报道，2006年哈萨克斯坦加入上海合作组织。"])
    assert not result.errors and len(result.frames["documents"]) == 1


def test_workers_that_cannot_start_give_one_line_not_a_hang(tmp_path):
    corpus = write_corpus(tmp_path / "in", TEXTS[:2])
    bad = tmp_path / "names.csv"
    bad.write_text("name,label\n北京,NOT_A_LABEL\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(corpus), "-o", str(tmp_path / "out"),
                           "-j", "2", "--gazetteer", str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "names.csv" in proc.stderr


def test_a_scheduler_given_by_address_runs_the_documents(tmp_path):
    distributed = pytest.importorskip("distributed")
    corpus = write_corpus(tmp_path / "in", TEXTS[:3])
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(corpus), "-o", str(tmp_path / "dask"),
                               "--no-model", "--engine", "dask", "--scheduler", cluster.scheduler_address],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    run(corpus, tmp_path / "local")
    local, dask = (runner.read_tables(tmp_path / name) for name in ("local", "dask"))
    assert all(local[name].equals(dask[name]) for name in local)
