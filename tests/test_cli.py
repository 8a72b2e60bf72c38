"""The CLI run end to end, checked through the artefacts it writes (read back with the library)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline import runner
from pipeline.cli import main
from pipeline.tables import SCHEMAS

ROOT = Path(__file__).resolve().parent.parent


def zhpipe(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True,
                          input=stdin, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("in")
    shutil.copy(ROOT / "corpus" / "csto-overview.txt", folder / "good.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "simplified.txt").write_text("2006年，哈萨克斯坦在阿斯塔纳加入上海合作组织。", encoding="utf-8")
    (folder / "big5.txt").write_bytes("集體安全條約組織".encode("big5"))
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "image.txt").write_bytes(bytes(range(256)) * 8)
    return folder


@pytest.fixture(scope="module")
def run_result(mixed_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return zhpipe("run", mixed_folder, "-o", out), out


def test_bad_files_are_reported_and_the_rest_written(run_result):
    proc, out = run_result
    assert proc.returncode == 1
    assert "empty.txt: is empty" in proc.stderr
    assert "image.txt: looks binary" in proc.stderr
    assert "2 input(s) failed" in proc.stderr
    assert "Traceback" not in proc.stderr
    tables = runner.read_tables(out)
    assert sorted(tables["documents"].doc_id) == ["big5", "good", "simplified"]  # Big5 detected
    assert set(tables["entities"].doc_id) == {"big5", "good", "simplified"}
    errors = tables["errors"].sort_values("path")
    assert [Path(p).name for p in errors.path] == ["empty.txt", "image.txt"]
    assert list(errors.reason) == ["empty", "binary"]


def test_every_table_has_its_schema_and_true_offsets(run_result, mixed_folder):
    _, out = run_result
    tables = runner.read_tables(out)
    assert set(tables) == set(SCHEMAS)
    texts = {"good": (mixed_folder / "good.txt").read_text(encoding="utf-8"),
             "simplified": (mixed_folder / "sub" / "simplified.txt").read_text(encoding="utf-8"),
             "big5": (mixed_folder / "big5.txt").read_bytes().decode("big5")}
    for name in ("sentences", "tokens", "entities", "dates", "numbers"):
        frame = tables[name]
        assert list(frame.columns) == [c for c, _ in SCHEMAS[name]]
        for row in frame.itertuples():
            assert texts[row.doc_id][row.start:row.end] == row.text
    csv = pd.read_csv(out / "entities.csv")
    assert len(csv) == len(tables["entities"])
    assert not list(out.glob(".*.tmp")), "temporary files left behind"


def test_entity_ids_are_unique_per_document(run_result):
    _, out = run_result
    entities = runner.read_tables(out)["entities"]
    assert not entities.duplicated(["doc_id", "id"]).any()


def test_encoding_option_forces_one(mixed_folder, tmp_path):
    proc = zhpipe("run", mixed_folder / "big5.txt", "--encoding", "big5", "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    tables = runner.read_tables(tmp_path)
    assert list(tables["entities"].text) == ["集體安全條約組織"]
    assert list(tables["documents"].encoding) == ["big5"]
    proc = zhpipe("run", mixed_folder / "big5.txt", "--encoding", "utf-8", "-o", tmp_path / "u")
    assert proc.returncode == 1 and "big5.txt: is not valid utf-8" in proc.stderr


def test_stdin(tmp_path):
    proc = zhpipe("run", "-", "-o", tmp_path, stdin="北約秘書長訪問莫斯科。")
    assert proc.returncode == 0, proc.stderr
    entities = runner.read_tables(tmp_path)["entities"]
    assert set(entities.text) >= {"北約", "莫斯科"}


def test_missing_path_is_one_line_error(tmp_path):
    proc = zhpipe("run", tmp_path / "nope.txt", "-o", tmp_path / "o")
    assert proc.returncode == 1
    assert "nope.txt: no such file" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_gazetteer_is_a_usage_error(tmp_path):
    bad = tmp_path / "g.csv"
    bad.write_text("name,label\nX,NOPE\n", encoding="utf-8")
    assert main(["run", "--gazetteer", str(bad), str(ROOT / "corpus" / "csto-overview.txt"), "-o", str(tmp_path)]) == 2


def test_failed_write_leaves_previous_table_intact(tmp_path):
    frames = runner.process(["北約秘書長訪問莫斯科。"]).frames
    runner.write_tables(frames, tmp_path, formats=["csv"])
    before = (tmp_path / "entities.csv").read_text(encoding="utf-8")

    class Boom(Exception):
        pass

    def explode(tmp):
        Path(tmp).write_text("partial", encoding="utf-8")
        raise Boom

    with pytest.raises(Boom):
        runner._atomic_write(tmp_path / "entities.csv", explode)
    assert (tmp_path / "entities.csv").read_text(encoding="utf-8") == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_extract_api_returns_dataframes():
    import pipeline

    tables = pipeline.extract(["北約與歐盟在布魯塞爾會談。"])
    assert set(tables["entities"].canonical) >= {"北大西洋公约组织", "欧洲联盟", "布鲁塞尔"}


def test_mistyped_folder_is_an_error_not_a_document(tmp_path):
    proc = zhpipe("run", "corpuss", "-o", tmp_path)
    assert proc.returncode == 1 and "corpuss: no such file" in proc.stderr
    assert not (tmp_path / "documents.csv").exists()


def test_a_run_replaces_every_table_of_the_previous_one(tmp_path):
    one, two = tmp_path / "one.txt", tmp_path / "001.txt"
    one.write_text("北約秘書長訪問莫斯科。", encoding="utf-8")
    two.write_text("歐盟在布魯塞爾開會。", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(one), "-o", str(out)]) == 0
    assert main(["run", str(two), "-o", str(out), "--format", "csv"]) == 0
    assert not (out / "documents.parquet").exists()  # no stale Parquet beside the new CSV
    assert list(runner.read_tables(out)["documents"].doc_id) == ["001"]  # read back as text
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".zhpipe"]
    assert len(list((out / ".zhpipe" / "runs").iterdir())) == 1  # the previous run's folder is gone


def test_output_that_is_a_file_and_bad_doc_date_are_usage_errors(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    text = ROOT / "corpus" / "csto-overview.txt"
    assert main(["run", str(text), "-o", str(afile)]) == 2
    with pytest.raises(SystemExit) as info:
        main(["run", str(text), "--doc-date", "2024-13-45"])
    assert info.value.code == 2


def test_stdin_is_decoded_like_a_file(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", "-", "-o", str(tmp_path), "--encoding", "big5"],
                          input="集體安全條約組織".encode("big5"), capture_output=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    assert list(runner.read_tables(tmp_path)["entities"].text) == ["集體安全條約組織"]
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", "-", "-o", str(tmp_path)],
                          input="\ufeff北約".encode("utf-8"), capture_output=True, cwd=ROOT, timeout=300)
    assert not runner.read_tables(tmp_path)["sentences"].text.iloc[0].startswith("\ufeff")


def test_eval_on_an_empty_gold_folder_is_an_error(tmp_path):
    assert main(["eval", "--gold", str(tmp_path), "-o", str(tmp_path / "e")]) == 2
