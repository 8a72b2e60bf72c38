"""Doc → tidy DataFrames. The table schemas live here, in one place.

Every table has ``doc_id``; every span has ``start``/``end`` into the original text and its
``text`` (``original[start:end] == text``). Ids are stable within a document: entities ``T1…``,
dates ``D1…``, numbers ``N1…``, relations ``R1…`` in text order, as in the gold format.
"""
from __future__ import annotations

import bisect
from typing import Iterable

import pandas as pd

# table -> (column, pandas dtype). Written tables always have exactly these columns.
SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "documents": [("doc_id", "string"), ("path", "string"), ("script", "string"), ("n_chars", "Int64"),
                  ("n_sentences", "Int64"), ("n_tokens", "Int64"), ("doc_date", "string"), ("sha256", "string"),
                  ("encoding", "string"), ("encoding_confidence", "Float64")],
    "sentences": [("doc_id", "string"), ("sentence_id", "Int64"), ("start", "Int64"), ("end", "Int64"),
                  ("text", "string")],
    "tokens": [("doc_id", "string"), ("token_id", "Int64"), ("sentence_id", "Int64"), ("start", "Int64"),
               ("end", "Int64"), ("text", "string"), ("norm", "string")],
    "entities": [("doc_id", "string"), ("id", "string"), ("sentence_id", "Int64"), ("start", "Int64"),
                 ("end", "Int64"), ("text", "string"), ("label", "string"), ("canonical", "string"),
                 ("kb_id", "string"), ("source", "string")],
    "dates": [("doc_id", "string"), ("id", "string"), ("sentence_id", "Int64"), ("start", "Int64"),
              ("end", "Int64"), ("text", "string"), ("type", "string"), ("value", "string"), ("mod", "string")],
    "numbers": [("doc_id", "string"), ("id", "string"), ("sentence_id", "Int64"), ("start", "Int64"),
                ("end", "Int64"), ("text", "string"), ("label", "string"), ("value", "Float64"),
                ("unit", "string"), ("approx", "boolean")],
    "relations": [("doc_id", "string"), ("rel_id", "string"), ("type", "string"), ("modality", "string"),
                  ("sentence_id", "Int64"), ("evidence_start", "Int64"), ("evidence_end", "Int64"),
                  ("evidence", "string"), ("confidence", "Float64")],
    "relation_args": [("doc_id", "string"), ("rel_id", "string"), ("role", "string"), ("arg_id", "string"),
                      ("start", "Int64"), ("end", "Int64"), ("text", "string"), ("canonical", "string"),
                      ("value", "string"), ("coref", "boolean")],
    # One row per input the run could not use (the run goes on without it).
    "errors": [("path", "string"), ("reason", "string"), ("detail", "string")],
}
TABLES = tuple(SCHEMAS)


def empty_tables() -> dict[str, list[dict]]:
    return {name: [] for name in SCHEMAS}


