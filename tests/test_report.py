"""``zhpipe report``: the static site, from the tables of a real run, checked as HTML and in a
real headless browser (Debian's chromium; those tests skip when it is not installed)."""
import hashlib
import html
import json
import re
import shutil
import subprocess
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import cli, evaluate, gold, report, tables
from pipeline.runner import process, read_tables, run_document, write_tables
from pipeline.textio import read_text

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "annotations"
SAMPLE, GOLD_DOC = "csto-overview", "hk-port-agreement"
XSS_TEXT = ("北約與俄羅斯在莫斯科簽署協定。<script>document.title='pwned';window.pwned=1</script>"
            "<b>粗體</b> & \"引號\" </body> 歐盟成立。\n")


@pytest.fixture(scope="session")
def run_dir(nlp, tmp_path_factory):
    """A real run over the sample, a second gold document and a text full of markup."""
    base = tmp_path_factory.mktemp("report-run")
    xss = base / "markup-doc.txt"
    xss.write_text(XSS_TEXT, encoding="utf-8")
    result = process([str(ROOT / "corpus" / f"{SAMPLE}.txt"), str(ROOT / "corpus" / f"{GOLD_DOC}.txt"), str(xss)],
                     nlp=nlp)
    assert not result.errors
    out = base / "outputs"
    write_tables(result.frames, out)
    return out


@pytest.fixture(scope="session")
def site(run_dir):
    index = report.write_report(run_dir, run_dir.parent / "report", gold_dir=GOLD_DIR)
    return index.parent


# --- helpers ---------------------------------------------------------------------------------------

class MarkTexts(HTMLParser):
    """id -> [(label, text of each part)] for every <mark data-id> (nested marks included)."""

    def __init__(self):
        super().__init__()
        self.stack, self.marks, self.parts = [], {}, []

    def handle_starttag(self, tag, attrs):
        if tag == "mark":
            attrs = dict(attrs)
            self.stack.append(attrs)
            if attrs.get("data-id") is not None:
                self.marks.setdefault(attrs["data-id"], []).append([attrs.get("data-label"), ""])
                attrs["_part"] = self.marks[attrs["data-id"]][-1]

    def handle_endtag(self, tag):
        if tag == "mark":
            self.stack.pop()

    def handle_data(self, data):
        for attrs in self.stack:
            if "_part" in attrs:
                attrs["_part"][1] += data


def pane(page_html: str, name: str) -> str:
    start = page_html.index(f'data-pane="{name}"><h2')
    return page_html[start:page_html.index("</section>", start)]


