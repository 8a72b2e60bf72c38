"""Long documents in pieces: bounded memory and time linear in the length, offsets document-wide.

A document longer than ``PIECE_CHARS`` is cut into cores of about that size — after a sentence
end where there is one in the second half of the core, anywhere otherwise — and each core is run
with ``CONTEXT`` characters of the text on either side. Of a piece's rows, only those that start
in its core are kept, and none that overlaps a row the previous piece kept: a token, name or date
across a cut is found whole by the piece it starts in, with the text around it as context, and
never twice; sentences are clipped to the cores. Ids (T1…, D1…, tokens, sentences) are numbered over the whole document.

What a document-wide stage carries from sentence to sentence (a name repeated later, a short
form defined once, the year of an earlier date) carries within a piece, not across pieces.
"""
from __future__ import annotations

import bisect
import re
from typing import Callable, Iterator

PIECE_CHARS = 30_000
CONTEXT = 300
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")

SPAN_TABLES = ("entities", "dates", "numbers")
_ID_PREFIX = {"entities": "T", "dates": "D", "numbers": "N"}


def cores(text: str, size: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """Consecutive (start, end) cores covering the text."""
    out, start = [], 0
    while len(text) - start > size:
        target = start + size
        ends = [m.end() for m in _SENTENCE_END.finditer(text, start + size // 2, target)]
        cut = ends[-1] if ends else target
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out


def pieces_rows(text: str, rows_of: Callable[[int, int], dict], size: int = PIECE_CHARS,
                context: int = CONTEXT) -> Iterator[dict]:
    """Rows of the document, piece by piece, in document coordinates and numbering.

    ``rows_of(start, end)`` runs the pipeline on ``text[start:end]`` and returns its table rows
    (offsets relative to ``start``); the ``documents`` row is yielded last, for the whole text."""
    merged = _Merger(text)
    document_row = None
    for a, b in cores(text, size):
        w0, w1 = max(0, a - context), min(len(text), b + context)
        rows = rows_of(w0, w1)
        if document_row is None:
            document_row = dict(rows["documents"][0])
        yield merged.add(rows, w0, a, b)
    document_row.update(n_chars=len(text), n_sentences=merged.sentence_count, n_tokens=merged.token_count)
    yield {"documents": [document_row]}


class _Merger:
    def __init__(self, text: str):
        self.text = text
        self.sentence_starts: list[int] = []
        self.sentence_count = self.token_count = 0
        self.last_end: dict[str, int] = {}
        self.next_id = {name: 1 for name in SPAN_TABLES}
        self.next_relation = 1
        self.global_ids: dict[tuple, str] = {}  # (table, start, end) -> kept id, for relation arguments

    def _keep(self, table: str, rows: list[dict], shift: int, a: int, b: int, start="start", end="end") -> list[dict]:
        kept = []
        floor = self.last_end.get(table, 0)
        for row in rows:
            s, e = row[start] + shift, row[end] + shift
            if a <= s < b and s >= floor:
                kept.append({**row, start: s, end: e})
                floor = e
        self.last_end[table] = floor
        return kept

    def _sentences(self, rows: list[dict], shift: int, a: int, b: int) -> list[dict]:
        """Sentences clipped to the core: a sentence across a cut (text with no sentence end for
        a whole piece) becomes one sentence on each side."""
        kept = []
        floor = self.last_end.get("sentences", a)
        for row in rows:
            s, e = max(row["start"] + shift, a, floor), min(row["end"] + shift, b)
            if s < e:
                kept.append({**row, "start": s, "end": e, "text": self.text[s:e]})
                floor = e
        self.last_end["sentences"] = floor
        return kept

    def _sentence_of(self, offset: int) -> int | None:
        i = bisect.bisect_right(self.sentence_starts, offset) - 1
        return i + 1 if i >= 0 else None

    def add(self, rows: dict, shift: int, a: int, b: int) -> dict:
        out: dict[str, list[dict]] = {}
        tokens = self._keep("tokens", rows["tokens"], shift, a, b)
        # A token across the cut belongs to this piece, so its sentence does too.
        sentences = self._sentences(rows["sentences"], shift, a, max(b, self.last_end.get("tokens", b)))
        for row in sentences:
            self.sentence_starts.append(row["start"])
            self.sentence_count += 1
            row["sentence_id"] = self.sentence_count
        out["sentences"] = sentences
        for row in tokens:
            self.token_count += 1
            row.update(token_id=self.token_count, sentence_id=self._sentence_of(row["start"]))
        out["tokens"] = tokens
        local_ids: dict[str, str] = {}
        for table in SPAN_TABLES:
            kept_keys = set()
            kept = self._keep(table, rows[table], shift, a, b)
            for row in kept:
                new_id = f"{_ID_PREFIX[table]}{self.next_id[table]}"
                self.next_id[table] += 1
                local_ids[row["id"]] = new_id
                self.global_ids[(table, row["start"], row["end"])] = new_id
                kept_keys.add(row["id"])
                row.update(id=new_id, sentence_id=self._sentence_of(row["start"]))
            out[table] = kept
            # A row of this piece dropped for overlapping the previous piece's same span keeps
            # that span's id, so a relation of this piece can still point at it.
            for row in rows[table]:
                key = (table, row["start"] + shift, row["end"] + shift)
                if row["id"] not in kept_keys and key in self.global_ids:
                    local_ids.setdefault(row["id"], self.global_ids[key])
        out["relations"], out["relation_args"] = self._relations(rows, shift, a, b, local_ids)
        return out

    def _relations(self, rows, shift, a, b, local_ids):
        args_of: dict[str, list[dict]] = {}
        for arg in rows["relation_args"]:
            args_of.setdefault(arg["rel_id"], []).append(arg)
        relations, arguments = [], []
        for rel in rows["relations"]:
            start = rel["evidence_start"] + shift
            if not a <= start < b:
                continue
            args = args_of.get(rel["rel_id"], [])
            if any(arg["arg_id"] and arg["arg_id"] not in local_ids for arg in args):
                continue  # an argument no piece kept
            rel_id = f"R{self.next_relation}"
            self.next_relation += 1
            relations.append({**rel, "rel_id": rel_id, "evidence_start": start,
                              "evidence_end": rel["evidence_end"] + shift, "sentence_id": self._sentence_of(start)})
            for arg in args:
                moved = {**arg, "rel_id": rel_id}
                if arg["arg_id"]:
                    moved["arg_id"] = local_ids[arg["arg_id"]]
                if arg["start"] is not None:
                    moved["start"], moved["end"] = arg["start"] + shift, arg["end"] + shift
                arguments.append(moved)
        return relations, arguments
