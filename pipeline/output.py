"""Writing a run's tables: in parts as documents come, and switched in all together.

Layout of an output folder ``OUT`` (what a reader opens is ``OUT/<table>.parquet`` / ``.csv``)::

    OUT/entities.parquet  ->  .zhpipe/current/entities.parquet      (links made once)
    OUT/.zhpipe/current   ->  runs/<run id>                         (switched by one rename)
    OUT/.zhpipe/runs/<run id>/entities.parquet, ..., run.json
    OUT/.zhpipe/runs/<run id>/parts/<table>/<seq>.parquet, journal.jsonl, settings.json

A run writes its rows into its own folder under ``runs/`` — segments of whole documents, one
small Parquet file per table, written as rows arrive, so nothing holds the whole corpus — then
joins each table's segments into one file per format, and only then replaces the ``current``
link with one ``rename``: a reader sees the previous run's tables or this run's, never a mix,
whenever the run is killed. The segments stay, with the journal that names their documents
(``incremental``): the next run reuses the rows of unchanged documents, and one that follows a
killed run resumes it. The previous run's folder is removed after the switch; folders of runs
that died are removed by the next run once it no longer needs them. Where the file system has
no symbolic links, tables are moved in one by one (each file whole, the set not).
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from functools import lru_cache
from pathlib import Path

from . import incremental, tables

FORMATS = ("parquet", "csv")
STATE = ".zhpipe"
FLUSH_ROWS = 20000    # rows of a table buffered before they are written (and a segment closed)
SEGMENT_DOCS = 200    # documents in a segment at most: what a kill can cost, and the files a run makes
SEGMENT_SECONDS = 30  # and seconds of work


class OutputError(ValueError):
    pass


class TableSink:
    """Rows in (``add``, then ``document_done`` for each document, or ``reuse`` for one an
    earlier run did), tables out (``commit``); ``abort`` leaves the folder as it was.

    Rows go into segments (``incremental``): a segment is closed, and named in the run's journal,
    after ``segment_docs`` documents, ``flush_rows`` rows of a table or ``segment_seconds``,
    always between documents. ``commit`` joins the segments into one file per table and format.
    ``settings`` (what changes rows) decide which earlier segments may be reused; ``reuse=False``
    reuses none."""

    def __init__(self, out_dir: str | Path, formats=FORMATS, flush_rows: int = FLUSH_ROWS,
                 settings: dict | None = None, reuse: bool = True, segment_docs: int = SEGMENT_DOCS,
                 segment_seconds: float = SEGMENT_SECONDS):
        self.out = Path(out_dir)
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(f"{self.out}: is a file, not a folder; pass a folder to -o")
        self.formats = [f for f in FORMATS if f in formats]
        if not self.formats:
            raise OutputError(f"no table format among {list(formats)}; choose parquet and/or csv")
        self.flush_rows, self.segment_docs, self.segment_seconds = flush_rows, segment_docs, segment_seconds
        self.state = self.out / STATE
        (self.state / "runs").mkdir(parents=True, exist_ok=True)
        self.fingerprint = incremental.fingerprint(settings or {})
        # A dead run with these settings stays, to resume from, unless nothing is to be reused.
        remove_stale_runs(self.out, keep=self.fingerprint if reuse else None)
        self.prior = incremental.PriorRuns.read(_readable_runs(self.out), self.fingerprint) if reuse \
            else incremental.PriorRuns()
        self.run_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.run_dir = self.state / "runs" / self.run_id
        self.run_dir.mkdir()
        incremental.write_settings(self.run_dir, self.fingerprint, settings or {})
        self._journal = open(self.run_dir / incremental.JOURNAL, "a", encoding="utf-8")
        self.segments: list[int] = []         # complete segments, in order
        self.seq = 0                          # the open segment
        self.buffers: dict[str, list[dict]] = {name: [] for name in tables.TABLES}
        self._writers: dict = {}              # the open segment's Parquet writers
        self._segment_rows: dict[str, int] = {}
        self._segment_docs: list[tuple] = []  # (key, tally, rows by table) of its documents
        self._doc_rows: dict[str, int] = {}   # rows of each table added since the last document
        self._segment_started = time.monotonic()
        self._reused: list[incremental.PriorDocument] = []   # waiting to be joined into segments
        self.errors: list[dict] = []
        self.counts: dict[str, int] = {name: 0 for name in tables.TABLES}
        self.closed = False

    def add(self, rows: dict[str, list[dict]]) -> None:
        self._reuse_waiting()
        for name, part in rows.items():
            if not part:
                continue
            if name == "errors":  # about this run's inputs: never kept for a later run
                self.errors.extend(part)
                continue
            self.buffers[name].extend(part)
            self._doc_rows[name] = self._doc_rows.get(name, 0) + len(part)
            if len(self.buffers[name]) >= self.flush_rows:
                self._write(name)

    def document_done(self, key: tuple, tally: dict) -> None:
        """The rows added since the last document are all of document ``key``."""
        self._segment_docs.append((key, tally, self._doc_rows))
        self._doc_rows = {}
        if (len(self._segment_docs) >= self.segment_docs
                or time.monotonic() - self._segment_started >= self.segment_seconds
                or any(n + len(self.buffers[t]) >= self.flush_rows for t, n in self._segment_rows.items())):
            self._close_segment()

    def reuse(self, document: incremental.PriorDocument) -> None:
        """Take an earlier run's rows of one document instead of processing it again."""
        self._reused.append(document)

    def _write(self, name: str) -> None:
        rows = self.buffers[name]
        self.buffers[name] = []
        if not rows:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        writer = self._writers.get(name)
        if writer is None:
            path = incremental.part_path(self.run_dir, name, self.seq)
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = self._writers[name] = pq.ParquetWriter(path, _with_pandas_metadata(name))
        writer.write_table(pa.Table.from_pandas(tables.frame(name, rows), schema=writer.schema, preserve_index=False))
        self._segment_rows[name] = self._segment_rows.get(name, 0) + len(rows)

    def _close_segment(self) -> None:
        for name in tables.TABLES:
            self._write(name)
        if not self._writers and not self._segment_docs:
            return
        for name, writer in self._writers.items():
            writer.close()
            _fsync(incremental.part_path(self.run_dir, name, self.seq))  # on disk before the journal names it
        self._segment_complete(sorted(self._writers), self._segment_docs)

    def _segment_complete(self, tables_written: list[str], docs: list[tuple]) -> None:
        """Name the open segment, whose files are on disk, in the journal; the next one opens."""
        self._journal.write(incremental.journal_line(self.seq, tables_written, docs))
        self._journal.flush()
        os.fsync(self._journal.fileno())
        self.segments.append(self.seq)
        self.seq += 1
        self._writers, self._segment_rows, self._segment_docs, self._doc_rows = {}, {}, [], {}
        self._segment_started = time.monotonic()

    def _reuse_waiting(self) -> None:
        """Reused documents become segments of this run: a whole earlier segment by a link to
        its files, a run of documents in one by the slice of its rows they own."""
        if not self._reused:
            return
        self._close_segment()
        waiting, self._reused = self._reused, []
        group = [waiting[0]]
        for document in waiting[1:]:
            last = group[-1]
            if document.segment is last.segment and document.index == last.index + 1:
                group.append(document)
            else:
                self._reuse_group(group)
                group = [document]
        self._reuse_group(group)

    def _reuse_group(self, group: list[incremental.PriorDocument]) -> None:
        import pyarrow.parquet as pq

        segment = group[0].segment
        whole = len(group) == len(segment.docs)
        first, last = group[0].index, group[-1].index + 1
        written = []
        for name in segment.tables:
            target = incremental.part_path(self.run_dir, name, self.seq)
            if whole:
                incremental.link_or_copy(segment.file(name), target)
                written.append(name)
                continue
            # The documents' rows are consecutive in the file: their slice, by the counts the
            # journal keeps (not by doc_id, which a caller's documents need not keep unique).
            offset = sum(segment.rows[i].get(name, 0) for i in range(first))
            length = sum(segment.rows[i].get(name, 0) for i in range(first, last))
            if length:
                target.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(pq.read_table(segment.file(name)).slice(offset, length), target)
                _fsync(target)
                written.append(name)
        self._segment_complete(sorted(written), [(segment.docs[d.index], d.tally, d.rows) for d in group])

    def commit(self, summary: dict | None = None) -> list[Path]:
        """Finish every table and switch them in; returns the paths a reader opens."""
        self._reuse_waiting()
        self._close_segment()
        self._close()
        for name in tables.TABLES:
            self.counts[name] = _join_segments(self.run_dir, name, self.segments, self.formats,
                                               self.errors if name == "errors" else None)
        (self.run_dir / "run.json").write_text(json.dumps(
            {"run_id": self.run_id, "formats": self.formats, "rows": self.counts, "summary": summary or {}},
            ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        paths = switch_in(self.out, self.run_dir, self.formats)
        for folder in self.prior.folders:  # what this run took from them is linked or copied here
            if folder.name != self.run_dir.name:
                shutil.rmtree(folder, ignore_errors=True)
        return paths

    def abort(self) -> None:
        """Leave the folder as it was: this run's folder goes."""
        self._close()
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def suspend(self) -> None:
        """Stop without switching in, keeping the complete segments for the next run to resume
        from; the open segment's files, named in no journal line, go."""
        self._close()
        for name in tables.TABLES:
            incremental.part_path(self.run_dir, name, self.seq).unlink(missing_ok=True)

    def _close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for writer in self._writers.values():
            writer.close()
        self._journal.close()

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            self.suspend()
        return False


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _join_segments(run_dir: Path, name: str, segments: list[int], formats, extra_rows=None) -> int:
    """A table's segments, in order, as one ``<name>.parquet`` and/or ``<name>.csv``; returns
    its rows. Row groups of about FLUSH_ROWS rows: only that much is held at once."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _with_pandas_metadata(name)
    parquet = pq.ParquetWriter(run_dir / f"{name}.parquet", schema) if "parquet" in formats else None
    csv = open(run_dir / f"{name}.csv", "w", encoding="utf-8", newline="") if "csv" in formats else None
    count, header = 0, True
    try:
        def write(batch: list) -> None:
            nonlocal count, header
            part = pa.concat_tables(batch) if batch else pa.Table.from_pandas(tables.frame(name, []), schema=schema,
                                                                              preserve_index=False)
            count += part.num_rows
            if parquet:
                parquet.write_table(part.cast(schema))
            if csv:
                frame = part.to_pandas().astype(dict(tables.SCHEMAS[name]))
                frame.to_csv(csv, index=False, header=header, lineterminator="\n")
                header = False

        batch, held = [], 0
        for seq in segments:
            path = incremental.part_path(run_dir, name, seq)
            if path.exists():
                part = pq.read_table(path)
                batch.append(part)
                held += part.num_rows
                if held >= FLUSH_ROWS:
                    write(batch)
                    batch, held = [], 0
        if extra_rows:
            batch.append(pa.Table.from_pandas(tables.frame(name, extra_rows), schema=schema, preserve_index=False))
        if batch or count == 0:
            write(batch)  # a table with no rows is still written: its columns say what it is
    finally:
        if parquet:
            parquet.close()
        if csv:
            csv.close()
    return count


@lru_cache(maxsize=None)
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


def remove_stale_runs(out: Path, keep: str | None = None) -> list[Path]:
    """Run folders no link points to whose process is gone, half-made links, and the staging
    folders of older zhpipe versions (``.zhpipe-*``): what killed runs leave behind. A dead
    run with the settings fingerprint ``keep`` stays, for this run to resume from."""
    state = out / STATE
    live = _target(state / "current")
    removed = []
    for folder in sorted((state / "runs").glob("*")) if (state / "runs").is_dir() else []:
        if live is not None and folder.name == live.name:
            continue
        if _process_alive(folder.name):
            continue  # another run writing into the same folder right now
        if keep is not None and incremental.read_settings(folder).get("fingerprint") == keep:
            continue
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


def _readable_runs(out: Path) -> list[Path]:
    """The switched-in run first, then runs that died (oldest first): where rows may be reused."""
    runs = out / STATE / "runs"
    live = _target(out / STATE / "current")
    folders = [runs / live.name] if live is not None and (runs / live.name).is_dir() else []
    for folder in sorted(runs.glob("*"), key=lambda f: f.name):
        if folder not in folders and not _process_alive(folder.name):
            folders.append(folder)
    return folders


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