def marks_in(fragment: str) -> dict:
    parser = MarkTexts()
    parser.feed(fragment)
    return {k: (v[0][0], "".join(text for _, text in v)) for k, v in parser.marks.items()}


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def synthetic_run(tmp_path, with_tokens=True):
    """A run whose dates, numbers and relations are filled (and overlap the entities), written by
    hand in the declared schemas, with a gold file for it."""
    text = "2006年9月8日，俄羅斯與白俄羅斯在明斯克簽署《集體安全條約》，約3萬人<參加>。\n"
    path = tmp_path / "corpus" / "synthetic.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

    def at(s, nth=0):
        i = -1
        for _ in range(nth + 1):
            i = text.index(s, i + 1)
        return i, i + len(s)

    def span(row_id, s, nth=0, **fields):
        start, end = at(s, nth)
        return {"doc_id": "synthetic", "id": row_id, "sentence_id": 1, "start": start, "end": end, "text": s, **fields}

    rows = tables.empty_tables()
    rows["documents"] = [{"doc_id": "synthetic", "path": str(path), "script": "hant", "n_chars": len(text),
                          "n_sentences": 1, "n_tokens": len(text), "doc_date": None,
                          "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}]
    rows["sentences"] = [{"doc_id": "synthetic", "sentence_id": 1, "start": 0, "end": len(text) - 1,
                          "text": text[:-1]}]
    if with_tokens:
        rows["tokens"] = [{"doc_id": "synthetic", "token_id": i + 1, "sentence_id": 1, "start": i, "end": i + 1,
                           "text": ch, "norm": ch} for i, ch in enumerate(text)]
    ent = dict(canonical=None, kb_id=None, source="rule")
    rows["entities"] = [span("T1", "8日，俄羅斯", label="EVENT", **ent),  # crosses the date's end
                        span("T2", "俄羅斯", label="GPE", **{**ent, "canonical": "俄罗斯"}),
                        span("T3", "白俄羅斯", label="GPE", **{**ent, "canonical": "白俄罗斯"}),
                        span("T4", "明斯克", label="GPE", **ent),
                        span("T5", "集體安全條約", label="LAW", **{**ent, "canonical": "集体安全条约"})]
    rows["dates"] = [span("D1", "2006年9月8日", type="DATE", value="2006-09-08", mod=None)]
    rows["numbers"] = [span("N1", "約3萬人", label="QUANTITY", value=30000.0, unit="人", approx=True),
                       span("N2", "2006年", label="CARDINAL", value=2006.0, unit=None, approx=False)]
    start, end = at("俄羅斯與白俄羅斯在明斯克簽署《集體安全條約》")
    rows["relations"] = [{"doc_id": "synthetic", "rel_id": "R1", "type": "signed", "modality": "asserted",
                          "sentence_id": 1, "evidence_start": start, "evidence_end": end,
                          "evidence": text[start:end], "confidence": 0.9},
                         {"doc_id": "synthetic", "rel_id": "R2", "type": "joined", "modality": "planned",
                          "sentence_id": 1, "evidence_start": start, "evidence_end": end,
                          "evidence": text[start:end], "confidence": 0.4}]
    arg = dict(doc_id="synthetic", value=None, coref=False)
    rows["relation_args"] = [
        {**arg, "rel_id": "R1", "role": "agent", "arg_id": "T2", **dict(zip(("start", "end"), at("俄羅斯"))),
         "text": "俄羅斯", "canonical": "俄罗斯"},
        {**arg, "rel_id": "R1", "role": "agent", "arg_id": "T3", **dict(zip(("start", "end"), at("白俄羅斯"))),
         "text": "白俄羅斯", "canonical": "白俄罗斯"},
        {**arg, "rel_id": "R1", "role": "agreement", "arg_id": "T5",
         **dict(zip(("start", "end"), at("集體安全條約"))), "text": "集體安全條約", "canonical": "集体安全条约"},
        {**arg, "rel_id": "R1", "role": "date", "arg_id": "D1", **dict(zip(("start", "end"), at("2006年9月8日"))),
         "text": "2006年9月8日", "canonical": None, "value": "2006-09-08"},
        {**arg, "rel_id": "R2", "role": "member", "arg_id": "T2", **dict(zip(("start", "end"), at("俄羅斯"))),
         "text": "俄羅斯", "canonical": "俄罗斯"},
        {**arg, "rel_id": "R2", "role": "status", "arg_id": None, "start": None, "end": None, "text": "觀察員",
         "canonical": None, "value": "觀察員"}]
    run = tmp_path / "outputs"
    write_tables(tables.frames(rows), run)

    def g(span_row, **extra):
        return {k: span_row[k] for k in ("id", "start", "end", "text")} | extra

    e = {r["id"]: r for r in rows["entities"]}
    gold_data = {
        "doc_id": "synthetic", "text_sha256": rows["documents"][0]["sha256"],
        "entities": [g(e["T2"], label="GPE", canonical="俄罗斯"), g(e["T3"], label="GPE", canonical="白俄罗斯"),
                     g(e["T5"], label="LAW"), g(span("T9", "明斯克"), label="ORG")],  # T4 GPE vs gold ORG
        "dates": [g(rows["dates"][0], type="DATE", value="2006-09-08")],
        "numbers": [g(rows["numbers"][0], label="QUANTITY", value=30000, unit="人", approx=True)],
        "relations": [{"id": "R1", "type": "signed", "args": {"agent": ["T2", "T3"], "agreement": "T5"}}]}
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "synthetic.json").write_text(json.dumps(gold_data, ensure_ascii=False), encoding="utf-8")
    return run, gold_dir, text, rows


# --- predictions from the tables --------------------------------------------------------------------

def test_predictions_from_tables_score_as_the_pipeline_does(nlp, run_dir):
    """Scoring the run's tables gives the metrics that scoring the pipeline's own output gives."""
    frames = read_tables(run_dir)
    gold_set = gold.load_folder(GOLD_DIR, ROOT / "corpus")
    docs = [SAMPLE, GOLD_DOC]
    from_tables = {d: report.annotation_from_tables(frames, d) for d in docs}
    direct = {}
    for d in docs:
        document = read_text(ROOT / "corpus" / f"{d}.txt")
        direct[d] = gold.from_doc(run_document(nlp, document), document)
    golds = {d: gold_set[d][0] for d in docs}
    texts = {d: gold_set[d][1] for d in docs}
    a = evaluate.score(golds, from_tables, texts).metrics
    b = evaluate.score(golds, direct, texts).metrics
    assert a.fillna(-1).round(9).equals(b.fillna(-1).round(9))
    assert [e.text for e in from_tables[SAMPLE].entities] == [e.text for e in direct[SAMPLE].entities]


def test_text_is_rebuilt_from_the_tables(run_dir):
    frames = read_tables(run_dir)
    _, pages = report.build_pages(run_dir)
    for page in pages:
        if page.doc_id in (SAMPLE, GOLD_DOC):
            assert page.text == gold.read_corpus_text(ROOT / "corpus" / f"{page.doc_id}.txt")
    assert {p.doc_id for p in pages} == set(frames["documents"]["doc_id"])


# --- nesting ---------------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="俄羅斯<>&\"' a\n", min_size=1, max_size=30).flatmap(
    lambda text: st.tuples(st.just(text), st.lists(
        st.tuples(st.integers(0, len(text)), st.integers(0, len(text)), st.sampled_from(report.LAYERS)),
        max_size=8))))