def frames(rows: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    """Row dicts → DataFrames with the declared columns and dtypes, in declared order."""
    return {name: frame(name, rows.get(name, [])) for name in SCHEMAS}


def frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """One table's rows as a DataFrame with its declared columns and dtypes."""
    columns = SCHEMAS[name]
    return pd.DataFrame(rows, columns=[c for c, _ in columns]).astype(dict(columns))


class _SentenceIndex:
    def __init__(self, spans):
        self.starts = [s for s, _ in spans]

    def __call__(self, offset: int) -> int | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1 if i >= 0 else None


def arrow_schema(name: str):
    """The pyarrow schema of a table, so every part written of it has the same one."""
    import pyarrow as pa

    types = {"string": pa.string(), "Int64": pa.int64(), "Float64": pa.float64(), "boolean": pa.bool_()}
    return pa.schema([(column, types[dtype]) for column, dtype in SCHEMAS[name]])


def error_rows(errors) -> list[dict]:
    return [{"path": e.path, "reason": e.reason, "detail": str(e)} for e in errors]


def doc_rows(doc, doc_id: str, path: str = "", sha256: str = "", encoding: str = "",
             encoding_confidence: float | None = None) -> dict[str, list[dict]]:
    """One document's rows for every table."""
    from .language import sentence_spans

    rows = empty_tables()
    text = doc.text  # spaCy rebuilds Doc.text from the tokens on every access
    spans = sentence_spans(doc)
    sentence_of = _SentenceIndex(spans)
    rows["documents"].append({"doc_id": doc_id, "path": path, "script": doc._.script, "n_chars": len(doc.text),
                              "n_sentences": len(spans), "n_tokens": len(doc), "doc_date": doc._.doc_date,
                              "sha256": sha256, "encoding": encoding or None,
                              "encoding_confidence": encoding_confidence})
    rows["sentences"] = [{"doc_id": doc_id, "sentence_id": i, "start": s, "end": e, "text": text[s:e]}
                         for i, (s, e) in enumerate(spans, 1)]
    rows["tokens"] = [{"doc_id": doc_id, "token_id": t.i + 1, "sentence_id": sentence_of(t.idx), "start": t.idx,
                       "end": t.idx + len(t), "text": t.text, "norm": t.norm_} for t in doc]
    entities = doc._.entities or []
    dates = doc._.dates or []
    rows["entities"] = [{"doc_id": doc_id, "id": f"T{i}", "sentence_id": sentence_of(m.start), "start": m.start,
                         "end": m.end, "text": m.text, "label": m.label, "canonical": m.canonical,
                         "kb_id": m.kb_id or None, "source": m.source} for i, m in enumerate(entities, 1)]
    rows["dates"] = [{"doc_id": doc_id, "id": f"D{i}", "sentence_id": sentence_of(m.start), "start": m.start,
                      "end": m.end, "text": m.text, "type": m.type, "value": m.value, "mod": m.mod}
                     for i, m in enumerate(dates, 1)]
    rows["numbers"] = [{"doc_id": doc_id, "id": f"N{i}", "sentence_id": sentence_of(m.start), "start": m.start,
                        "end": m.end, "text": m.text, "label": m.label, "value": m.value, "unit": m.unit,
                        "approx": bool(m.approx)} for i, m in enumerate(doc._.numbers or [], 1)]
    for i, relation in enumerate(doc._.relations or [], 1):
        rel_id = f"R{i}"
        rows["relations"].append({
            "doc_id": doc_id, "rel_id": rel_id, "type": relation.type, "modality": relation.modality,
            "sentence_id": sentence_of(relation.evidence_start), "evidence_start": relation.evidence_start,
            "evidence_end": relation.evidence_end, "evidence": text[relation.evidence_start:relation.evidence_end],
            "confidence": relation.confidence})
        for arg in relation.args:
            rows["relation_args"].append(_arg_row(doc_id, rel_id, arg, entities, dates))
    return rows


def _arg_row(doc_id, rel_id, arg, entities, dates) -> dict:
    row = {"doc_id": doc_id, "rel_id": rel_id, "role": arg.role, "arg_id": None, "start": None, "end": None,
           "text": None, "canonical": None, "value": None, "coref": arg.coref}
    if arg.kind == "entity":
        m = entities[arg.index]
        row.update(arg_id=f"T{arg.index + 1}", start=m.start, end=m.end, text=m.text, canonical=m.canonical)
    elif arg.kind == "date":
        m = dates[arg.index]
        row.update(arg_id=f"D{arg.index + 1}", start=m.start, end=m.end, text=m.text, value=m.value)
    else:
        row.update(text=arg.value, value=arg.value)
    return row


def concat(parts: Iterable[dict[str, list[dict]]]) -> dict[str, list[dict]]:
    rows = empty_tables()
    for part in parts:
        for name, part_rows in part.items():
            rows[name].extend(part_rows)
    return rows
