"""Inputs and outputs named by URL (``s3://…``, ``gs://…``, ``memory://…``, ``file://…``), read and
written through fsspec: whatever file systems the user's fsspec has (s3fs, gcsfs, …) work.

A remote input is read as a local one would be: the file is copied to a local temporary file
(streamed, never held whole) and read from there by the local readers; a folder (a prefix) is
every input file below it. Every row names the URL. A remote
output folder gets the tables a local run wrote, copied file by file once the run is complete:
each object is whole (an object store replaces an object in one step), the set is not switched
in together as a local folder's is, and it keeps no segments, so every run processes all.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from .textio import InputError

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S*")


def is_url(item) -> bool:
    """``scheme://…`` and nothing else (a text that quotes a web address is a text)."""
    return isinstance(item, str) and _URL.fullmatch(item) is not None


def _filesystem(url: str, what: str):
    try:
        import fsspec
    except ImportError:
        raise InputError(url, f"is a URL, and reading {what} by URL needs fsspec",
                         "pip install fsspec (and the file system's package, such as s3fs)",
                         reason="unreadable") from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:  # s3:// with no s3fs, or a scheme fsspec does not know
        raise InputError(url, f"cannot be opened ({exc})", "install the fsspec file system its scheme needs (s3fs, gcsfs)",
                         reason="unreadable") from None


def input_files(url: str) -> list[str]:
    """A URL's input files, as URLs: the file itself, or every input file below a prefix."""
    from .sources import is_input_file

    fs, root = _filesystem(url, "inputs")
    protocol = fs.protocol[0] if isinstance(fs.protocol, (tuple, list)) else fs.protocol
    try:
        if fs.isdir(root):
            found = sorted(p for p in fs.find(root) if is_input_file(PurePosixPath(p)))
            return [fs.unstrip_protocol(p) if protocol != "file" else f"file://{p}" for p in found]
        if not fs.exists(root):
            raise InputError(url, "no such file", "check the URL", reason="missing")
    except OSError as exc:
        raise InputError(url, f"cannot be listed ({exc})", "check the URL and your access to it",
                         reason="unreadable") from None
    return [url]


class LocalCopy:
    """A remote file copied into a temporary folder under its own name, removed on exit."""

    def __init__(self, url: str):
        self.url = url

    def __enter__(self) -> Path:
        fs, path = _filesystem(self.url, "inputs")
        self.folder = Path(tempfile.mkdtemp(prefix="zhpipe-remote-"))
        local = self.folder / PurePosixPath(path).name
        try:
            with fs.open(path, "rb") as source, open(local, "wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
        except FileNotFoundError:
            raise InputError(self.url, "no such file", "check the URL", reason="missing") from None
        except OSError as exc:
            raise InputError(self.url, f"cannot be read ({exc})", "check the URL and your access to it",
                             reason="unreadable") from None
        return local

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def check_output(url: str) -> None:
    """Refuse an output URL whose file system cannot be opened, as an OutputError."""
    from .output import OutputError

    try:
        _filesystem(url, "outputs")
    except InputError as exc:
        raise OutputError(f"-o {url}: {exc.problem} ({exc.hint})") from None


def upload_tables(paths: list[Path], url: str) -> list[str]:
    """Copy a finished run's table files into the remote folder ``url``; returns their URLs."""
    fs, root = _filesystem(url, "outputs")
    fs.makedirs(root, exist_ok=True)
    written = []
    for path in paths:
        target = f"{root.rstrip('/')}/{path.name}"
        fs.put_file(str(path.resolve()), target)
        written.append(fs.unstrip_protocol(target))
    return written

