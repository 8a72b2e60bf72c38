"""Reading input files: decoding, and refusals that say what is wrong and what to do."""
from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path


class InputError(Exception):
    """A file the pipeline cannot use. ``str()`` is one line: the file, the problem, the fix."""

    def __init__(self, path, problem: str, hint: str = ""):
        self.path, self.problem, self.hint = str(path), problem, hint
        super().__init__(f"{path}: {problem}" + (f" ({hint})" if hint else ""))


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    path: str = ""
    sha256: str = ""


def read_text(path: str | Path, encoding: str = "utf-8") -> Document:
    """Decode a text file as the annotation format does: BOM dropped, no newline translation."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(path, "is a folder", "pass the folder itself to read every .txt file in it") from None
    except FileNotFoundError:
        raise InputError(path, "no such file", "check the path") from None
    except PermissionError:
        raise InputError(path, "cannot be read (permission denied)", "check the file's permissions") from None
    return Document(path.stem, decode_bytes(data, path, encoding), str(path), hashlib.sha256(data).hexdigest())


def decode_bytes(data: bytes, source, encoding: str = "utf-8") -> str:
    """Bytes → text, refusing empty, binary and undecodable input with a reason and a hint."""
    if not data.strip():
        raise InputError(source, "is empty", "give a file with text in it")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(source, "looks binary (it has NUL bytes)", "give a plain-text file")
    try:
        return data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        raise InputError(source, f"is not valid {encoding} (byte {exc.start})",
                         "pass --encoding, e.g. --encoding big5 or --encoding gb18030") from None
    except LookupError:
        raise InputError(source, f"unknown encoding {encoding!r}", "use a Python codec name such as big5 or gb18030") from None


def read_stdin(encoding: str = "utf-8") -> Document:
    data = sys.stdin.buffer.read()
    return Document("stdin", decode_bytes(data, "standard input", encoding), "-", hashlib.sha256(data).hexdigest())


def expand_paths(paths) -> list[Path]:
    """Files as given, folders as every ``*.txt`` below them (sorted); missing paths kept for errors."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(q for q in p.rglob("*.txt") if q.is_file()) if p.is_dir() else [p])
    return out