def test_marks_nest_and_keep_the_text(case):
    text, raw = case
    marks = [report.Mark(layer, f"X{k}", min(a, b), max(a, b), f"L{k}", f"<t{k}>")
             for k, (a, b, layer) in enumerate(raw) if a != b]
    out = report.render_text(text, marks)
    assert plain(out) == text
    assert out.count("<mark") == out.count("</mark>")
    found = marks_in(out)
    for mark in marks:
        assert found[mark.id] == (mark.label, text[mark.start:mark.end])


def test_crossing_spans_are_cut_into_parts():
    text = "2006年9月8日，俄羅斯"
    marks = [report.Mark("dates", "D1", 0, 9, "DATE", "t"), report.Mark("entities", "T1", 8, 13, "EVENT", "t")]
    out = report.render_text(text, marks)
    assert 'data-id="T1" data-label="EVENT" title="t" data-part="first">日</mark>' in out
    assert 'data-part="last">，俄羅斯</mark>' in out


def test_page_names_are_safe_and_distinct():
    slugs = report._slugs(["a b#c", "新聞稿", "a_b_c", "../up", "A_B_C"])
    assert slugs == {"a b#c": "a_b_c", "新聞稿": "新聞稿", "a_b_c": "a_b_c-2", "../up": "_up", "A_B_C": "A_B_C-3"}


# --- the site as HTML --------------------------------------------------------------------------------

def test_site_pages(site, run_dir):
    frames = read_tables(run_dir)
    index = (site / "index.html").read_text(encoding="utf-8")
    for doc_id in frames["documents"]["doc_id"]:
        assert f'href="docs/{doc_id}.html"' in index
        assert (site / "docs" / f"{doc_id}.html").is_file()
    assert 'href="evaluation.html"' in index
    evaluation = (site / "evaluation.html").read_text(encoding="utf-8")
    assert "2 document(s) with gold" in evaluation
    for stage in ("entities", "dates", "numbers", "relations"):
        assert f'<section class="stage" id="{stage}">' in evaluation
    assert 'class="bar strict"' in evaluation and '<table class="grid errors">' in evaluation
    for page in site.rglob("*.html"):
        content = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", content), f"{page} loads from the network"


