"""Real-world input: encodings, refusals as data, long documents, odd characters, runs killed
at the worst moment, and the same bytes every time. Files are made here; nothing is mocked."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline import encodings, runner
from pipeline.pieces import cores
from pipeline.textio import Document

ROOT = Path(__file__).resolve().parent.parent
SPAN_TABLES = ("sentences", "tokens", "entities", "dates", "numbers")

# Our own text (traditional; every character is in Big5 and GB18030).
TRADITIONAL = ("臺灣大學於一九二八年創立，當時名為臺北帝國大學。二○○五年，學校與國立臺灣科技大學簽署合作協定，"
               "雙方約定每年交換一百名學生。校長在記者會上表示，這項合作將擴及研究與教學。\r\n"
               "同年十月，兩校在臺北舉行首屆聯合研討會，吸引超過三百位學者參加。")
SIMPLIFIED = "2006年，哈萨克斯坦在阿斯塔纳加入上海合作组织。成员国领导人于6月15日签署了《上海合作组织宪章》。"


def zhpipe(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)


def assert_spans_slice(rows, texts):
    for name in SPAN_TABLES:
        for row in rows[name]:
            assert texts[row["doc_id"]][row["start"]:row["end"]] == row["text"], (name, row)


def content(rows, table):
    """A table's rows without what names the file (id, path, hash, encoding)."""
    drop = {"doc_id", "path", "sha256", "encoding", "encoding_confidence"}
    return [{k: v for k, v in r.items() if k not in drop} for r in rows[table]]


# --- encodings ----------------------------------------------------------------------------------

@pytest.mark.parametrize("codec, expected", [("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16-le"),
                                             ("gb18030", "gbk"), ("big5", "big5"), ("utf-8", "utf-8")])
def test_detect_names_the_encoding(codec, expected):
    found = encodings.detect(TRADITIONAL.encode(codec))
    assert found.text == TRADITIONAL and found.encoding == expected
    assert found.confidence >= encodings.MIN_CONFIDENCE


def test_utf16_without_a_mark_and_simplified_gb18030_are_detected():
    assert encodings.detect(SIMPLIFIED.encode("utf-16-le")).text == SIMPLIFIED
    assert encodings.detect(SIMPLIFIED.encode("utf-16-be")).text == SIMPLIFIED
    assert encodings.detect(SIMPLIFIED.encode("gb18030")).text == SIMPLIFIED


def test_a_file_too_short_to_tell_is_refused_not_guessed():
    with pytest.raises(encodings.UndetectedEncoding, match="alike"):
        encodings.detect("中文".encode("gb18030"))  # also two valid Big5 characters


def test_one_document_in_four_encodings_gives_the_same_tables(nlp, tmp_path):
    paths = []
    for codec in ("utf-8-sig", "utf-16", "gb18030", "big5"):
        folder = tmp_path / codec
        folder.mkdir()
        (folder / "doc.txt").write_bytes(TRADITIONAL.encode(codec))
        paths.append(folder / "doc.txt")
    result = runner.process(paths, nlp=nlp)
    assert not result.errors
    per_doc = [runner.tables.concat([{k: [r for r in v if r.get("doc_id") == d] for k, v in result.rows.items()}])
               for d in ("doc", "doc-2", "doc-3", "doc-4")]
    for table in ("sentences", "tokens", "entities", "dates", "numbers", "relations"):
        assert all(content(p, table) == content(per_doc[0], table) for p in per_doc[1:]), table
    assert content(per_doc[0], "entities"), "the document has names"
    assert_spans_slice(result.rows, {d: TRADITIONAL for d in ("doc", "doc-2", "doc-3", "doc-4")})
    assert all(r["n_chars"] == len(TRADITIONAL) for r in result.rows["documents"])  # CRLF kept
    assert [r["encoding"] for r in result.rows["documents"]] == ["utf-8-sig", "utf-16-le", "gbk", "big5"]


