"""A static HTML report of a run: read what was extracted, and check it against gold.

:func:`write_report` reads the tables ``zhpipe run`` wrote (no pipeline rerun) and writes

- ``index.html``: every document with its counts (and its F1 where gold exists);
- ``docs/<doc_id>.html``: the text with entities, dates and numbers marked by label (the
  canonical name or value on hover), the relations beside it with their evidence; where gold
  exists, a switch that shows the gold next to the prediction with misses and false alarms marked;
- ``evaluation.html``: per-stage, per-label F1 as bars and the list of errors, from
  :func:`pipeline.evaluate.score`.

Every page is one self-contained file (the CSS and JS from ``pipeline/data`` are written into
it), so the site works offline and from ``file://``. All text is HTML-escaped. Overlapping spans
nest: a span that crosses another's end is cut into parts that share its id.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from . import gold as gold_module

LAYERS = ("entities", "dates", "numbers")
LABEL_FIELD = {"entities": "label", "dates": "type", "numbers": "label"}
# Where two spans cover the same characters, the earlier layer here is the outer one.
LAYER_ORDER = {"dates": 0, "numbers": 1, "entities": 2}
STATUS_TEXT = {"tp": "matches gold", "fp": "false alarm: no gold span with these offsets and label",
               "fn": "miss: the pipeline did not find this gold span"}


@dataclass
class Mark:
    """One span as the page shows it."""

    layer: str
    id: str
    start: int
    end: int
    label: str
    title: str
    status: str = ""


@dataclass
class Page:
    """What one document page shows."""

    doc_id: str
    slug: str
    info: dict
    text: str
    tables: dict  # table name -> this document's rows (DataFrame)
    prediction: gold_module.Annotation
    gold: gold_module.Annotation | None = None
    gold_note: str = ""


# --- the run's tables as annotations --------------------------------------------------------------

def _records(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None or frame.empty:
        return []
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def annotation_from_tables(tables: dict, doc_id: str) -> gold_module.Annotation:
    """The predictions of one document of a run, in the gold format (asserted relations only, as
    :func:`pipeline.gold.from_doc` gives them), so the scorer can compare them with gold."""
    def rows(name):
        frame = tables.get(name)
        return _records(frame[frame["doc_id"] == doc_id] if frame is not None and not frame.empty else None)

    documents = rows("documents")
    annotation = gold_module.Annotation(doc_id, (documents[0]["sha256"] or "") if documents else "")
    annotation.entities = [gold_module.Entity(r["id"], int(r["start"]), int(r["end"]), r["label"], r["text"],
                                              r["canonical"]) for r in rows("entities")]
    annotation.dates = [gold_module.Date(r["id"], int(r["start"]), int(r["end"]), r["text"], r["type"], r["value"],
                                         r["mod"]) for r in rows("dates")]
    annotation.numbers = [gold_module.Number(r["id"], int(r["start"]), int(r["end"]), r["text"], r["label"],
                                             r["value"], r["unit"], bool(r["approx"])) for r in rows("numbers")]
    args_of: dict[str, list[dict]] = {}
    for arg in rows("relation_args"):
        args_of.setdefault(arg["rel_id"], []).append(arg)
    for relation in rows("relations"):
        if (relation["modality"] or "asserted") != "asserted":
            continue
        args: dict = {}
        for arg in args_of.get(relation["rel_id"], []):
            value = arg["arg_id"] if arg["arg_id"] is not None else arg["value"]
            if arg["role"] in gold_module.LIST_ROLES:
                args.setdefault(arg["role"], []).append(value)
            else:
                args[arg["role"]] = value
        annotation.relations.append(gold_module.Relation(relation["rel_id"], relation["type"], args))
    return annotation


def document_text(info: dict, tables: dict, from_dir) -> str:
    """A document's text rebuilt from its tokens (which cover it), else from its sentences and
    the source file when its sha256 still matches; characters no table covers become spaces."""
    n = int(info["n_chars"] or 0)
    chars: list[str | None] = [None] * n
    for name in ("tokens", "sentences"):
        for row in _records(tables.get(name)):
            start, end, text = row["start"], row["end"], row["text"] or ""
            if start is not None and end == start + len(text) and end <= n:
                chars[start:end] = text
        if None not in chars:
            return "".join(chars)
    source = _source_text(info, from_dir)
    if source is not None and len(source) == n:
        return source
    return "".join(c if c is not None else " " for c in chars)


def _source_text(info: dict, from_dir) -> str | None:
    import hashlib

    path = info.get("path")
    if not path or path == "-":
        return None
    for candidate in (Path(path), Path(from_dir).parent / path):
        if candidate.is_file():
            data = candidate.read_bytes()
            if info.get("sha256") and hashlib.sha256(data).hexdigest() != info["sha256"]:
                return None
            try:
                return data.decode("utf-8-sig")
            except UnicodeDecodeError:
                return None
    return None


def _load_gold(gold_dir, doc_id: str, text: str, sha256: str | None):
    """(annotation or None, note): the gold for one document, checked against the run's text."""
    path = Path(gold_dir) / f"{doc_id}.json"
    if not path.is_file():
        return None, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return None, f"{path}: not valid JSON ({exc})"
    problems = gold_module.validate(data, text, str(path), sha256 or None)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return None, f"gold not used: {problems[0]}{more}"
    return gold_module.Annotation.from_dict(data), ""


