"""Writing a run's tables: in parts as documents come, and switched in all together.

Layout of an output folder ``OUT`` (what a reader opens is ``OUT/<table>.parquet`` / ``.csv``)::

    OUT/entities.parquet  ->  .zhpipe/current/entities.parquet      (links made once)
    OUT/.zhpipe/current   ->  runs/<run id>                         (switched by one rename)
    OUT/.zhpipe/runs/<run id>/entities.parquet, ..., run.json

A run writes every table into its own folder under ``runs/`` — Parquet row groups and CSV lines
appended as rows arrive, so nothing holds the whole corpus — and only when all are complete
replaces the ``current`` link with one ``rename``: a reader sees the previous run's tables or
this run's, never a mix, whenever the run is killed. The previous run's folder is removed after
the switch; folders of runs that died are removed by the next run. Where the file system has no
symbolic links, tables are moved in one by one (each file whole, the set not).
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path

from . import tables

FORMATS = ("parquet", "csv")
STATE = ".zhpipe"
FLUSH_ROWS = 20000  # rows of a table buffered before they are written as one part


class OutputError(ValueError):
    pass


class TableSink:
    """Rows in (``add``), tables out (``commit``); ``abort`` leaves the folder as it was."""

    def __init__(self, out_dir: str | Path, formats=FORMATS, flush_rows: int = FLUSH_ROWS):
        self.out = Path(out_dir)
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(f"{self.out}: is a file, not a folder; pass a folder to -o")
        self.formats = [f for f in FORMATS if f in formats]
        if not self.formats:
            raise OutputError(f"no table format among {list(formats)}; choose parquet and/or csv")
        self.flush_rows = flush_rows
        self.state = self.out / STATE
        (self.state / "runs").mkdir(parents=True, exist_ok=True)
        remove_stale_runs(self.out)
        self.run_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.run_dir = self.state / "runs" / self.run_id
        self.run_dir.mkdir()
        self.buffers: dict[str, list[dict]] = {name: [] for name in tables.TABLES}
        self.counts: dict[str, int] = {name: 0 for name in tables.TABLES}
        self._parquet: dict = {}
        self._csv: dict = {}
        self.closed = False

    def add(self, rows: dict[str, list[dict]]) -> None:
        for name, part in rows.items():
            if part:
                self.buffers[name].extend(part)
                if len(self.buffers[name]) >= self.flush_rows:
                    self._flush(name)

    def _flush(self, name: str) -> None:
        rows = self.buffers[name]
        self.buffers[name] = []
        self.counts[name] += len(rows)
        frame = tables.frame(name, rows)
        if "parquet" in self.formats:
            import pyarrow as pa
            import pyarrow.parquet as pq

            writer = self._parquet.get(name)
            if writer is None:
                writer = self._parquet[name] = pq.ParquetWriter(self.run_dir / f"{name}.parquet",
                                                                _with_pandas_metadata(name))
            writer.write_table(pa.Table.from_pandas(frame, schema=writer.schema, preserve_index=False))
        if "csv" in self.formats:
            handle = self._csv.get(name)
            first = handle is None
            if first:
                handle = self._csv[name] = open(self.run_dir / f"{name}.csv", "w", encoding="utf-8", newline="")
            frame.to_csv(handle, index=False, header=first, lineterminator="\n")

    def commit(self, summary: dict | None = None) -> list[Path]:
        """Finish every table and switch them in; returns the paths a reader opens."""
        for name in tables.TABLES:
            if self.buffers[name] or name not in self._parquet and name not in self._csv:
                self._flush(name)  # also writes a table with no rows: its columns still say what it is
        self._close()
        (self.run_dir / "run.json").write_text(json.dumps(
            {"run_id": self.run_id, "formats": self.formats, "rows": self.counts, "summary": summary or {}},
            ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        return switch_in(self.out, self.run_dir, self.formats)

    def abort(self) -> None:
        self._close()
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def _close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for writer in self._parquet.values():
            writer.close()
        for handle in self._csv.values():
            handle.close()

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            self.abort()
        return False


def _with_pandas_metadata(name: str):
    """The table's schema with the pandas metadata pandas itself would write (string columns read
    back as pandas strings, not objects)."""
    import pyarrow as pa

    empty = tables.frame(name, [])
    return pa.Table.from_pandas(empty, schema=tables.arrow_schema(name), preserve_index=False).schema


def switch_in(out: Path, run_dir: Path, formats) -> list[Path]:
    state = out / STATE
    current = state / "current"
    previous = _target(current)
    try:
        _migrate_plain_files(out)
        new_link = state / f"current.new-{os.getpid()}"
        if new_link.is_symlink() or new_link.exists():
            new_link.unlink()
        os.symlink(Path("runs") / run_dir.name, new_link)
        os.replace(new_link, current)  # the switch: one rename
    except (OSError, NotImplementedError):
        return _move_in_one_by_one(out, run_dir, formats)
    paths = []
    for name in tables.TABLES:
        for fmt in FORMATS:
            link = out / f"{name}.{fmt}"
            if fmt in formats:
                if not link.is_symlink():
                    os.symlink(Path(STATE) / "current" / link.name, link)
                paths.append(link)
            elif link.is_symlink():
                link.unlink()  # this run has no such file: no link to nothing
    if previous is not None and previous.name != run_dir.name:
        shutil.rmtree(state / "runs" / previous.name, ignore_errors=True)
    return paths


def _target(link: Path) -> Path | None:
    try:
        return Path(os.readlink(link))
    except OSError:
        return None


def _migrate_plain_files(out: Path) -> None:
    """Tables written by an older zhpipe as plain files become links to a run folder of their
    own, one at a time: each name is the old file, briefly absent, or a link to the same file."""
    plain = [out / f"{name}.{fmt}" for name in tables.TABLES for fmt in FORMATS
             if (out / f"{name}.{fmt}").is_file() and not (out / f"{name}.{fmt}").is_symlink()]
    if not plain:
        return
    state = out / STATE
    current = state / "current"
    if _target(current) is None:
        legacy = state / "runs" / f"earlier-{uuid.uuid4().hex[:8]}"
        legacy.mkdir(parents=True)
        os.symlink(Path("runs") / legacy.name, current)
    folder = state / "runs" / _target(current).name
    for path in plain:
        os.replace(path, folder / path.name)
        os.symlink(Path(STATE) / "current" / path.name, path)


def _move_in_one_by_one(out: Path, run_dir: Path, formats) -> list[Path]:
    paths = []
    for name in tables.TABLES:
        for fmt in FORMATS:
            target = out / f"{name}.{fmt}"
            if fmt in formats:
                os.replace(run_dir / target.name, target)
                paths.append(target)
            elif target.exists():
                target.unlink()
    shutil.rmtree(run_dir, ignore_errors=True)
    return paths


def remove_stale_runs(out: Path) -> list[Path]:
    """Run folders no link points to whose process is gone, half-made links, and the staging
    folders of older zhpipe versions (``.zhpipe-*``): what killed runs leave behind."""
    state = out / STATE
    live = _target(state / "current")
    removed = []
    for folder in sorted((state / "runs").glob("*")) if (state / "runs").is_dir() else []:
        if live is not None and folder.name == live.name:
            continue
        if _process_alive(folder.name):
            continue  # another run writing into the same folder right now
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    for link in state.glob("current.new-*"):
        link.unlink()
        removed.append(link)
    for folder in out.glob(".zhpipe-*"):
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _process_alive(run_id: str) -> bool:
    parts = run_id.split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