def test_every_predicted_entity_is_marked_with_its_label(site, run_dir):
    frames = read_tables(run_dir)
    page = (site / "docs" / f"{SAMPLE}.html").read_text(encoding="utf-8")
    found = marks_in(pane(page, "pred"))
    entities = frames["entities"][frames["entities"].doc_id == SAMPLE]
    assert len(entities) > 50
    for row in entities.itertuples():
        assert found[row.id] == (row.label, row.text)
    gold_marks = marks_in(pane(page, "gold"))
    annotation = gold.load_folder(GOLD_DIR, ROOT / "corpus")[SAMPLE][0]
    assert {e.id for e in annotation.entities} <= set(gold_marks)


def test_markup_in_the_text_is_shown_as_text(site):
    page = (site / "docs" / "markup-doc.html").read_text(encoding="utf-8")
    text = pane(page, "pred")
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;" in text
    assert "<script" not in text and "<b>" not in text
    assert plain(text).endswith(XSS_TEXT)


def test_filled_layers_overlap_and_relations(tmp_path):
    run, gold_dir, text, rows = synthetic_run(tmp_path)
    index = report.write_report(run, tmp_path / "site", gold_dir=gold_dir)
    page = (index.parent / "docs" / "synthetic.html").read_text(encoding="utf-8")
    pred = pane(page, "pred")
    assert plain(pred).endswith(text)
    found = marks_in(pred)
    for layer in ("entities", "dates", "numbers"):
        for row in rows[layer]:
            label = row["label"] if layer != "dates" else row["type"]
            assert found[row["id"]] == (label, row["text"])
    # values on hover, parts of the crossing entity, the date nesting the number inside it
    assert 'title="DATE · 2006-09-08 · D1' in pred
    assert 'title="QUANTITY · 30000 人 · approx · N1' in pred
    assert 'data-id="T1" data-label="EVENT"' in pred and 'data-part="first"' in pred
    assert re.search(r'data-id="D1"[^>]*>\s*<mark data-layer="numbers" data-id="N2"', pred)
    # statuses against gold: T4 is GPE, gold says ORG
    assert re.search(r'data-id="T4"[^>]*data-status="fp"', pred)
    assert re.search(r'data-id="T9"[^>]*data-status="fn"', pane(page, "gold"))
    # relations: evidence with its arguments marked; the planned one shown but not scored
    card = page[page.index('data-rel="R1"'):page.index('data-rel="R2"')]
    assert 'data-args="T2 T3 T5 D1"' in card and 'data-status="tp"' in card
    assert '<mark data-layer="args" data-id="T5" data-label="agreement"' in card
    assert "planned (not scored)" in page and "觀察員" in page
    assert "&lt;參加&gt;" in pred
    evaluation = (index.parent / "evaluation.html").read_text(encoding="utf-8")
    assert "false alarm" in evaluation and "miss" in evaluation
    # the error's sentence with the span marked where it is (the second 俄羅斯 is inside 白俄羅斯)
    assert "在<mark>明斯克</mark>簽署" in evaluation


def test_text_from_sentences_and_file_when_tokens_are_missing(tmp_path):
    run, gold_dir, text, _ = synthetic_run(tmp_path, with_tokens=False)
    (run / "tokens.parquet").unlink()
    (run / "tokens.csv").unlink()
    _, pages = report.build_pages(run, gold_dir)
    assert pages[0].text == text and pages[0].gold is not None


def test_empty_tables_and_no_gold(tmp_path, run_dir):
    for path in run_dir.iterdir():
        if path.name.split(".")[0] in ("documents", "sentences", "tokens", "entities"):
            shutil.copy(path, tmp_path / path.name)
    index = report.write_report(tmp_path, tmp_path / "site")
    assert not (index.parent / "evaluation.html").exists()
    page = (index.parent / "docs" / f"{SAMPLE}.html").read_text(encoding="utf-8")
    assert 'id="toggle-gold"' not in page and "no relations" in page
    assert "no gold given" in index.read_text(encoding="utf-8")


