"""Files in → documents through the Language → tables out.

:func:`run_to_folder` streams documents through the pipeline into an output folder (rows written
in parts as they come, the tables switched in together at the end: ``output``); :func:`process`
keeps the rows in memory for the Python API. Both record unusable inputs in the ``errors`` table
instead of stopping, and cut very long documents into pieces (``pieces``).
"""
from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import incremental, tables
from .output import FORMATS, TableSink
from .pieces import PIECE_CHARS, pieces_rows
from .remote import LocalCopy, input_files, is_url
from .sources import Columns, count_records, record_format, records
from .textio import DEFAULT_MAX_CHARS, Document, InputError, expand_paths, read_stdin, read_text


@dataclass
class Tally:
    """What a run produced, counted as rows pass (a streamed run keeps no rows)."""
    documents: int = 0
    characters: int = 0
    sentences: int = 0
    dates: int = 0
    numbers: int = 0
    relations: int = 0
    entities: Counter = field(default_factory=Counter)

    def add(self, rows: dict[str, list[dict]]) -> None:
        self.documents += len(rows.get("documents", ()))
        self.characters += sum(r["n_chars"] for r in rows.get("documents", ()))
        self.sentences += len(rows.get("sentences", ()))
        self.dates += len(rows.get("dates", ()))
        self.numbers += len(rows.get("numbers", ()))
        self.relations += len(rows.get("relations", ()))
        self.entities.update(r["label"] for r in rows.get("entities", ()))

    def merge(self, other: "Tally | dict") -> None:
        other = other if isinstance(other, Tally) else Tally.from_json(other)
        for name in ("documents", "characters", "sentences", "dates", "numbers", "relations"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.entities.update(other.entities)

    def to_json(self) -> dict:
        return {"documents": self.documents, "characters": self.characters, "sentences": self.sentences,
                "dates": self.dates, "numbers": self.numbers, "relations": self.relations,
                "entities": dict(self.entities)}

    @classmethod
    def from_json(cls, data: dict) -> "Tally":
        return cls(**{**data, "entities": Counter(data.get("entities", {}))})


@dataclass
class RunResult:
    rows: dict[str, list[dict]] | None
    errors: list[InputError] = field(default_factory=list)
    seconds: float = 0.0
    tally: Tally = field(default_factory=Tally)
    written: list[Path] = field(default_factory=list)
    reused: int = 0           # documents whose rows an earlier run into the same folder had

    @property
    def frames(self):
        if self.rows is None:
            raise ValueError("this run streamed its rows to a folder; read them with read_tables(folder)")
        return tables.frames(self.rows)

    def summary(self) -> dict:
        t = self.tally
        return {"documents": t.documents, "reused": self.reused, "failed": len(self.errors),
                "characters": t.characters,
                "sentences": t.sentences, "entities": dict(sorted(t.entities.items())),
                "dates": t.dates, "numbers": t.numbers, "relations": t.relations,
                "seconds": round(self.seconds, 2),
                "chars_per_second": round(t.characters / self.seconds) if self.seconds else None}


def documents(inputs: Iterable, encoding: str | None = None, errors: list | None = None,
              max_chars: int = DEFAULT_MAX_CHARS, columns: Columns = Columns(),
              stdin_format: str = "text") -> Iterable[Document]:
    """Documents from paths (``Path`` objects, or strings that name a file, folder or ``-``),
    ``Document`` objects, or texts (any other string).

    A text file is one document (its encoding detected unless ``encoding`` is given); a record
    file (JSONL, CSV, TSV, Parquet; ``sources``) is one per record, its text in
    ``columns.text``. ``-`` is standard input, as text or, with ``stdin_format="jsonl"``, as
    records. What cannot be used is recorded in ``errors`` (when given) and skipped.
    """
    seen: Counter = Counter()
    taken: set[str] = set()

    def unique(doc: Document) -> Document:
        # Two files with one stem in different folders: the second is <id>-2, unless that id is
        # taken too (a file a-2.txt), then -3 and so on: ids stay unique within a run.
        seen[doc.doc_id] += 1
        doc_id, n = doc.doc_id, seen[doc.doc_id]
        while doc_id in taken:
            doc_id = f"{doc.doc_id}-{n}"
            n += 1
        taken.add(doc_id)
        return doc if doc_id == doc.doc_id else replace(doc, doc_id=doc_id)

    def failed(exc: InputError) -> None:
        if errors is None:
            raise exc
        errors.append(exc)

    for item in inputs:
        if isinstance(item, Document):
            yield unique(item)
            continue
        if item == "-" or item == Path("-"):
            try:
                if stdin_format == "jsonl":
                    yield from map(unique, _record_documents(Path("-"), columns, errors, max_chars))
                else:
                    yield unique(read_stdin(encoding, max_chars))
            except InputError as exc:
                failed(exc)
            continue
        if is_url(item):
            try:
                for url in input_files(item):
                    yield from map(unique, _remote_documents(url, encoding, columns, errors, max_chars))
            except InputError as exc:
                failed(exc)
            continue
        if isinstance(item, str) and not _looks_like_path(item):
            seen["text"] += 1
            yield Document(f"text-{seen['text']}", item)
            continue
        for path in expand_paths([item]):
            try:
                if record_format(path) and path.is_file():
                    yield from map(unique, _record_documents(path, columns, errors, max_chars))
                else:
                    yield unique(read_text(path, encoding, max_chars))
            except InputError as exc:
                failed(exc)


def _remote_documents(url: str, encoding, columns: Columns, errors: list | None, max_chars: int):
    """The documents of one file named by URL: read from a local copy as a local file is
    (``remote.LocalCopy``), named by its URL."""
    with LocalCopy(url) as local:
        if record_format(local):
            yield from _record_documents(local, columns, errors, max_chars, label=url)
            return
        try:
            document = read_text(local, encoding, max_chars)
        except InputError as exc:
            raise InputError(url, exc.problem, exc.hint, exc.reason) from None
    yield replace(document, path=url)


def count_documents(inputs: Iterable) -> int | None:
    """How many documents the inputs hold, when that is cheap to tell (files, JSONL and Parquet
    records); None when not (standard input, CSV, URLs)."""
    total = 0
    for item in inputs:
        if item in ("-", Path("-")) or is_url(item) or isinstance(item, str) and not _looks_like_path(item):
            return None
        for path in expand_paths([item]):
            if record_format(path) and path.is_file():
                count = count_records(path)
                if count is None:
                    return None
                total += count
            else:
                total += 1
    return total


BYTES_PER_WORKER = 1_000_000  # below a megabyte of input a worker, starting one costs more than it gives


def default_jobs(inputs: Iterable) -> int:
    """Worker processes for a run: one per core this process may use, when the local inputs
    hold at least BYTES_PER_WORKER bytes a worker; else one (measured in benchmarks/throughput.py:
    two processes run ×1.8 of one on two cores, where a second model thread adds nothing)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    size = 0
    for item in inputs:
        if isinstance(item, Path) or isinstance(item, str) and not is_url(item) and _looks_like_path(item):
            size += sum(p.stat().st_size for p in expand_paths([item]) if p.is_file())
    return max(1, min(cores, size // BYTES_PER_WORKER))


def _record_documents(path: Path, columns: Columns, errors: list | None, max_chars: int,
                      label: str | None = None) -> Iterator[Document]:
    sink = errors if errors is not None else []
    label = label or str(path)
    for doc_id, text, day, digest in records(path, columns, sink, label):
        if len(text) > max_chars:
            sink.append(InputError(f"{label}:{doc_id}", f"is too large ({len(text):,} characters; the limit is "
                                   f"{max_chars:,})", "raise --max-chars, or split the record", reason="too_large"))
            continue
        yield Document(doc_id, text, label, digest, "utf-8", None, day)
    if errors is None and sink:
        raise sink[0]


def _looks_like_path(item) -> bool:
    """A Path, or a string naming something that exists: text with a slash (中国/俄罗斯) stays text.
    The CLI passes every argument as a Path, so a mistyped name is an error, never a document."""
    if isinstance(item, Path):
        return True
    return "\n" not in item and len(item) < 4096 and os.path.exists(item)


def process(inputs: Iterable, nlp=None, encoding: str | None = None, doc_date: str | None = None,
            progress: Callable[[int, str], None] | None = None, max_chars: int = DEFAULT_MAX_CHARS,
            columns: Columns = Columns(), stdin_format: str = "text") -> RunResult:
    """Run the pipeline over the inputs, rows kept in memory; per-file problems land in
    ``errors`` (and the ``errors`` table), not exceptions."""
    nlp = nlp if nlp is not None else _load({})
    started = time.perf_counter()
    errors: list[InputError] = []
    tally = Tally()
    parts = []
    for count, document in enumerate(documents(inputs, encoding, errors, max_chars, columns, stdin_format), 1):
        for rows in iter_rows(nlp, document, doc_date):
            tally.add(rows)
            parts.append(rows)
        if progress:
            progress(count, document.doc_id)
    rows = tables.concat(parts)
    rows["errors"] = tables.error_rows(errors)
    return RunResult(rows, errors, time.perf_counter() - started, tally)


def run_to_folder(inputs: Iterable, out_dir: str | Path, nlp=None, formats: Iterable[str] = FORMATS,
                  encoding: str | None = None, doc_date: str | None = None, max_chars: int = DEFAULT_MAX_CHARS,
                  progress: Callable[[int, str, int], None] | None = None, columns: Columns = Columns(),
                  stdin_format: str = "text", jobs: int = 1, load_options: dict | None = None,
                  force: bool = False, engine: str = "local", scheduler: str | None = None,
                  segment_docs: int | None = None) -> RunResult:
    """Stream the inputs through the pipeline into ``out_dir``: rows are written in parts as
    they come and the tables appear together when the run completes (``output.TableSink``); an
    interrupted run leaves the previous tables as they were.

    A document an earlier run into the same folder already did — same id, path and content,
    same settings — is not processed again: its rows are reused (``incremental``), so a re-run
    with no change does nothing and a killed run resumes. ``force=True`` processes everything.

    ``jobs`` > 1 runs documents in that many worker processes, each with its own pipeline built
    by ``pipeline.load(**load_options)`` and one model thread; ``engine="dask"`` runs them on a
    Dask cluster (``scheduler`` its address, or a local cluster of ``jobs`` workers; ``dask_engine``).
    Rows are written in input order, so the tables are the same bytes whatever runs them."""
    if is_url(str(out_dir)):
        return _run_to_remote(inputs, str(out_dir), nlp=nlp, formats=formats, encoding=encoding, doc_date=doc_date,
                              max_chars=max_chars, progress=progress, columns=columns, stdin_format=stdin_format,
                              jobs=jobs, load_options=load_options, engine=engine, scheduler=scheduler)
    started = time.perf_counter()
    errors: list[InputError] = []
    tally = Tally()
    reused = reused_chars = 0
    if nlp is None and jobs == 1 and engine == "local":
        nlp = _load(load_options or {})
    settings = {"load_options": load_options if load_options is not None else _options_of(nlp),
                "doc_date": doc_date, "encoding": encoding, "columns": columns, "max_chars": max_chars}
    sink_options = {"segment_docs": segment_docs} if segment_docs else {}
    with TableSink(out_dir, formats, settings=settings, reuse=not force, **sink_options) as sink:
        docs = documents(inputs, encoding, errors, max_chars, columns, stdin_format)
        tasks = ((d, sink.prior.get(incremental.document_key(d))) for d in docs)
        if engine == "dask":
            from .dask_engine import dask_rows

            stream = dask_rows(tasks, doc_date, load_options or {}, scheduler, jobs)
        elif jobs > 1:
            stream = _parallel_rows(tasks, doc_date, jobs, load_options or {})
        else:
            # Lazily: a long document's pieces go to the tables one by one, never all held.
            stream = ((d, hit, None if hit else iter_rows(nlp, d, doc_date)) for d, hit in tasks)
        try:
            for count, (document, hit, parts) in enumerate(stream, 1):
                if hit is not None:
                    sink.reuse(hit)
                    tally.merge(hit.tally)
                    reused += 1
                    reused_chars += hit.tally["characters"]
                else:
                    done = Tally()
                    for rows in parts:
                        done.add(rows)
                        sink.add(rows)
                    sink.document_done(incremental.document_key(document), done.to_json())
                    tally.merge(done)
                if progress:  # characters processed by this run, not reused
                    progress(count, document.doc_id, tally.characters - reused_chars)
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()
        result = RunResult(None, errors, time.perf_counter() - started, tally, reused=reused)
        if not tally.documents:
            sink.abort()  # nothing usable (a mistyped path): the previous tables stay
            return result
        sink.add({"errors": tables.error_rows(errors)})
        result.written = sink.commit(result.summary())
    return result


def _run_to_remote(inputs, url: str, **options) -> RunResult:
    """A run into a folder named by URL: written locally, then its tables copied there (``remote``)."""
    from .remote import check_output, upload_tables

    check_output(url)  # before the work, not after it
    local = Path(tempfile.mkdtemp(prefix="zhpipe-out-"))
    try:
        result = run_to_folder(inputs, local, **options)
        if result.written:
            result.written = upload_tables(result.written, url)
        return result
    finally:
        shutil.rmtree(local, ignore_errors=True)


def _options_of(nlp):
    """What an ``nlp`` given by the caller does, for the settings fingerprint: the options
    ``pipeline.load`` built it with, else spaCy's config of it."""
    if nlp is None:
        return {}
    if getattr(nlp, "zhpipe_options", None) is not None:
        return nlp.zhpipe_options
    try:
        return nlp.config.to_str()
    except Exception:  # a pipeline whose config spaCy cannot write: its parts, by name
        return repr([(name, type(component).__name__) for name, component in nlp.pipeline])


def _load(options: dict):
    from . import load

    return load(**options)


_WORKER_NLP = None
_WORKER_ERROR: str | None = None


class EngineError(RuntimeError):
    """The workers cannot run: one could not build its pipeline (a bad --gazetteer file, a
    missing model), or an engine is not installed. Its message, once, instead of a pool that
    starts workers again and again."""


def _start_worker(load_options: dict) -> None:
    global _WORKER_NLP, _WORKER_ERROR
    os.environ["ZHPIPE_MODEL_THREADS"] = "1"
    try:
        _WORKER_NLP = _load(load_options)
    except Exception as exc:  # reported by the first task; an initializer that raises is retried forever
        _WORKER_ERROR = str(exc)


def _worker_rows(task):
    document, doc_date = task
    if _WORKER_ERROR is not None:
        raise EngineError(_WORKER_ERROR)
    return list(iter_rows(_WORKER_NLP, document, doc_date))


def _parallel_rows(tasks, doc_date, jobs: int, load_options: dict):
    """(document, reused, rows) in input order from ``jobs`` processes. Workers are started
    fresh (``spawn``): a model runtime's threads do not survive ``fork``. The pool starts at the
    first document to process, so a re-run with nothing changed starts none; after that, a
    reused document keeps its place in the order without being sent."""
    import collections
    import multiprocessing
    import threading

    tasks = iter(tasks)
    for document, hit in tasks:
        if hit is None:
            first = (document, hit)
            break
        yield document, hit, None
    else:
        return
    waiting = collections.deque()  # (document, hit) in input order, as sent
    # Pool.imap reads its input as fast as it can: without a bound it would hold the corpus.
    ahead = threading.BoundedSemaphore(4 * jobs)
    stop = threading.Event()

    def work():
        for document, hit in itertools.chain([first], tasks):
            while not ahead.acquire(timeout=0.1):
                if stop.is_set():  # the run ended early: let the pool's feeding thread finish
                    return
            if hit is None:
                waiting.append((document, hit))
                yield document, doc_date
            else:  # not sent, and kept without its text: a long run of them would hold the corpus
                waiting.append((replace(document, text=""), hit))
                ahead.release()

    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, initializer=_start_worker, initargs=(load_options,)) as pool:
        try:
            # imap keeps the order; a small chunk keeps every worker busy without reading far ahead.
            for rows in pool.imap(_worker_rows, work(), chunksize=1):
                while waiting[0][1] is not None:  # reused ones before it
                    document, hit = waiting.popleft()
                    yield document, hit, None
                document, _ = waiting.popleft()
                ahead.release()
                yield document, None, rows
            while waiting:  # reused ones after the last processed
                document, hit = waiting.popleft()
                yield document, hit, None
        finally:
            stop.set()