# --- marks and matching -----------------------------------------------------------------------------

def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _span_title(layer: str, span, extra: str = "") -> str:
    if layer == "entities":
        parts = [span.label, span.canonical or span.text]
    elif layer == "dates":
        parts = [span.type, span.value or "no value"] + ([span.mod] if span.mod else [])
    else:
        value = "no value" if span.value is None else _number(span.value)
        parts = [span.label, value + (f" {span.unit}" if span.unit else "")] + (["approx"] if span.approx else [])
    return " · ".join([*parts, span.id]) + extra


def _marks(annotation: gold_module.Annotation, status: dict, extras: dict | None = None) -> list[Mark]:
    marks = []
    for layer in LAYERS:
        for span in getattr(annotation, layer):
            state = status.get((layer, span.id), "")
            extra = (extras or {}).get((layer, span.id), "")
            if state:
                extra += f" — {STATUS_TEXT[state]}"
            marks.append(Mark(layer, span.id, span.start, span.end, getattr(span, LABEL_FIELD[layer]),
                              _span_title(layer, span, extra), state))
    return marks


def match_document(gold: gold_module.Annotation, prediction: gold_module.Annotation):
    """Per-span and per-relation status: {(layer, id): "tp"|"fp"} for the prediction,
    {(layer, id): "tp"|"fn"} for gold, and {stage: PRF} counts — strict matching, as the scorer does."""
    from .evaluate import resolved_relations
    from .scoring import match_relations, match_spans, prf_from_pairs

    pred_status, gold_status, counts = {}, {}, {}
    for layer in LAYERS:
        g, p = getattr(gold, layer), getattr(prediction, layer)
        key = (lambda s: s.label) if layer == "entities" else None
        pairs = match_spans(g, p, "strict", key)
        counts[layer] = prf_from_pairs(len(g), len(p), pairs)
        matched_g, matched_p = {i for i, _ in pairs}, {j for _, j in pairs}
        gold_status.update({(layer, s.id): "tp" if i in matched_g else "fn" for i, s in enumerate(g)})
        pred_status.update({(layer, s.id): "tp" if j in matched_p else "fp" for j, s in enumerate(p)})
    g, p = resolved_relations(gold), resolved_relations(prediction)
    pairs = match_relations(g, p)
    counts["relations"] = prf_from_pairs(len(g), len(p), pairs)
    matched_g, matched_p = {i for i, _ in pairs}, {j for _, j in pairs}
    gold_status.update({("relations", r["id"]): "tp" if i in matched_g else "fn" for i, r in enumerate(g)})
    pred_status.update({("relations", r["id"]): "tp" if j in matched_p else "fp" for j, r in enumerate(p)})
    return pred_status, gold_status, counts