def test_bad_files_go_to_the_errors_table_and_the_rest_is_processed(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(SIMPLIFIED, encoding="utf-8")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "image.txt").write_bytes(bytes(range(256)) * 16)
    (inputs / "controls.txt").write_bytes(b"\x01\x02\x03\x04" * 100)  # valid UTF-8, but no text
    (inputs / "huge.txt").write_text(SIMPLIFIED * 40, encoding="utf-8")
    proc = zhpipe("run", inputs, "-o", tmp_path / "out", "--max-chars", 2000)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "4 input(s) failed" in proc.stderr
    tables = runner.read_tables(tmp_path / "out")
    assert list(tables["documents"].doc_id) == ["good"]
    reasons = dict(zip((Path(p).name for p in tables["errors"].path), tables["errors"].reason))
    assert reasons == {"empty.txt": "empty", "image.txt": "binary", "controls.txt": "binary", "huge.txt": "too_large"}
    assert all(d.startswith(p) for p, d in zip(tables["errors"].path, tables["errors"].detail))


# --- long documents -----------------------------------------------------------------------------

def test_cores_cover_the_text_and_prefer_sentence_ends():
    text = ("一二三四五六七八九十。" * 50) + ("無標點" * 400)
    parts = cores(text, 200)
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))
    assert all(text[e - 1] == "。" for _, e in parts[:3])  # cut after a sentence end where there is one
    assert all(e - s <= 200 for s, e in parts)


def test_a_document_in_pieces_finds_what_it_finds_whole(nlp):
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))[:4])
    document = Document("d", text)
    whole = runner.tables.concat(runner.iter_rows(nlp, document))
    pieces = runner.tables.concat(runner.iter_rows(nlp, document, piece_chars=1500))
    assert len(cores(text, 1500)) >= 4
    assert_spans_slice(pieces, {"d": text})
    for table in ("entities", "dates", "numbers"):
        found = {(r["start"], r["end"], r.get("label")) for r in pieces[table]}
        gold = {(r["start"], r["end"], r.get("label")) for r in whole[table]}
        assert len(found & gold) / len(found | gold) >= 0.95, table
        ids = [r["id"] for r in pieces[table]]
        assert ids == [f"{ids[0][0]}{i}" for i in range(1, len(ids) + 1)]
    tokens = pieces["tokens"]
    assert all(a["end"] <= b["start"] for a, b in zip(tokens, tokens[1:]))
    assert [t["token_id"] for t in tokens] == list(range(1, len(tokens) + 1))
    sentences = pieces["sentences"]
    assert all(a["end"] <= b["start"] for a, b in zip(sentences, sentences[1:]))
    assert pieces["documents"][0]["n_tokens"] == len(tokens) and pieces["documents"][0]["n_chars"] == len(text)
    entity_ids = {r["id"] for r in pieces["entities"]}
    assert all(a["arg_id"] is None or a["arg_id"] in entity_ids | {r["id"] for r in pieces["dates"]}
               for a in pieces["relation_args"])
    assert len(pieces["relations"]) >= 0.8 * len(whole["relations"])


def test_a_document_of_a_million_and_a_half_characters_beside_a_small_one(nlp, tmp_path):
    unit = "本报讯2021年3月，两国在北京签署合作协定，约定投资一百亿元。另据消息称该组织成员国首脑理事会于次年召开会议"
    long_text = (unit * (1_500_000 // len(unit) + 1))[:1_500_000]  # no sentence end for pages at a time
    (tmp_path / "long.txt").write_text(long_text, encoding="utf-8")
    (tmp_path / "small.txt").write_text(SIMPLIFIED, encoding="utf-8")
    result = runner.run_to_folder([tmp_path / "long.txt", tmp_path / "small.txt"], tmp_path / "out", nlp=nlp,
                                  formats=["parquet"])
    assert not result.errors
    tables = runner.read_tables(tmp_path / "out")
    documents = tables["documents"].set_index("doc_id")
    assert documents.loc["long", "n_chars"] == 1_500_000
    assert set(tables["entities"].doc_id) == {"long", "small"}
    entities = tables["entities"][tables["entities"].doc_id == "long"]
    assert entities.end.max() > 1_490_000  # found all along the document
    sample = entities.iloc[::997]
    assert all(long_text[s:e] == t for s, e, t in zip(sample.start, sample.end, sample.text))
    assert not entities.duplicated(["start"]).any()


# --- odd characters -----------------------------------------------------------------------------

ODD = ["\U0001F600", "\U0001F468\u200d\U0001F469\u200d\U0001F467", "e\u0301", "\u200b", "\u200d", "\ue000",
       "\x07", "\x1b", "&amp;", "&#x4E2D;", "&nbsp;", "\r\n", "\u3000", "\U00020000", "\ufeff", "\u2028"]
PIECES = ["北京", "上海合作组织", "2024年3月5日", "一百亿元", "签署", "协定", "。", "，", "臺灣", "成立于", "美国", "Trump",
          "WHO", "１２３", "三分之一", "哈萨克斯坦", "在", "与"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(ODD), st.sampled_from(PIECES), st.text(max_size=6)), max_size=40))