def test_gold_for_another_text_is_not_used(tmp_path):
    run, gold_dir, _, _ = synthetic_run(tmp_path)
    data = json.loads((gold_dir / "synthetic.json").read_text(encoding="utf-8"))
    data["text_sha256"] = "0" * 64
    (gold_dir / "synthetic.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    index = report.write_report(run, tmp_path / "site", gold_dir=gold_dir)
    page = (index.parent / "docs" / "synthetic.html").read_text(encoding="utf-8")
    assert "gold not used" in page and "text_sha256" in page and 'id="toggle-gold"' not in page


def test_cli_report(run_dir, tmp_path, capsys):
    out = tmp_path / "site"
    assert cli.main(["report", "--from", str(run_dir), "-o", str(out), "--gold", str(GOLD_DIR)]) == 0
    assert (out / "index.html").is_file() and (out / "evaluation.html").is_file()
    assert cli.main(["report", "--from", str(tmp_path / "nothing"), "-o", str(out)]) == 2
    assert "no such folder" in capsys.readouterr().err


# --- in a real browser --------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium): the report pages are "
                             "checked in a real headless browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]

# Runs first in <head>: records uncaught errors.
CATCH = ("<script>window.__errors=[];"
         "window.addEventListener('error',function(e){__errors.push(String(e.message));});</script>")
# Runs last: reads the marks as rendered, clicks the gold switch, reads them again.
PROBE = """<script>
(function () {
  function marks(pane) {
    return Array.prototype.map.call(document.querySelectorAll('[data-pane="' + pane + '"] .text mark[data-id]'),
      function (m) {
        var style = getComputedStyle(m);
        return {id: m.dataset.id, label: m.dataset.label, layer: m.dataset.layer, text: m.textContent,
                status: m.dataset.status || "", tag: getComputedStyle(m, "::after").content,
                outline: style.outlineStyle, background: style.backgroundColor};
      });
  }
  function state() {
    var gold = document.querySelector('[data-pane="gold"].pane');
    return {gold: gold ? getComputedStyle(gold).display : null, pred: marks("pred"),
            goldMarks: gold ? marks("gold") : [], cls: document.body.className};
  }
  var result = {title: document.title, pwned: !!window.pwned, before: state()};
  var toggle = document.getElementById("toggle-gold");
  if (toggle) { toggle.click(); result.after = state(); }
  var layer = document.querySelector('input[data-layer="entities"]');
  if (layer) { layer.click(); result.hidden = state().pred.filter(function (m) { return m.layer === "entities"; })
                 .map(function (m) { return m.background; }); }
  var select = document.querySelector('select[data-filter="stage"]');
  if (select) {
    select.value = "entities"; select.dispatchEvent(new Event("change"));
    result.errorRows = document.querySelectorAll("table.errors tbody tr").length;
    result.shownRows = document.querySelectorAll("table.errors tbody tr:not(.filtered)").length;
    result.entityRows = document.querySelectorAll('table.errors tbody tr[data-stage="entities"]').length;
  }
  result.errors = window.__errors;
  var out = document.createElement("pre");
  out.id = "__probe";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
})();
</script>"""


def chromium(*args, timeout=90):
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=timeout)


def probe(page: Path) -> dict:
    """Load a copy of ``page`` with the probe in it; the probe's findings and the console's errors."""
    source = page.read_text(encoding="utf-8")
    head, _, tail = source.rpartition("</body>")
    copy = page.with_name(f"probe-{page.name}")
    copy.write_text(head.replace("<head>", "<head>" + CATCH, 1) + PROBE + "</body>" + tail, encoding="utf-8")
    done = chromium("--enable-logging=stderr", "--v=0", "--dump-dom", copy.as_uri())
    copy.unlink()
    found = re.search(r'<pre id="__probe">(.*?)</pre>', done.stdout, re.S)
    assert found, f"no probe result; chromium said: {done.stderr[-2000:]}"
    result = json.loads(html.unescape(found.group(1)))
    result["console"] = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return result