# --- text with nested marks -------------------------------------------------------------------------

def render_text(text: str, marks: list[Mark]) -> str:
    """The text as HTML with every mark as a ``<mark>``; overlapping marks nest, and one that
    crosses an outer mark's end is cut into parts (``data-part``) that share its id."""
    pieces = [(m.start, m.end, m) for m in marks if 0 <= m.start < m.end <= len(text)]
    return _nest(text, pieces, 0, len(text))


def _order(piece):
    start, end, mark = piece
    return start, -end, LAYER_ORDER.get(mark.layer, 9), mark.id


def _nest(text: str, pieces: list, lo: int, hi: int) -> str:
    """HTML for ``text[lo:hi]`` with the pieces marked; overlapping pieces nest, and one that
    crosses another's end is cut there. Linear in the number of pieces unless pieces cross."""
    out, pos = [], lo
    pieces = sorted(pieces, key=_order)
    i = 0
    while i < len(pieces):
        start, end, mark = pieces[i]
        inner, tails = [], []
        j = i + 1
        while j < len(pieces) and pieces[j][0] < end:
            s, e, m = pieces[j]
            if e <= end:
                inner.append((s, e, m))
            else:  # crosses the end of this mark: the part inside nests, the rest comes after
                inner.append((s, end, m))
                tails.append((end, e, m))
            j += 1
        out.append(escape(text[pos:start]))
        out.append(_open_mark(mark, start, end) + _nest(text, inner, start, end) + "</mark>")
        pos = end
        if tails:
            pieces, i = sorted(tails + pieces[j:], key=_order), 0
        else:
            i = j
    out.append(escape(text[pos:hi]))
    return "".join(out)


def _open_mark(mark: Mark, start: int, end: int) -> str:
    part = ""
    if (start, end) != (mark.start, mark.end):
        part = "first" if start == mark.start else "last" if end == mark.end else "middle"
    attrs = {"data-layer": mark.layer, "data-id": mark.id, "data-label": mark.label, "title": mark.title,
             "data-status": mark.status or None, "data-part": part or None}
    return "<mark" + "".join(f' {k}="{escape(str(v))}"' for k, v in attrs.items() if v is not None) + ">"


# --- pages ----------------------------------------------------------------------------------------

def _asset(name: str) -> str:
    from .resources import data_path

    return data_path(name).read_text(encoding="utf-8")


def _page(title: str, body: str, body_class: str, css: str, js: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>\n{css}</style>\n</head>\n"
            f'<body class="{body_class}">\n{body}\n<script>\n{js}</script>\n</body>\n</html>\n')


def _slugs(doc_ids) -> dict[str, str]:
    out, used = {}, set()
    for doc_id in doc_ids:
        base = re.sub(r"[^\w.-]+", "_", doc_id).strip(".") or "doc"
        slug, n = base, 1
        while slug.lower() in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug.lower())
        out[doc_id] = slug
    return out


def _fmt(value, digits: int = 3) -> str:
    return "" if value is None or pd.isna(value) else f"{value:.{digits}f}"


def _f1(prf) -> str:
    """F1 to two places; a dash where neither gold nor prediction has anything."""
    return f"{prf.f1:.2f}" if prf.tp + prf.fp + prf.fn else "—"


def _bar(value, kind: str = "") -> str:
    if value is None or pd.isna(value):
        return '<span class="bar empty"></span>'
    width = max(0.0, min(1.0, float(value))) * 100
    return (f'<span class="bar {kind}" title="{value:.3f}"><span style="width:{width:.1f}%"></span></span>'
            f'<span class="num">{value:.3f}</span>')