def test_any_text_goes_through_and_every_span_slices_the_original(nlp, parts):
    text = "".join(parts)
    if not text:
        return
    result = runner.process([Document("f", text)], nlp=nlp)
    assert not result.errors
    assert_spans_slice(result.rows, {"f": text})
    pieces = runner.tables.concat(runner.iter_rows(nlp, Document("f", text), piece_chars=40))
    assert_spans_slice(pieces, {"f": text})
    for table in ("entities", "dates", "numbers", "tokens", "sentences"):
        rows = pieces[table]
        assert all(a["end"] <= b["start"] for a, b in zip(rows, rows[1:])), table


# --- whole-run atomicity and determinism --------------------------------------------------------

KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import pipeline
    from pipeline import runner
    moment, out, source = sys.argv[1], sys.argv[2], sys.argv[3]
    real_replace = os.replace
    def replace(src, dst, *args, **kwargs):
        if Path(dst).name == "current":
            if moment == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            real_replace(src, dst, *args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)
        return real_replace(src, dst, *args, **kwargs)
    os.replace = replace
    runner.run_to_folder([Path(source)], out, nlp=pipeline.load(ner="none"))
""")


def _run_ids(out: Path) -> set:
    tables = runner.read_tables(out)
    return {name: set(frame.doc_id) for name, frame in tables.items() if "doc_id" in frame and len(frame)}


@pytest.mark.parametrize("moment, survivor", [("before", "old"), ("after", "new")])
def test_a_run_killed_at_the_switch_leaves_one_runs_tables(tmp_path, moment, survivor):
    (tmp_path / "old.txt").write_text(SIMPLIFIED, encoding="utf-8")
    (tmp_path / "new.txt").write_text(TRADITIONAL, encoding="utf-8")
    out = tmp_path / "out"
    assert zhpipe("run", tmp_path / "old.txt", "-o", out, "--no-model").returncode == 0
    proc = subprocess.run([sys.executable, "-c", KILLER, moment, str(out), str(tmp_path / "new.txt")],
                          cwd=ROOT, capture_output=True, timeout=600)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    seen = _run_ids(out)
    assert set(seen) >= {"documents", "sentences", "tokens", "entities", "dates"}
    assert all(ids == {survivor} for ids in seen.values()), seen
    # The next run removes what the killed one left behind.
    assert zhpipe("run", tmp_path / "old.txt", "-o", out, "--no-model").returncode == 0
    assert len(list((out / ".zhpipe" / "runs").iterdir())) == 1
    assert not list((out / ".zhpipe").glob("current.new-*"))


def test_tables_of_an_older_version_are_taken_over_whole(tmp_path, nlp):
    frames = runner.process([SIMPLIFIED], nlp=nlp).frames
    out = tmp_path / "out"
    out.mkdir()
    for name, frame in frames.items():  # the layout before whole-run switching: plain files
        frame.to_csv(out / f"{name}.csv", index=False)
    (out / ".zhpipe-abc123").mkdir()    # an older version's staging folder, left by a kill
    runner.write_tables(runner.process([TRADITIONAL], nlp=nlp).frames, out)
    assert all((out / f"{name}.{fmt}").is_symlink() for name in frames for fmt in ("csv", "parquet"))
    assert set(runner.read_tables(out)["documents"].doc_id) == {"text-1"}
    assert "臺灣大學" in set(runner.read_tables(out)["entities"].text)
    assert not (out / ".zhpipe-abc123").exists()


def test_runs_write_the_same_bytes_whatever_the_jobs(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TRADITIONAL, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(SIMPLIFIED, encoding="gb18030")
    for run, jobs in (("one", 1), ("two", 1), ("parallel", 2)):
        assert zhpipe("run", tmp_path / "in", "-o", tmp_path / run, "-j", jobs).returncode == 0
    names = sorted(p.name for p in (tmp_path / "one").glob("*.*") if not p.name.startswith("."))
    assert len(names) == 2 * len(runner.tables.TABLES)
    for name in names:
        one, two, parallel = ((tmp_path / run / name).read_bytes() for run in ("one", "two", "parallel"))
        assert one == two == parallel, name
