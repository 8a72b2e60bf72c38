"""Documents from files of records — JSONL, CSV/TSV, Parquet — and compressed files (gzip, zstd).

A record file holds one document per record: ``text_column`` is its text, ``id_column`` its id
(kept as the tables' ``doc_id``; ``<file stem>-<record number>`` where the record has none) and
``date_column`` an optional per-document date (YYYY-MM-DD) for 今年, 昨天 and the like. Records
are read one at a time (Parquet a batch at a time), so a file of any size streams. A record that
cannot be used (no text, bad JSON, a bad date) is an error of its own, named ``FILE:NUMBER``; the
file's other records go on. Compression is told by the name's last suffix (``.gz``, ``.zst``).
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

from .textio import InputError

RECORD_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet"}
COMPRESSIONS = (".gz", ".zst")


@dataclass(frozen=True)
class Columns:
    text: str = "text"
    id: str = "id"
    date: str | None = None


def record_format(path: Path) -> str | None:
    """``jsonl``, ``csv``, ``tsv``, ``parquet`` or None (a text file) from the file's name."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes = suffixes[:-1]
    return RECORD_FORMATS.get(suffixes[-1]) if suffixes else None


def is_input_file(path: Path) -> bool:
    """What a folder contributes: text files and record files, compressed or not."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes = suffixes[:-1]
    return bool(suffixes) and (suffixes[-1] == ".txt" or suffixes[-1] in RECORD_FORMATS)


def open_binary(path: Path):
    """The file's bytes, decompressed by its suffix."""
    if str(path) == "-":
        return io.BufferedReader(io.FileIO(sys.stdin.buffer.fileno(), closefd=False))
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "rb")
    if suffix == ".zst":
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True)
    return open(path, "rb")


def read_compressed(path: Path) -> bytes:
    try:
        with open_binary(path) as f:
            return f.read()
    except (OSError, EOFError, ValueError) as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise
        raise InputError(path, f"cannot be decompressed ({exc})", "check that the file is whole",
                         reason="bad_compression") from None


def records(path: Path, columns: Columns, errors: list, label: str | None = None
            ) -> Iterator[tuple[str, str, str | None, str]]:
    """(doc_id, text, date, sha256 of the record's text) of every usable record; unusable ones go
    to ``errors``. Raises InputError for a file that cannot be read at all. Errors name the file
    as ``label`` when given (a remote file's URL, read from a local copy)."""
    name = label or path
    kind = "jsonl" if str(path) == "-" else record_format(path)
    stem = "stdin" if str(path) == "-" else path.name.split(".")[0]
    number = 0
    for number, item in enumerate(_raw_records(path, kind, name), 1):
        where = f"{name}:{number}"
        if isinstance(item, InputError):
            errors.append(InputError(where, item.problem, item.hint, item.reason))
            continue
        if number == 1 and columns.text not in item:
            raise InputError(name, f"has no column {columns.text!r} (it has: {', '.join(map(str, item)) or 'none'})",
                             "pass --text-column with the column that holds the text", reason="no_text_column")
        text = item.get(columns.text)
        if not isinstance(text, str) or not text.strip():
            errors.append(InputError(where, "has no text", f"fill in {columns.text!r}", reason="empty"))
            continue
        doc_id = item.get(columns.id)
        doc_id = f"{stem}-{number}" if doc_id is None or str(doc_id).strip() == "" else str(doc_id)
        day = None
        if columns.date:
            raw = item.get(columns.date)
            if raw not in (None, ""):
                try:
                    day = date.fromisoformat(str(raw)[:10]).isoformat()
                except ValueError:
                    errors.append(InputError(where, f"has a date {raw!r} that is not YYYY-MM-DD",
                                             f"fix {columns.date!r} or leave it empty", reason="bad_date"))
                    continue
        yield doc_id, text, day, hashlib.sha256(text.encode("utf-8")).hexdigest()
    if number == 0:
        raise InputError(name, "has no records", "give a file with at least one record", reason="empty")


def _raw_records(path: Path, kind: str, name):
    if kind == "parquet":
        yield from _parquet_records(path, name)
        return
    try:
        handle = open_binary(path)
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    with handle:
        lines = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        try:
            if kind == "jsonl":
                for line in lines:
                    if not line.strip():
                        continue
                    try:
                        item = json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield InputError(name, f"is not a JSON object ({exc.msg})", "one JSON object per line",
                                         reason="bad_record")
                        continue
                    yield item if isinstance(item, dict) else InputError(
                        name, "is not a JSON object", "one JSON object per line", reason="bad_record")
            else:
                csv.field_size_limit(sys.maxsize)
                yield from csv.DictReader(lines, delimiter="\t" if kind == "tsv" else ",")
        except UnicodeDecodeError as exc:
            raise InputError(name, f"is not valid UTF-8 (byte {exc.start})",
                             "record files are read as UTF-8", reason="undecodable") from None
        except (OSError, EOFError) as exc:
            raise InputError(name, f"cannot be decompressed ({exc})", "check that the file is whole",
                             reason="bad_compression") from None


def _parquet_records(path: Path, name):
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own error types for a file that is not Parquet
        raise InputError(name, f"is not a Parquet file ({exc})", "check the file", reason="unreadable") from None
    for batch in parquet.iter_batches(batch_size=1000):
        yield from batch.to_pylist()


def count_records(path: Path) -> int | None:
    """How many records a record file holds (for a progress bar's total), or None when telling
    would cost as much as reading it (CSV, whose records may span lines) or it cannot be read."""
    kind = record_format(path)
    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows
        if kind == "jsonl":
            with open_binary(path) as handle:
                return sum(1 for line in handle if line.strip())
    except Exception:  # the run itself will say what is wrong with the file
        return None
    return None