def _legend(pred: list[Mark], gold: list[Mark]) -> str:
    """A swatch per label with its predicted count (and, in the gold view, its gold count)."""
    counts: dict[tuple, list[int]] = {}
    for k, marks in enumerate((pred, gold)):
        for mark in marks:
            counts.setdefault((mark.layer, mark.label), [0, 0])[k] += 1
    groups = []
    for layer in LAYERS:
        items = [f'<span class="swatch" data-layer="{layer}" data-label="{escape(label)}">{escape(label)}</span>'
                 f'<span class="count">{n_pred}'
                 + (f'<span class="gold-inline"> / {n_gold} gold</span>' if gold else "") + "</span>"
                 for (lay, label), (n_pred, n_gold) in sorted(counts.items()) if lay == layer]
        if items:
            groups.append(f'<span class="legend-group"><span class="legend-layer">{layer}</span>'
                          f'{"".join(items)}</span>')
    return "".join(groups) or '<span class="muted">nothing extracted</span>'


def _arg_text(arg: dict) -> str:
    shown = arg.get("text") if arg.get("text") is not None else arg.get("value")
    extra = arg.get("canonical") if arg.get("canonical") not in (None, arg.get("text")) else None
    extra = extra or (arg.get("value") if arg.get("value") not in (None, shown) else None)
    return escape(str(shown or "")) + (f' <span class="muted">({escape(str(extra))})</span>' if extra else "")


def _evidence(text: str, start, end, args: list[dict]) -> str:
    if start is None or end is None or not 0 <= start < end <= len(text):
        return ""
    marks = [Mark("args", a["arg_id"] or "", a["start"], a["end"], a["role"], a["role"])
             for a in args if a.get("start") is not None and start <= a["start"] < a["end"] <= end]
    shifted = [Mark(m.layer, m.id, m.start - start, m.end - start, m.label, m.title) for m in marks]
    return f'<blockquote class="evidence">{render_text(text[start:end], shifted)}</blockquote>'


def _status_tag(status: str) -> str:
    return f'<span class="status-tag" data-status="{status}">{escape(STATUS_TEXT[status].split(":")[0])}</span>'


def _relation_cards(page: Page, pred_status: dict) -> str:
    relations = _records(page.tables.get("relations"))
    args_of: dict[str, list[dict]] = {}
    for arg in _records(page.tables.get("relation_args")):
        args_of.setdefault(arg["rel_id"], []).append(arg)
    if not relations:
        return '<p class="muted">no relations</p>'
    cards = []
    for relation in relations:
        rel_id = relation["rel_id"]
        args = args_of.get(rel_id, [])
        modality = relation["modality"] or "asserted"
        status = pred_status.get(("relations", rel_id), "") if modality == "asserted" else ""
        head = [f'<span class="rel-type">{escape(relation["type"] or "")}</span>', escape(rel_id)]
        if modality != "asserted":
            head.append(f'<span class="modality">{escape(modality)} (not scored)</span>')
        if relation["confidence"] is not None:
            head.append(f'<span class="muted">{relation["confidence"]:.2f}</span>')
        if status:
            head.append(_status_tag(status))
        items = "".join(f'<li><span class="role">{escape(a["role"] or "")}</span> {_arg_text(a)}'
                        + (' <span class="muted">(earlier mention)</span>' if a.get("coref") else "") + "</li>"
                        for a in args)
        ids = " ".join(a["arg_id"] for a in args if a.get("arg_id"))
        cards.append(f'<div class="rel" data-rel="{escape(rel_id)}" data-args="{escape(ids)}" '
                     f'data-modality="{escape(modality)}"' + (f' data-status="{status}"' if status else "") + ">"
                     f'<div class="rel-head">{" · ".join(head)}</div><ul class="args">{items}</ul>'
                     f'{_evidence(page.text, relation["evidence_start"], relation["evidence_end"], args)}</div>')
    return "".join(cards)


