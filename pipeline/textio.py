"""Reading input files: decoding, and refusals that say what is wrong and what to do."""
from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path


DEFAULT_MAX_CHARS = 50_000_000


class InputError(Exception):
    """A file the pipeline cannot use. ``str()`` is one line: the file, the problem, the fix.
    ``reason`` is a short fixed word for the ``errors`` table (empty, binary, too_large, ...)."""

    def __init__(self, path, problem: str, hint: str = "", reason: str = "unreadable"):
        self.path, self.problem, self.hint, self.reason = str(path), problem, hint, reason
        super().__init__(f"{path}: {problem}" + (f" ({hint})" if hint else ""))


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    path: str = ""
    sha256: str = ""
    encoding: str = ""                       # as detected (or as given by --encoding)
    encoding_confidence: float | None = None
    doc_date: str | None = None              # its own date (a record file's date column)


def read_text(path: str | Path, encoding: str | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Decode a text file as the annotation format does: BOM dropped, no newline translation.
    With no ``encoding`` it is detected (``encodings.detect``)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > 4 * max_chars:  # no encoding we read takes more than 4 bytes a character
            raise InputError(path, f"is too large ({size:,} bytes; the limit is {max_chars:,} characters)",
                             "raise --max-chars, or split the file", reason="too_large")
        if path.suffix.lower() in (".gz", ".zst"):
            from .sources import read_compressed

            data = read_compressed(path)
        else:
            data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(path, "is a folder", "pass the folder itself to read every .txt file in it",
                         reason="folder") from None
    except FileNotFoundError:
        raise InputError(path, "no such file", "check the path", reason="missing") from None
    except PermissionError:
        raise InputError(path, "cannot be read (permission denied)", "check the file's permissions",
                         reason="permission") from None
    return _document(document_id(path), data, path, str(path), encoding, max_chars)


def document_id(path: Path) -> str:
    """The file's name without ``.txt`` (and without ``.gz`` / ``.zst`` before that)."""
    name = path.name
    for suffix in (".gz", ".zst"):
        if name.lower().endswith(suffix):
            name = name[:-len(suffix)]
    return Path(name).stem


def _document(doc_id: str, data: bytes, source, path: str, encoding: str | None, max_chars: int) -> Document:
    text, used, confidence = decode_bytes(data, source, encoding)
    if len(text) > max_chars:
        raise InputError(source, f"is too large ({len(text):,} characters; the limit is {max_chars:,})",
                         "raise --max-chars, or split the file", reason="too_large")
    return Document(doc_id, text, path, hashlib.sha256(data).hexdigest(), used, confidence)


def decode_bytes(data: bytes, source, encoding: str | None = None) -> tuple[str, str, float | None]:
    """Bytes → (text, encoding, confidence), refusing empty, binary and undecodable input with a
    reason and a hint. A given ``encoding`` is used as it is (a UTF-8 BOM is still dropped)."""
    from . import encodings

    if not data.strip():
        raise InputError(source, "is empty", "give a file with text in it", reason="empty")
    if encoding is None:
        try:
            found = encodings.detect(data)
        except encodings.UndetectedEncoding as exc:
            if _looks_binary(data):
                raise InputError(source, "looks binary (control bytes, no text encoding fits)",
                                 "give a plain-text file", reason="binary") from None
            raise InputError(source, f"cannot tell its encoding: {exc}",
                             "pass --encoding, e.g. --encoding big5 or --encoding gb18030",
                             reason="unknown_encoding") from None
        if _mostly_controls(found.text):
            raise InputError(source, "looks binary (mostly control characters)", "give a plain-text file",
                             reason="binary")
        return found.text, found.encoding, found.confidence
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return data.decode(codec), encoding, None
    except UnicodeDecodeError as exc:
        raise InputError(source, f"is not valid {encoding} (byte {exc.start})",
                         "leave out --encoding to detect it, or pass the right one (big5, gb18030)",
                         reason="undecodable") from None
    except LookupError:
        raise InputError(source, f"unknown encoding {encoding!r}", "use a Python codec name such as big5 or gb18030",
                         reason="unknown_encoding") from None


def _looks_binary(data: bytes) -> bool:
    """NUL bytes, or more than 1% control bytes (not tab, line feed, carriage return, form feed)."""
    head = data[:65536]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return b"\x00" in head or controls > len(head) / 100


def _mostly_controls(text: str) -> bool:
    """More than 30% of the characters (white space aside) are control characters: valid UTF-8,
    but no text. A few stray ones in real text are kept, as the text has them."""
    sample = [ch for ch in text[:65536] if not ch.isspace()]
    return bool(sample) and sum(1 for ch in sample if ord(ch) < 32 or 0x7f <= ord(ch) < 0xa0) > 0.3 * len(sample)


def read_stdin(encoding: str | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    data = sys.stdin.buffer.read()
    return _document("stdin", data, "standard input", "-", encoding, max_chars)


def _is_input_below(folder: Path, path: Path) -> bool:
    """Hidden files and folders are not inputs, nor are the tables of an output folder (one with
    ``.zhpipe`` state) below the input folder: ``zhpipe run corpus -o corpus/out`` twice reads
    the corpus both times, not the first run's tables."""
    parts = path.relative_to(folder).parts
    if any(part.startswith(".") for part in parts):
        return False
    return not any((folder.joinpath(*parts[:i]) / ".zhpipe").is_dir() for i in range(len(parts)))


def expand_paths(paths) -> list[Path]:
    """Files as given, folders as every input file below them (sorted): ``*.txt`` and record
    files (``.jsonl``, ``.csv``, ``.tsv``, ``.parquet``), each also as ``.gz`` or ``.zst``,
    hidden ones (``.name``) and output folders aside. Missing paths are kept, for their errors."""
    from .sources import is_input_file

    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and is_input_file(q) and _is_input_below(p, q)))
        else:
            out.append(p)
    return out
