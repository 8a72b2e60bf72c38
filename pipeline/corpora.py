"""Where gold texts come from: a folder of ``<doc_id>.txt`` files, or JSONL corpora.

A JSONL corpus is ``<name>/docs.jsonl`` with one ``{"id", "text", ...}`` object a line, as in
``../shared/corpora`` (third-party texts that stay where they are: the gold set names the corpus
and the document id, and the SHA-256 of the text's UTF-8 bytes, and never holds a copy). A
``corpus_dir`` may be a folder of texts, one corpus folder (holding ``docs.jsonl``) or a folder of
corpus folders; :class:`Texts` answers for all three.
"""
from __future__ import annotations

import hashlib
import json
from functools import cached_property
from pathlib import Path


class Texts:
    """Document texts by id, read as the annotation format decodes them."""

    def __init__(self, corpus_dir: str | Path):
        self.root = Path(corpus_dir)

    def where(self, doc_id: str, corpus: str | None = None) -> str:
        """The file a document is read from, for messages."""
        txt = self.root / f"{doc_id}.txt"
        if txt.is_file():
            return str(txt)
        jsonl = self._jsonl_of(doc_id, corpus)
        return f"{jsonl}#{doc_id}" if jsonl else str(txt)

    def get(self, doc_id: str, corpus: str | None = None) -> tuple[str, str] | None:
        """(text, sha256) of a document, or None when the corpus folder does not hold it.

        For a ``.txt`` file the hash is of its bytes; for a JSONL document, of the text's UTF-8
        bytes (the same bytes a ``.txt`` copy of it would hold)."""
        txt = self.root / f"{doc_id}.txt"
        if txt.is_file():
            data = txt.read_bytes()
            text = data.decode("utf-8-sig")
            return text, hashlib.sha256(data).hexdigest()
        jsonl = self._jsonl_of(doc_id, corpus)
        if jsonl is None:
            return None
        text = self._documents(jsonl).get(doc_id)
        if text is None:
            return None
        return text, hashlib.sha256(text.encode("utf-8")).hexdigest()

    # A corpus folder is found by the name the annotation gives, else by the id's prefix
    # (``drcd-12`` → ``drcd``, ``ntrex-zho-tw-3`` → ``ntrex-zho-tw``), else the root itself.
    def _jsonl_of(self, doc_id: str, corpus: str | None) -> Path | None:
        names = [corpus] if corpus else []
        names.append(doc_id.rsplit("-", 1)[0])
        for name in names:
            path = self.root / name / "docs.jsonl"
            if path.is_file():
                return path
        path = self.root / "docs.jsonl"
        return path if path.is_file() else None

    def _documents(self, jsonl: Path) -> dict[str, str]:
        return self._cache.setdefault(jsonl, _read_jsonl(jsonl))

    @cached_property
    def _cache(self) -> dict:
        return {}


def _read_jsonl(path: Path) -> dict[str, str]:
    out = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                out[str(item["id"])] = item["text"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise ValueError(f"{path}:{number}: expected a JSON object with id and text") from None
    return out
