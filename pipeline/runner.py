"""Files in → documents through the Language → tables out.

:func:`process` turns inputs into table rows, collecting per-file errors instead of stopping;
:func:`write_tables` writes each table to a temporary name and renames it, so an interrupted run
never leaves half a table.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import tables
from .textio import Document, InputError, expand_paths, read_text

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
    """Documents from paths (files, folders, ``-`` for stdin) or from ``Document``/text objects.

    A file that cannot be read is recorded in ``errors`` (when given) and skipped.
    """
    seen: Counter = Counter()
    for item in inputs:
        if isinstance(item, Document):
            yield item
            continue
        if item == "-":
            yield Document("stdin", sys.stdin.read(), "-")
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
    if isinstance(item, Path):
        return True
    return "\n" not in item and len(item) < 4096 and (os.path.exists(item) or item.endswith(".txt") or os.sep in item)


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


def extract(inputs, nlp=None, **options):
    """Tables for files, folders or texts as a dict of DataFrames (raises on unreadable files)."""
    if isinstance(inputs, (str, Path, Document)):
        inputs = [inputs]
    result = process(inputs, nlp=nlp, **options)
    if result.errors:
        raise result.errors[0]
    return result.frames


def write_tables(frames: dict, out_dir: str | Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write every table as ``<name>.parquet`` / ``<name>.csv``, each atomically."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        for fmt in formats:
            target = out / f"{name}.{fmt}"
            _atomic_write(target, lambda tmp: frame.to_parquet(tmp, index=False) if fmt == "parquet"
                          else frame.to_csv(tmp, index=False, encoding="utf-8"))
            written.append(target)
    return written


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
            found[name] = pd.read_csv(csv).astype(dict(tables.SCHEMAS[name]))
    return found
