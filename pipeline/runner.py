"""Files in → documents through the Language → tables out.

:func:`process` turns inputs into table rows, collecting per-file errors instead of stopping;
:func:`write_tables` writes each table to a temporary name and renames it, so an interrupted run
never leaves half a table.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import tables
from .textio import Document, InputError, expand_paths, read_stdin, read_text

FORMATS = ("parquet", "csv")


@dataclass
class RunResult:
    rows: dict[str, list[dict]]
    errors: list[InputError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def frames(self):
        return tables.frames(self.rows)

    def summary(self) -> dict:
        labels = Counter(r["label"] for r in self.rows["entities"])
        chars = sum(r["n_chars"] for r in self.rows["documents"])
        return {"documents": len(self.rows["documents"]), "failed": len(self.errors), "characters": chars,
                "sentences": len(self.rows["sentences"]), "entities": dict(sorted(labels.items())),
                "dates": len(self.rows["dates"]), "numbers": len(self.rows["numbers"]),
                "relations": len(self.rows["relations"]), "seconds": round(self.seconds, 2),
                "chars_per_second": round(chars / self.seconds) if self.seconds else None}


def documents(inputs: Iterable, encoding: str = "utf-8", errors: list | None = None) -> Iterable[Document]:
    """Documents from paths (``Path`` objects, or strings that name a file, folder or ``-``),
    ``Document`` objects, or texts (any other string).

    A file that cannot be read is recorded in ``errors`` (when given) and skipped.
    """
    seen: Counter = Counter()
    for item in inputs:
        if isinstance(item, Document):
            yield item
            continue
        if item == "-" or item == Path("-"):
            try:
                yield read_stdin(encoding)
            except InputError as exc:
                if errors is None:
                    raise
                errors.append(exc)
            continue
        if isinstance(item, str) and not _looks_like_path(item):
            seen["text"] += 1
            yield Document(f"text-{seen['text']}", item)
            continue
        for path in expand_paths([item]):
            try:
                doc = read_text(path, encoding)
            except InputError as exc:
                if errors is None:
                    raise
                errors.append(exc)
                continue
            seen[doc.doc_id] += 1
            if seen[doc.doc_id] > 1:  # two files with one stem in different folders
                doc = Document(f"{doc.doc_id}-{seen[doc.doc_id]}", doc.text, doc.path, doc.sha256)
            yield doc


def _looks_like_path(item) -> bool:
    """A Path, or a string naming something that exists: text with a slash (中国/俄罗斯) stays text.
    The CLI passes every argument as a Path, so a mistyped name is an error, never a document."""
    if isinstance(item, Path):
        return True
    return "\n" not in item and len(item) < 4096 and os.path.exists(item)


def process(inputs: Iterable, nlp=None, encoding: str = "utf-8", doc_date: str | None = None,
            progress: Callable[[int, str], None] | None = None) -> RunResult:
    """Run the pipeline over the inputs; per-file problems land in ``errors``, not exceptions."""
    if nlp is None:
        from . import load

        nlp = load()
    started = time.perf_counter()
    errors: list[InputError] = []
    parts = []
    for count, document in enumerate(documents(inputs, encoding, errors), 1):
        parts.append(annotate_rows(nlp, document, doc_date))
        if progress:
            progress(count, document.doc_id)
    return RunResult(tables.concat(parts), errors, time.perf_counter() - started)


def run_document(nlp, document: Document, doc_date: str | None = None):
    """The annotated spaCy ``Doc`` of one document."""
    doc = nlp.make_doc(document.text)
    doc._.doc_id, doc._.doc_date = document.doc_id, doc_date
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def annotate_rows(nlp, document: Document, doc_date: str | None = None) -> dict[str, list[dict]]:
    doc = run_document(nlp, document, doc_date)
    return tables.doc_rows(doc, document.doc_id, document.path, document.sha256)


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
    """Write every table as ``<name>.parquet`` / ``<name>.csv``.

    All files are written to a temporary folder beside the target first and only then moved in,
    so a failed run leaves the previous tables whole; files of a format not written this time
    are removed, so a folder never mixes two runs.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(out, "is a file, not a folder", "pass a folder to -o")
    out.mkdir(parents=True, exist_ok=True)
    formats = list(formats)
    staging = Path(tempfile.mkdtemp(prefix=".zhpipe-", dir=out))
    try:
        for name, frame in frames.items():
            for fmt in formats:
                if fmt == "parquet":
                    frame.to_parquet(staging / f"{name}.parquet", index=False)
                else:
                    frame.to_csv(staging / f"{name}.csv", index=False, encoding="utf-8")
        written = []
        for name in frames:
            for fmt in FORMATS:
                target = out / f"{name}.{fmt}"
                if fmt in formats:
                    os.replace(staging / target.name, target)
                    written.append(target)
                elif target.exists():
                    target.unlink()
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