def _gold_relation_cards(page: Page, gold_status: dict) -> str:
    if not page.gold.relations:
        return '<p class="muted">no gold relations</p>'
    spans = page.gold.spans_by_id()
    cards = []
    for relation in page.gold.relations:
        status = gold_status.get(("relations", relation.id), "")
        items, ids = [], []
        for role, value in relation.args.items():
            for v in value if isinstance(value, list) else [value]:
                span = spans.get(v) if isinstance(v, str) else None
                if span is None:
                    items.append(f'<li><span class="role">{escape(role)}</span> {escape(str(v))}</li>')
                    continue
                ids.append(span.id)
                shown = getattr(span, "canonical", None) or getattr(span, "value", None)
                items.append(f'<li><span class="role">{escape(role)}</span> {escape(span.text)}'
                             + (f' <span class="muted">({escape(str(shown))})</span>' if shown and shown != span.text
                                else "") + "</li>")
        tag = _status_tag(status) if status else ""
        cards.append(f'<div class="rel" data-rel="{escape(relation.id)}" data-args="{escape(" ".join(ids))}"'
                     + (f' data-status="{status}"' if status else "") + ">"
                     f'<div class="rel-head"><span class="rel-type">{escape(relation.type)}</span> · '
                     f'{escape(relation.id)} {tag}</div><ul class="args">{"".join(items)}</ul></div>')
    return "".join(cards)


def _document_page(page: Page, neighbours: tuple, css: str, js: str) -> str:
    extras = {}
    for row in _records(page.tables.get("entities")):
        bits = [f"kb {row['kb_id']}" if row.get("kb_id") else "", f"from {row['source']}" if row.get("source") else ""]
        if any(bits):
            extras[("entities", row["id"])] = " (" + ", ".join(b for b in bits if b) + ")"
    pred_status, gold_status, counts = (match_document(page.gold, page.prediction) if page.gold
                                        else ({}, {}, {}))
    pred_marks = _marks(page.prediction, pred_status, extras)
    gold_marks = _marks(page.gold, gold_status) if page.gold else []
    n = {name: len(page.tables[name]) if page.tables.get(name) is not None else 0
         for name in ("sentences", "tokens", *LAYERS, "relations")}
    meta = (f'{escape(page.info.get("path") or "")} · {escape(page.info.get("script") or "")} · '
            f'{int(page.info.get("n_chars") or 0)} characters · {n["sentences"]} sentences · {n["tokens"]} tokens')
    prev_doc, next_doc = neighbours
    nav = ['<a href="../index.html">← all documents</a>']
    if prev_doc:
        nav.append(f'<a rel="prev" href="{quote(prev_doc[1])}.html">‹ {escape(prev_doc[0])}</a>')
    if next_doc:
        nav.append(f'<a rel="next" href="{quote(next_doc[1])}.html">{escape(next_doc[0])} ›</a>')
    layer_boxes = "".join(f'<label><input type="checkbox" data-layer="{layer}" checked> {layer} ({n[layer]})</label>'
                          for layer in LAYERS)
    gold_switch, gold_pane, gold_rel, scores = "", "", "", ""
    if page.gold:
        gold_switch = ('<label class="gold-switch"><input type="checkbox" id="toggle-gold"> compare with gold '
                       '<span class="muted">(misses and false alarms marked)</span></label>')
        gold_pane = (f'<section class="pane gold-only" data-pane="gold"><h2>Gold</h2>'
                     f'<div class="text">{render_text(page.text, gold_marks)}</div></section>')
        gold_rel = (f'<div class="gold-only"><h2>Gold relations ({len(page.gold.relations)})</h2>'
                    f'<div class="rel-list" data-pane="gold">{_gold_relation_cards(page, gold_status)}</div></div>')
        scores = "".join(f'<span class="score">{stage} F1 {_f1(prf)} '
                         f'<span class="muted">({prf.tp} tp, {prf.fp} false alarms, {prf.fn} misses)</span></span>'
                         for stage, prf in counts.items())
        scores = (f'<p class="gold-only scores">{scores}</p>'
                  f'<p class="gold-only key"><mark data-status="fp">false alarm</mark> predicted, not in gold · '
                  f'<mark data-status="fn">miss</mark> in gold, not predicted · strict matching (same offsets; '
                  f'and label for entities)</p>')
    elif page.gold_note:
        gold_switch = f'<p class="warning">{escape(page.gold_note)}</p>'
    body = f"""<header>
<nav>{" · ".join(nav)}</nav>
<h1>{escape(page.doc_id)}</h1>
<p class="meta">{meta}</p>
</header>
<section class="controls">
<div class="toggles">{layer_boxes}{gold_switch}</div>
<div class="legend">{_legend(pred_marks, gold_marks)}</div>
{scores}
</section>
<main class="panes">
<section class="pane" data-pane="pred"><h2 class="gold-only">Predicted</h2>
<div class="text">{render_text(page.text, pred_marks)}</div></section>
{gold_pane}
<aside class="relations">
<h2>Relations ({n["relations"]})</h2>
<div class="rel-list" data-pane="pred">{_relation_cards(page, pred_status)}</div>
{gold_rel}
</aside>
</main>"""
    return _page(f"{page.doc_id} — zhpipe report", body, "doc-page", css, js)