def run_document(nlp, document: Document, doc_date: str | None = None):
    """The annotated spaCy ``Doc`` of one document (of any length spaCy accepts; see iter_rows).
    The document's own date (a record's date column) comes before the run's ``doc_date``."""
    doc = nlp.make_doc(document.text)
    doc._.doc_id, doc._.doc_date = document.doc_id, document.doc_date or doc_date
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def iter_rows(nlp, document: Document, doc_date: str | None = None,
              piece_chars: int = PIECE_CHARS) -> Iterator[dict[str, list[dict]]]:
    """One document's table rows: at once, or piece by piece for a long one (``pieces``)."""
    if len(document.text) <= piece_chars:
        yield _rows(nlp, document, doc_date)
        return

    def rows_of(start: int, end: int) -> dict:
        piece = replace(document, text=document.text[start:end])
        return _rows(nlp, piece, doc_date)

    yield from pieces_rows(document.text, rows_of, piece_chars)


def _rows(nlp, document: Document, doc_date: str | None) -> dict[str, list[dict]]:
    doc = run_document(nlp, document, doc_date)
    return tables.doc_rows(doc, document.doc_id, document.path, document.sha256, document.encoding,
                           document.encoding_confidence)


def annotate_rows(nlp, document: Document, doc_date: str | None = None) -> dict[str, list[dict]]:
    return tables.concat(iter_rows(nlp, document, doc_date))


