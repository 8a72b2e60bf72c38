"""Reading a run's tables back: ``zhpipe show`` (one table, filtered, in the terminal) and
``zhpipe query`` (SQL over every table through DuckDB).

Both read the folder ``zhpipe run`` wrote. A table missing from it (an older run, a stage that
wrote nothing) is an empty table with its declared schema, so queries written today keep working
when the table fills. Problems are one-line ``ValueError``/``FileNotFoundError`` messages.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from . import tables as tables_module

# show: the column each filter applies to.
FILTERS = {"label": "label", "type_": "type"}


def load_tables(from_dir) -> dict[str, pd.DataFrame]:
    """Every declared table of a run; a table the folder lacks is empty with its schema."""
    from .runner import read_tables

    folder = Path(from_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder; write the tables first with "
                                f"`zhpipe run corpus/ -o {folder}`")
    found = read_tables(folder)
    if not found:
        raise FileNotFoundError(f"{folder}: no tables in it (expected documents.parquet or documents.csv, …); "
                                f"write them with `zhpipe run corpus/ -o {folder}`")
    empty = tables_module.frames({})
    return {name: found.get(name, empty[name]) for name in tables_module.TABLES}


def show(table: str, from_dir, doc: str | None = None, label: str | None = None, type_: str | None = None,
         limit: int | None = 50) -> pd.DataFrame:
    """Rows of one table, filtered by document, ``label`` and ``type``; at most ``limit`` (0: all).

    ``relations`` gets an ``args`` column (``role=text`` pairs from ``relation_args``) so a
    relation reads on one line. ``frame.attrs["total"]`` is the row count before ``limit``.
    """
    if table not in tables_module.SCHEMAS:
        raise ValueError(f"no table {table!r}; tables: {', '.join(tables_module.TABLES)}")
    if limit is not None and limit < 0:
        raise ValueError(f"--limit {limit}: give a number of rows, or 0 for all")
    frames = load_tables(from_dir)
    frame = frames[table]
    if doc is not None:
        known = frames["documents"]["doc_id"]
        if not (known == doc).any():
            listed = ", ".join(known.head(10)) + (", …" if len(known) > 10 else "")
            raise ValueError(f"no document {doc!r} in {from_dir} (documents: {listed or 'none'})")
        frame = frame[frame["doc_id"] == doc]
    for option, value in (("label", label), ("type_", type_)):
        if value is None:
            continue
        column = FILTERS[option]
        if column not in frame.columns:
            having = [name for name, cols in tables_module.SCHEMAS.items() if column in dict(cols)]
            raise ValueError(f"table {table} has no {column} column; --{column} works on {', '.join(having)}")
        frame = frame[frame[column].str.casefold() == value.casefold()]
    if table == "relations":
        frame = frame.assign(args=_relation_args(frame, frames["relation_args"]))
    total = len(frame)
    if limit:
        frame = frame.head(limit)
    frame = frame.reset_index(drop=True)
    frame.attrs["total"] = total
    return frame


def _relation_args(relations: pd.DataFrame, args: pd.DataFrame) -> list[str]:
    described: dict[tuple, list[str]] = {}
    for row in args.itertuples(index=False):
        shown = row.text if not pd.isna(row.text) else row.value
        extra = row.canonical if not pd.isna(row.canonical) and row.canonical != row.text else None
        extra = extra or (row.value if not pd.isna(row.value) and row.value != shown else None)
        item = f"{row.role}={'' if pd.isna(shown) else shown}" + (f" ({extra})" if extra else "")
        described.setdefault((row.doc_id, row.rel_id), []).append(item)
    return ["; ".join(described.get((r.doc_id, r.rel_id), [])) for r in relations.itertuples(index=False)]


def run_sql(sql: str, from_dir) -> pd.DataFrame:
    """The result of ``sql`` with every table of the run as a view (an empty frame for statements
    that return nothing). Parquet tables are read by DuckDB where they lie, so a query reads only
    the tables and columns it uses; CSV-only and missing tables come in through pandas."""
    import duckdb

    folder = Path(from_dir)
    from_pandas = [name for name in tables_module.TABLES if not (folder / f"{name}.parquet").is_file()]
    frames = load_tables(folder) if from_pandas else None
    connection = duckdb.connect()
    try:
        for name in tables_module.TABLES:
            if name in from_pandas:
                connection.register(name, frames[name])
            else:
                path = str((folder / f"{name}.parquet").resolve()).replace("'", "''")
                connection.execute(f"create view {name} as select * from read_parquet('{path}')")
        try:
            relation = connection.sql(sql)
            return relation.df() if relation is not None else pd.DataFrame()
        except duckdb.Error as exc:
            raise ValueError(_one_line(exc)) from None
    finally:
        connection.close()


def _one_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines()]
    # DuckDB points at the error with "LINE 1: …" and a caret line; the message says enough.
    kept = [line for line in lines if line and not line.startswith("LINE ") and set(line) != {"^"}]
    message = " ".join(kept) or type(exc).__name__
    if "Catalog Error" in message:
        message += f" (tables: {', '.join(tables_module.TABLES)})"
    return f"SQL: {message}"


# Free text folds inside its column; everything else (ids, offsets, labels) stays on one line.
TEXT_COLUMNS = {"text", "evidence", "canonical", "args", "path", "norm", "value", "sha256"}


def print_frame(frame: pd.DataFrame, title: str | None = None, file=None, compact: bool = True) -> None:
    """A rich table; East Asian wide characters keep their columns aligned.

    ``compact`` moves columns that say nothing row by row (empty everywhere, or one value in
    every row) into the caption, so the rest fits a terminal. In a terminal the table fits its
    width; piped, it is not wrapped at 80 columns (``COLUMNS`` still sets the width when given).
    """
    import os

    from rich import box
    from rich.console import Console
    from rich.table import Table

    out = file or sys.stdout
    console = Console(file=out)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console = Console(file=out, width=240)
    total = frame.attrs.get("total", len(frame))
    notes = [f"{len(frame)} of {total} rows" if total != len(frame) else f"{len(frame)} rows"]
    if compact and len(frame) > 1:
        empty = [c for c in frame.columns if frame[c].isna().all()]
        constant = [c for c in frame.columns if c not in empty and frame[c].nunique(dropna=False) == 1]
        notes += [f"{c} = {_cell(frame[c].iloc[0])}" for c in constant]
        notes += [f"empty: {', '.join(map(str, empty))}"] if empty else []
        frame = frame.drop(columns=empty + constant)
    table = Table(title=title, caption="; ".join(notes), box=box.SIMPLE_HEAD, header_style="bold",
                  title_justify="left", caption_justify="left")
    for column in frame.columns:
        numeric = (pd.api.types.is_numeric_dtype(frame[column].dtype)
                   and not pd.api.types.is_bool_dtype(frame[column].dtype))
        free = column in TEXT_COLUMNS or frame[column].dtype == object and not numeric
        table.add_column(str(column), justify="right" if numeric else "left", overflow="fold",
                         min_width=max(8, len(str(column))) if free else len(str(column)))
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(value) for value in row))
    console.print(table)


def _cell(value) -> str:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.6g}"
    from rich.markup import escape

    return escape(str(value))


def emit(frame: pd.DataFrame, fmt: str = "table", file=None) -> None:
    """Write a result as a rich table, CSV, or a JSON array of row objects."""
    out = file or sys.stdout
    if fmt == "table":
        print_frame(frame, file=out, compact=False)
    elif fmt == "csv":
        frame.to_csv(out, index=False)
    elif fmt == "json":
        out.write(frame.to_json(orient="records", force_ascii=False, date_format="iso") + "\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; use table, csv or json")