def _index_page(pages: list[Page], tables: dict, from_dir, evaluated: bool, gold_dir, css: str, js: str) -> str:
    rows = []
    for page in pages:
        n = {name: len(page.tables[name]) if page.tables.get(name) is not None else 0
             for name in ("sentences", *LAYERS, "relations")}
        if page.gold:
            _, _, counts = match_document(page.gold, page.prediction)
            gold_cell = " ".join(f'<span title="{stage}: strict F1">{stage[0].upper()} {_f1(prf)}</span>'
                                 for stage, prf in counts.items())
        else:
            gold_cell = f'<span class="warning">{escape(page.gold_note)}</span>' if page.gold_note else "—"
        rows.append(f'<tr><td><a href="docs/{quote(page.slug)}.html">{escape(page.doc_id)}</a></td>'
                    f'<td>{escape(page.info.get("script") or "")}</td>'
                    f'<td class="n">{int(page.info.get("n_chars") or 0)}</td>'
                    + "".join(f'<td class="n">{n[k]}</td>' for k in ("sentences", *LAYERS, "relations"))
                    + f"<td>{gold_cell}</td></tr>")
    labels = tables["entities"]["label"].value_counts() if not tables["entities"].empty else pd.Series(dtype=int)
    summary = " · ".join(f"{name} {len(frame)}" for name, frame in tables.items() if name != "tokens")
    by_label = ", ".join(f"{escape(str(k))} {v}" for k, v in labels.items()) or "none"
    if evaluated:
        gold_line = f'<a href="evaluation.html">evaluation against gold</a> ({escape(str(gold_dir))})'
    elif gold_dir:
        gold_line = f"no document of this run has gold in {escape(str(gold_dir))}"
    else:
        gold_line = "no gold given (pass <code>--gold DIR</code> to compare)"
    body = f"""<header>
<h1>zhpipe report</h1>
<p class="meta">tables from {escape(str(from_dir))} · {summary}</p>
<p class="meta">entities by label: {by_label}</p>
<p>{gold_line}</p>
</header>
<main>
<table class="grid docs">
<thead><tr><th>document</th><th>script</th><th>chars</th><th>sentences</th><th>entities</th><th>dates</th>
<th>numbers</th><th>relations</th><th>gold (strict F1: entities, dates, numbers, relations)</th></tr></thead>
<tbody>
{"".join(rows)}
</tbody>
</table>
</main>"""
    return _page("zhpipe report", body, "index-page", css, js)


