"""Files in → documents through the Language → tables out.

:func:`run_to_folder` streams documents through the pipeline into an output folder (rows written
in parts as they come, the tables switched in together at the end: ``output``); :func:`process`
keeps the rows in memory for the Python API. Both record unusable inputs in the ``errors`` table
instead of stopping, and cut very long documents into pieces (``pieces``).
"""
from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import tables
from .output import FORMATS, TableSink
from .pieces import PIECE_CHARS, pieces_rows
from .sources import Columns, record_format, records
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


@dataclass
class RunResult:
    rows: dict[str, list[dict]] | None
    errors: list[InputError] = field(default_factory=list)
    seconds: float = 0.0
    tally: Tally = field(default_factory=Tally)
    written: list[Path] = field(default_factory=list)

    @property
    def frames(self):
        if self.rows is None:
            raise ValueError("this run streamed its rows to a folder; read them with read_tables(folder)")
        return tables.frames(self.rows)

    def summary(self) -> dict:
        t = self.tally
        return {"documents": t.documents, "failed": len(self.errors), "characters": t.characters,
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

    def unique(doc: Document) -> Document:
        seen[doc.doc_id] += 1
        if seen[doc.doc_id] > 1:  # two files with one stem in different folders
            return replace(doc, doc_id=f"{doc.doc_id}-{seen[doc.doc_id]}")
        return doc

    def failed(exc: InputError) -> None:
        if errors is None:
            raise exc
        errors.append(exc)

    for item in inputs:
        if isinstance(item, Document):
            yield item
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


def _record_documents(path: Path, columns: Columns, errors: list | None, max_chars: int) -> Iterator[Document]:
    sink = errors if errors is not None else []
    for doc_id, text, day, digest in records(path, columns, sink):
        if len(text) > max_chars:
            sink.append(InputError(f"{path}:{doc_id}", f"is too large ({len(text):,} characters; the limit is "
                                   f"{max_chars:,})", "raise --max-chars, or split the record", reason="too_large"))
            continue
        yield Document(doc_id, text, str(path), digest, "utf-8", None, day)
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
                  stdin_format: str = "text", jobs: int = 1, load_options: dict | None = None) -> RunResult:
    """Stream the inputs through the pipeline into ``out_dir``: rows are written in parts as
    they come and the tables appear together when the run completes (``output.TableSink``); an
    interrupted run leaves the previous tables as they were.

    ``jobs`` > 1 runs documents in that many worker processes, each with its own pipeline built
    by ``pipeline.load(**load_options)`` and one model thread; rows are written in input order,
    so the tables are the same bytes whatever ``jobs`` is."""
    started = time.perf_counter()
    errors: list[InputError] = []
    tally = Tally()
    with TableSink(out_dir, formats) as sink:
        docs = documents(inputs, encoding, errors, max_chars, columns, stdin_format)
        if jobs > 1:
            stream = _parallel_rows(docs, doc_date, jobs, load_options or {})
        else:
            if nlp is None:
                nlp = _load(load_options or {})
            # Lazily: a long document's pieces go to the tables one by one, never all held.
            stream = ((document, iter_rows(nlp, document, doc_date)) for document in docs)
        try:
            for count, (document, parts) in enumerate(stream, 1):
                for rows in parts:
                    tally.add(rows)
                    sink.add(rows)
                if progress:
                    progress(count, document.doc_id, tally.characters)
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()
        result = RunResult(None, errors, time.perf_counter() - started, tally)
        if not tally.documents:
            sink.abort()  # nothing usable (a mistyped path): the previous tables stay
            return result
        sink.add({"errors": tables.error_rows(errors)})
        result.written = sink.commit(result.summary())
    return result


def _load(options: dict):
    from . import load

    return load(**options)


_WORKER_NLP = None


def _start_worker(load_options: dict) -> None:
    global _WORKER_NLP
    os.environ["ZHPIPE_MODEL_THREADS"] = "1"
    _WORKER_NLP = _load(load_options)


def _worker_rows(task):
    document, doc_date = task
    return document, list(iter_rows(_WORKER_NLP, document, doc_date))


def _parallel_rows(docs: Iterable[Document], doc_date, jobs: int, load_options: dict):
    """(document, rows) in input order from ``jobs`` processes. Workers are started fresh
    (``spawn``): a model runtime's threads do not survive ``fork``."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, initializer=_start_worker, initargs=(load_options,)) as pool:
        # imap keeps the order; a small chunk keeps every worker busy without reading far ahead.
        yield from pool.imap(_worker_rows, ((d, doc_date) for d in docs), chunksize=1)


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