def annotate_to_folder(inputs, nlp, out_dir, encoding: str = "utf-8", doc_date: str | None = None):
    """Predictions in the gold format, one ``<doc_id>.json`` per document: (count, errors)."""
    from . import gold

    errors: list[InputError] = []
    count = 0
    for document in documents(inputs, encoding, errors):
        doc = run_document(nlp, document, doc_date)
        gold.write_annotation(gold.from_doc(doc, document), Path(out_dir) / f"{document.doc_id}.json")
        count += 1
    return count, errors


def extract(inputs, nlp=None, **options):
    """Tables for files, folders or texts as a dict of DataFrames (raises on unreadable files)."""
    if isinstance(inputs, (str, Path, Document)):
        inputs = [inputs]
    result = process(inputs, nlp=nlp, **options)
    if result.errors:
        raise result.errors[0]
    return result.frames


def write_tables(frames: dict, out_dir: str | Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write every table as ``<name>.parquet`` / ``<name>.csv``, all switched in together
    (``output.TableSink``): a failed write leaves the previous tables whole, and a folder never
    mixes two runs."""
    with TableSink(out_dir, formats) as sink:
        for name, frame in frames.items():
            sink.add({name: frame.astype(object).where(frame.notna(), None).to_dict("records")})
        return sink.commit()


def _atomic_write(target: Path, write: Callable[[str], None]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def read_tables(out_dir: str | Path) -> dict:
    """The tables of an earlier run (Parquet preferred), as DataFrames with the declared schema."""
    import pandas as pd

    out = Path(out_dir)
    found = {}
    for name in tables.TABLES:
        parquet, csv = out / f"{name}.parquet", out / f"{name}.csv"
        if parquet.exists():
            found[name] = pd.read_parquet(parquet)
        elif csv.exists():
            # Everything as text first: 001 stays 001, and NA/None are words, not missing values.
            frame = pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""])
            for column, dtype in tables.SCHEMAS[name]:
                if dtype == "boolean":
                    frame[column] = frame[column].map({"True": True, "False": False, "true": True, "false": False})
                elif dtype in ("Int64", "Float64"):
                    frame[column] = pd.to_numeric(frame[column])
            found[name] = frame.astype(dict(tables.SCHEMAS[name]))
    return found