def _sentence_html(text: str, sentence: str, start, end) -> str:
    """The error's sentence with its span marked, located by offset (not by searching its text)."""
    if not sentence:
        return ""
    if text and start is not None and end is not None:
        at = text.rfind(sentence, 0, start + len(sentence))  # the last occurrence that begins by start
        if at >= 0 and at <= start < end <= at + len(sentence):
            s, e = start - at, end - at
            return f"{escape(sentence[:s])}<mark>{escape(sentence[s:e])}</mark>{escape(sentence[e:])}"
    return escape(sentence)


def _evaluation_page(report, pages: list[Page], css: str, js: str) -> str:
    metrics = report.metrics
    slugs = {page.doc_id: page.slug for page in pages}
    texts = {page.doc_id: page.text for page in pages}
    sections = []
    for stage in ("entities", "dates", "numbers", "relations"):
        frame = metrics[metrics.stage == stage]
        modes = ("full", "core") if stage == "relations" else ("strict", "relaxed")
        labels = ["ALL"] + sorted(set(frame.label) - {"ALL"})
        rows = []
        for label in labels:
            cells = []
            for mode in modes:
                row = frame[(frame.label == label) & (frame.matching == mode)]
                r = row.iloc[0] if not row.empty else None
                cells.append(f'<td class="n">{_fmt(r.precision) if r is not None else ""}</td>'
                             f'<td class="n">{_fmt(r.recall) if r is not None else ""}</td>'
                             f'<td class="barcell">{_bar(r.f1 if r is not None else None, mode)}</td>')
            first = frame[(frame.label == label) & (frame.matching == modes[0])]
            n_gold = int(first.n_gold.iloc[0]) if not first.empty else 0
            n_pred = int(first.n_pred.iloc[0]) if not first.empty else 0
            rows.append(f'<tr class="{"total" if label == "ALL" else ""}"><th>{escape(str(label))}</th>'
                        f'<td class="n">{n_gold}</td><td class="n">{n_pred}</td>{"".join(cells)}</tr>')
        value = frame[frame.matching == "value_accuracy"]
        value_line = ""
        if not value.empty:
            v = value.iloc[0]
            value_line = (f'<p class="value-accuracy">value accuracy (strictly matched spans whose '
                          f'{"value and mod" if stage == "dates" else "value and unit"} agree): '
                          f'{_bar(v.f1, "value")} <span class="muted">{int(v.tp)} of {int(v.n_gold)}</span></p>')
        heads = "".join(f'<th>P</th><th>R</th><th>F1 {mode}</th>' for mode in modes)
        sections.append(f'<section class="stage" id="{stage}"><h2>{stage}</h2>'
                        f'<table class="grid metrics"><thead><tr><th>label</th><th>gold</th><th>pred</th>{heads}'
                        f'</tr></thead><tbody>{"".join(rows)}</tbody></table>{value_line}</section>')
    errors = []
    for row in _records(report.errors.sort_values(["stage", "doc_id", "start"], kind="stable")
                        if not report.errors.empty else report.errors):
        kind = "miss" if row["error"] == "false_negative" else "false alarm"
        doc = row["doc_id"]
        sentence = (escape(row["sentence"] or "") if row["stage"] == "relations" else
                    _sentence_html(texts.get(doc, ""), row["sentence"] or "", row["start"], row["end"]))
        link = f'<a href="docs/{quote(slugs.get(doc, doc))}.html#gold">{escape(doc)}</a>'
        errors.append(f'<tr data-stage="{escape(row["stage"])}" data-error="{escape(row["error"])}">'
                      f'<td>{escape(row["stage"])}</td><td>{link}</td>'
                      f'<td class="err-{escape(row["error"])}">{kind}</td>'
                      f'<td>{escape(str(row["label"] or ""))}</td><td>{escape(str(row["text"] or ""))}</td>'
                      f'<td>{escape(str(row["value"] or ""))}</td><td>{escape(str(row["nearest"] or ""))}</td>'
                      f'<td class="sentence">{sentence}</td></tr>')
    stage_options = "".join(f'<option value="{s}">{s}</option>' for s in ("entities", "dates", "numbers", "relations"))
    docs = ", ".join(f'<a href="docs/{quote(slugs.get(d, d))}.html#gold">{escape(d)}</a>' for d in report.documents)
    body = f"""<header>
<nav><a href="index.html">← all documents</a></nav>
<h1>Evaluation against gold</h1>
<p class="meta">{len(report.documents)} document(s) with gold: {docs}</p>
<p class="meta">Bars: F1 per label, strict (same span; and label for entities) and relaxed (overlapping span);
relations full (every gold role matches) and core.</p>
</header>
<main>
{"".join(sections)}
<section id="errors"><h2>Errors ({len(errors)})</h2>
<p class="filters">stage <select data-filter="stage"><option value="">all</option>{stage_options}</select>
error <select data-filter="error"><option value="">all</option><option value="false_negative">miss</option>
<option value="false_positive">false alarm</option></select> <span class="muted" id="shown-count"></span></p>
<table class="grid errors"><thead><tr><th>stage</th><th>document</th><th>error</th><th>label</th><th>text</th>
<th>value</th><th>nearest</th><th>sentence</th></tr></thead>
<tbody>{"".join(errors)}</tbody></table>
</section>
</main>"""
    return _page("evaluation — zhpipe report", body, "eval-page", css, js)