def by_id(marks) -> dict:
    out = {}
    for m in marks:
        label, text, tags = out.get(m["id"], (m["label"], "", []))
        out[m["id"]] = (label, text + m["text"], tags + [m["tag"]])
    return out


@needs_chromium
@pytest.mark.parametrize("doc_id", [SAMPLE, GOLD_DOC])
def test_browser_marks_gold_switch_and_no_errors(site, run_dir, doc_id):
    result = probe(site / "docs" / f"{doc_id}.html")
    assert result["errors"] == [] and result["console"] == []
    frames = read_tables(run_dir)
    entities = frames["entities"][frames["entities"].doc_id == doc_id]
    shown = by_id(result["before"]["pred"])
    for row in entities.itertuples():
        label, text, tags = shown[row.id]
        assert (label, text) == (row.label, row.text)
        assert tags[-1] == f'"{row.label}"'  # the label is drawn after the span (its last part)
    # The gold switch: hidden gold, plain marks → gold pane beside, false alarms and misses outlined.
    assert result["before"]["gold"] == "none" and "show-gold" not in result["before"]["cls"]
    assert result["after"]["gold"] == "block" and "show-gold" in result["after"]["cls"]
    assert {m["outline"] for m in result["before"]["pred"]} == {"none"}
    after = result["after"]
    assert {m["outline"] for m in after["pred"] if m["status"] == "fp"} <= {"dashed"}
    assert {m["outline"] for m in after["goldMarks"] if m["status"] == "fn"} <= {"solid"}
    assert {m["outline"] for m in after["pred"] if m["status"] == "tp"} <= {"none"}
    assert any(m["status"] == "fn" for m in after["goldMarks"]) or any(m["status"] == "fp" for m in after["pred"])
    gold_ids = {e.id for e in gold.load_folder(GOLD_DIR, ROOT / "corpus")[doc_id][0].entities}
    assert gold_ids <= set(by_id(after["goldMarks"]))
    # Switching a layer off leaves its spans as plain text.
    assert set(result["hidden"]) == {"rgba(0, 0, 0, 0)"}


@needs_chromium
def test_browser_shows_markup_as_text(site):
    result = probe(site / "docs" / "markup-doc.html")
    assert result["errors"] == [] and result["console"] == []
    assert not result["pwned"] and result["title"] == "markup-doc — zhpipe report"
    assert "gold" not in result or result["before"]["gold"] is None


@needs_chromium
def test_browser_evaluation_and_index(site):
    result = probe(site / "evaluation.html")
    assert result["errors"] == [] and result["console"] == []
    assert result["errorRows"] > result["shownRows"] == result["entityRows"] > 0
    index = probe(site / "index.html")
    assert index["errors"] == [] and index["console"] == []


@needs_chromium
def test_browser_renders_overlaps(tmp_path):
    run, gold_dir, _, rows = synthetic_run(tmp_path)
    index = report.write_report(run, tmp_path / "site", gold_dir=gold_dir)
    result = probe(index.parent / "docs" / "synthetic.html")
    assert result["errors"] == [] and result["console"] == []
    shown = by_id(result["before"]["pred"])
    assert shown["T1"][:2] == ("EVENT", "8日，俄羅斯") and shown["T1"][2] == ["none", '"EVENT"']
    assert shown["N2"][:2] == ("CARDINAL", "2006年") and shown["D1"][:2] == ("DATE", "2006年9月8日")


@needs_chromium
def test_browser_screenshot(site, tmp_path):
    shot = tmp_path / "report.png"
    started = time.perf_counter()
    done = chromium("--window-size=1400,1000", f"--screenshot={shot}", (site / "docs" / f"{SAMPLE}.html").as_uri())
    assert shot.is_file(), done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert time.perf_counter() - started < 60
