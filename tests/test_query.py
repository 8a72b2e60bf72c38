"""``zhpipe show`` and ``zhpipe query`` on the tables of a real run."""
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from rich.cells import cell_len

from pipeline import cli, query, tables
from pipeline.runner import process, read_tables, write_tables

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["csto-overview", "hk-port-agreement"]


@pytest.fixture(scope="session")
def run_dir(nlp, tmp_path_factory):
    """Tables of a real run over two corpus documents (Parquet and CSV)."""
    out = tmp_path_factory.mktemp("run")
    result = process([str(ROOT / "corpus" / f"{d}.txt") for d in DOCS], nlp=nlp)
    assert not result.errors
    write_tables(result.frames, out)
    return out


@pytest.fixture(scope="session")
def frames(run_dir):
    return read_tables(run_dir)


# --- show ---------------------------------------------------------------------------------------

def test_show_filters_by_document_and_label(run_dir, frames):
    shown = query.show("entities", run_dir, doc="csto-overview", label="gpe", limit=0)
    entities = frames["entities"]
    expected = entities[(entities.doc_id == "csto-overview") & (entities.label == "GPE")]
    assert len(shown) == len(expected) > 0
    assert shown["id"].tolist() == expected["id"].tolist()
    assert shown.attrs["total"] == len(expected)


def test_show_limit_keeps_the_total(run_dir, frames):
    shown = query.show("tokens", run_dir, limit=7)
    assert len(shown) == 7
    assert shown.attrs["total"] == len(frames["tokens"])


def test_show_type_filter_on_dates(run_dir, frames):
    shown = query.show("dates", run_dir, type_="DATE", limit=0)
    assert set(shown["type"]) <= {"DATE"}
    assert len(shown) == int((frames["dates"]["type"] == "DATE").sum())


def test_show_relations_reads_its_arguments(run_dir, frames):
    shown = query.show("relations", run_dir, limit=0)
    assert "args" in shown.columns and len(shown) == len(frames["relations"])
    args = frames["relation_args"]
    for row in shown.itertuples():
        roles = args[(args.doc_id == row.doc_id) & (args.rel_id == row.rel_id)]["role"]
        assert all(f"{role}=" in row.args for role in roles)


@pytest.mark.parametrize("call, message", [
    (lambda d: query.show("entitys", d), "no table 'entitys'; tables: documents"),
    (lambda d: query.show("entities", d, doc="nope"), "no document 'nope'"),
    (lambda d: query.show("relation_args", d, label="ORG"), "has no label column; --label works on entities, numbers"),
    (lambda d: query.show("entities", d, type_="DATE"), "has no type column"),
    (lambda d: query.show("entities", d, limit=-1), "--limit -1: give a number of rows, or 0 for all"),
])
def test_show_refuses_with_one_line(run_dir, call, message):
    with pytest.raises(ValueError) as error:
        call(run_dir)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder; write the tables first with `zhpipe run"):
        query.show("entities", tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match="no tables in it"):
        query.run_sql("select 1", tmp_path)


def test_print_frame_aligns_wide_characters(run_dir):
    frame = query.show("entities", run_dir, doc="csto-overview", limit=12)
    out = io.StringIO()
    query.print_frame(frame, title="entities", file=out)
    lines = out.getvalue().splitlines()
    rows = [line for line in lines if any("\u4e00" <= ch <= "\u9fff" for ch in line)]
    assert len(rows) >= 12
    # Every row is as wide on screen as every other, though Chinese takes two cells a character.
    assert len({cell_len(line) for line in rows}) == 1
    assert any(cell_len(line) > len(line) for line in rows)
    # Columns that say the same in every row move to the caption.
    assert "doc_id = csto-overview" in out.getvalue()
    assert "12 of" in out.getvalue()


# --- query ----------------------------------------------------------------------------------------

def test_sql_joins_tables(run_dir, frames):
    result = query.run_sql(
        "select e.doc_id, s.sentence_id, count(*) as n from entities e "
        "join sentences s on e.doc_id = s.doc_id and e.start >= s.start and e.end <= s.end "
        "group by all order by n desc, e.doc_id, s.sentence_id", run_dir)
    assert result["n"].sum() == len(frames["entities"])
    per_doc = result.groupby("doc_id")["n"].sum().to_dict()
    assert per_doc == frames["entities"].groupby("doc_id").size().to_dict()


def test_sql_relation_arguments_with_their_dates(run_dir, frames):
    result = query.run_sql(
        "select a.canonical, r.type, d.value from relation_args a join relations r using (doc_id, rel_id) "
        "left join relation_args d on d.doc_id = a.doc_id and d.rel_id = a.rel_id and d.role = 'date' "
        "where a.role in ('agent', 'member', 'org')", run_dir)
    assert list(result.columns) == ["canonical", "type", "value"]
    args = frames["relation_args"]
    assert len(result) >= int(args["role"].isin(["agent", "member", "org"]).sum())


def test_sql_sees_a_missing_table_as_empty(run_dir, tmp_path):
    for path in [*run_dir.glob("*.parquet"), *run_dir.glob("*.csv")]:
        if not path.name.startswith("numbers."):
            shutil.copy(path, tmp_path / path.name)
    result = query.run_sql("select label, count(*) as n from numbers group by label", tmp_path)
    assert result.empty and list(result.columns) == ["label", "n"]
    described = query.run_sql("describe numbers", tmp_path)
    assert described["column_name"].tolist() == [c for c, _ in tables.SCHEMAS["numbers"]]


def test_sql_reads_csv_only_runs(run_dir, tmp_path, frames):
    for path in run_dir.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    result = query.run_sql("select count(*) as n from tokens", tmp_path)
    assert int(result["n"].iloc[0]) == len(frames["tokens"])


@pytest.mark.parametrize("sql, message", [
    ("selec * from entities", "SQL: Parser Error: syntax error at or near \"selec\""),
    ("select * from entitys", "Table with name entitys does not exist"),
    ("select nope from entities", "Binder Error"),
])
def test_bad_sql_is_one_line(run_dir, sql, message):
    with pytest.raises(ValueError) as error:
        query.run_sql(sql, run_dir)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_emit_formats(run_dir):
    frame = query.run_sql("select doc_id, id, text, label from entities order by doc_id, start limit 5", run_dir)
    csv, js, table = io.StringIO(), io.StringIO(), io.StringIO()
    query.emit(frame, "csv", file=csv)
    query.emit(frame, "json", file=js)
    query.emit(frame, "table", file=table)
    assert pd.read_csv(io.StringIO(csv.getvalue()))["text"].tolist() == frame["text"].tolist()
    assert [r["text"] for r in json.loads(js.getvalue())] == frame["text"].tolist()
    assert all(text in table.getvalue() for text in frame["text"])
    assert "doc_id" in table.getvalue()  # a query's columns are all shown, even constant ones


# --- through the command line ----------------------------------------------------------------------

def test_cli_show_and_query(run_dir, capsys):
    assert cli.main(["show", "entities", "--from", str(run_dir), "--doc", "csto-overview", "--label", "GPE",
                     "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "GPE" in out and "3 of" in out
    assert cli.main(["query", "select count(*) as n from documents", "--from", str(run_dir), "--format",
                     "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": len(DOCS)}]


def test_cli_errors_exit_2_without_traceback(run_dir, tmp_path, capsys):
    assert cli.main(["query", "selec 1", "--from", str(run_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zhpipe query: SQL: Parser Error") and err.count("\n") == 1
    assert cli.main(["show", "entities", "--from", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert "no such folder" in err and "Traceback" not in err