def build_pages(from_dir, gold_dir=None) -> tuple[dict, list[Page]]:
    """The run's tables and one :class:`Page` per document (with its gold where there is one)."""
    from .query import load_tables

    tables = load_tables(from_dir)
    grouped = {name: dict(tuple(frame.groupby("doc_id", sort=False))) if not frame.empty else {}
               for name, frame in tables.items()}
    infos = _records(tables["documents"])
    slugs = _slugs([info["doc_id"] for info in infos])
    pages = []
    for info in infos:
        doc_id = info["doc_id"]
        doc_tables = {name: groups.get(doc_id) for name, groups in grouped.items()}
        text = document_text(info, doc_tables, from_dir)
        page = Page(doc_id, slugs[doc_id], info, text, doc_tables, annotation_from_tables(doc_tables, doc_id))
        if gold_dir:
            page.gold, page.gold_note = _load_gold(gold_dir, doc_id, text, info.get("sha256"))
        pages.append(page)
    return tables, pages


def write_report(from_dir="outputs", out_dir="outputs/report", gold_dir=None) -> Path:
    """Write the site into ``out_dir``; returns the path of its ``index.html``."""
    from .evaluate import score

    if gold_dir is not None and not Path(gold_dir).is_dir():
        raise FileNotFoundError(f"{gold_dir}: no such gold folder")
    tables, pages = build_pages(from_dir, gold_dir)
    css, js = _asset("report.css"), _asset("report.js")
    out = Path(out_dir)
    (out / "docs").mkdir(parents=True, exist_ok=True)
    for k, page in enumerate(pages):
        prev_doc = (pages[k - 1].doc_id, pages[k - 1].slug) if k > 0 else None
        next_doc = (pages[k + 1].doc_id, pages[k + 1].slug) if k + 1 < len(pages) else None
        neighbours = (prev_doc, next_doc)
        html = _document_page(page, neighbours, css, js)
        (out / "docs" / f"{page.slug}.html").write_text(html, encoding="utf-8")
    with_gold = [page for page in pages if page.gold]
    if with_gold:
        report = score({p.doc_id: p.gold for p in with_gold}, {p.doc_id: p.prediction for p in with_gold},
                       {p.doc_id: p.text for p in with_gold})
        (out / "evaluation.html").write_text(_evaluation_page(report, pages, css, js), encoding="utf-8")
    index = out / "index.html"
    index.write_text(_index_page(pages, tables, from_dir, bool(with_gold), gold_dir, css, js), encoding="utf-8")
    return index
