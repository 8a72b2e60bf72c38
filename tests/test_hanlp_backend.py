"""`--ner hanlp:MODEL`: a HanLP model on disk as the entity model, everything else unchanged.

No pretrained HanLP model can be fetched here, so a fixture trains a tiny one (HanLP's
RNNNamedEntityRecognizer, random embeddings, our own dozen sentences; a few seconds), saves it and
the pipeline loads it through ``hanlp.load(path)``, the call that loads a pretrained model.
"""
import os
import subprocess
import sys

import pytest

hanlp = pytest.importorskip("hanlp", reason="the hanlp extra is not installed (pip install -e '.[hanlp]')")

SENTENCES = [
    ("张三在北京工作。", [("张三", "PER"), ("北京", "LOC")]),
    ("李四去上海出差了。", [("李四", "PER"), ("上海", "LOC")]),
    ("王五是华为公司的工程师。", [("王五", "PER"), ("华为公司", "ORG")]),
    ("赵六毕业于清华大学。", [("赵六", "PER"), ("清华大学", "ORG")]),
    ("小明住在广州。", [("小明", "PER"), ("广州", "LOC")]),
    ("阿里巴巴总部位于杭州。", [("阿里巴巴", "ORG"), ("杭州", "LOC")]),
    ("刘强在腾讯公司上班。", [("刘强", "PER"), ("腾讯公司", "ORG")]),
    ("陈静从南京来到深圳。", [("陈静", "PER"), ("南京", "LOC"), ("深圳", "LOC")]),
    ("北京大学位于北京。", [("北京大学", "ORG"), ("北京", "LOC")]),
    ("周杰在武汉开了一家店。", [("周杰", "PER"), ("武汉", "LOC")]),
    ("孙丽加入了百度公司。", [("孙丽", "PER"), ("百度公司", "ORG")]),
    ("吴刚和张三一起去了成都。", [("吴刚", "PER"), ("张三", "PER"), ("成都", "LOC")]),
    ("复旦大学在上海。", [("复旦大学", "ORG"), ("上海", "LOC")]),
    ("黄明在中国银行工作。", [("黄明", "PER"), ("中国银行", "ORG")]),
]


def _write_tsv(path, sentences):
    with open(path, "w", encoding="utf-8") as f:
        for text, names in sentences:
            tags, position = ["O"] * len(text), 0
            for name, label in names:
                at = text.index(name, position)
                tags[at:at + len(name)] = [f"B-{label}"] + [f"I-{label}"] * (len(name) - 1)
                position = at + len(name)
            f.writelines(f"{c}\t{t}\n" for c, t in zip(text, tags))
            f.write("\n")


@pytest.fixture(scope="module")
def hanlp_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("hanlp_home")
    old = os.environ.get("HANLP_HOME")
    os.environ["HANLP_HOME"] = str(home)
    yield home
    if old is None:
        os.environ.pop("HANLP_HOME", None)
    else:
        os.environ["HANLP_HOME"] = old


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory, hanlp_home):
    import torch
    from hanlp.components.ner.rnn_ner import RNNNamedEntityRecognizer

    torch.set_num_threads(1)
    folder = tmp_path_factory.mktemp("tiny")
    _write_tsv(folder / "train.tsv", SENTENCES)
    _write_tsv(folder / "dev.tsv", SENTENCES[:4])
    model = folder / "model"
    # crf=False: HanLP 2.1's RNN tagger builds its CRF with the batch and time axes swapped.
    RNNNamedEntityRecognizer().fit(str(folder / "train.tsv"), str(folder / "dev.tsv"), str(model), embed=32,
                                   rnn_hidden=32, drop=0.1, lr=0.01, crf=False, batch_size=4, epochs=30,
                                   patience=30, anneal_patience=0, tagging_scheme="BIO", token_delimiter="",
                                   devices=-1, seed=1, verbose=False)
    return model


def test_a_hanlp_model_on_disk_is_the_entity_model_and_offsets_stay_in_the_original(tiny_model):
    import pipeline
    from pipeline.runner import run_document
    from pipeline.textio import Document

    nlp = pipeline.load(ner=f"hanlp:{tiny_model}")
    # Traditional script: HanLP reads the simplified working copy; offsets point into this text.
    text = "張三在北京工作。李四去上海出差了。"
    doc = run_document(nlp, Document("t", text))
    found = {(m.text, m.label) for m in doc._.entities}
    assert ("張三", "PERSON") in found and ("北京", "GPE") in found and ("上海", "GPE") in found
    assert all(text[m.start:m.end] == m.text for m in doc._.entities)


def test_zhpipe_run_with_a_hanlp_model_writes_the_tables(tiny_model, tmp_path):
    import pandas

    source = tmp_path / "in" / "doc.txt"
    source.parent.mkdir()
    text = "2024年3月5日，王五在杭州会见了华为公司的代表。"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(source.parent), "-o", str(out),
                           "--ner", f"hanlp:{tiny_model}", "--format", "csv"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    entities = pandas.read_csv(out / "entities.csv")
    assert "王五" in set(entities.text) and "杭州" in set(entities.text)
    assert all(text[s:e] == t for s, e, t in zip(entities.start, entities.end, entities.text))
    assert len(pandas.read_csv(out / "dates.csv")) == 1  # the other stages are unchanged


def test_a_hanlp_model_not_on_disk_is_one_clear_error_and_no_download(hanlp_home, tmp_path):
    env = {**os.environ, "HANLP_HOME": str(hanlp_home)}
    source = tmp_path / "doc.txt"
    source.write_text("张三在北京工作。", encoding="utf-8")
    for model, expected in (("MSRA_NER_ELECTRA_SMALL_ZH", "is not on this machine"),
                            (str(tmp_path / "nothing-here"), "neither a folder on disk nor a HanLP model name")):
        done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(source), "-o", str(tmp_path / "out"),
                               "--ner", f"hanlp:{model}"], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 2
        assert expected in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
    assert not any(hanlp_home.rglob("*.zip"))  # nothing was fetched


# --- a HanLP dependency parser for relation patterns with `dep` -------------------------------

# A topicalised object: the positional rules find the signer but not what was signed.
FRONTED = "《中俄经济合作协定》，俄罗斯昨天在北京正式签署。"
PARSED = [FRONTED, "北京大学，复旦大学去年在上海正式签署。", "《上海合作组织宪章》，中国去年在北京签署。"]


def _arcs(doc):
    """Gold arcs made from the pipeline's own words: the trigger is the root, the person or
    polity before it its subject, a title's last word its object (the title's words hang on it)."""
    words = list(doc)
    root = next(t.i for t in words if t.norm_ == "签署")
    names = {t.i: e for e in doc.ents for t in e}
    arcs = []
    for t in words:
        entity = names.get(t.i)
        if t.i == root:
            arcs.append((0, "root"))
        elif entity is not None and t.i != entity[-1].i:
            arcs.append((entity[-1].i + 1, "compound"))
        elif entity is not None and entity.label_ in ("LAW", "WORK_OF_ART") or (entity is not None and t.i < root
                                                                                and doc[0].i == entity[0].i):
            arcs.append((root + 1, "obj"))
        elif entity is not None and entity.label_ in ("GPE", "ORG", "PERSON") and words[t.i - 1].norm_ != "在":
            arcs.append((root + 1, "nsubj"))
        elif t.is_punct:
            arcs.append((root + 1, "punct"))
        else:
            arcs.append((root + 1, "dep"))
    return arcs


@pytest.fixture(scope="module")
def tiny_parser(tmp_path_factory, hanlp_home):
    import contextlib
    import io
    import logging

    import torch
    from hanlp.components.parsers.biaffine.biaffine_dep import BiaffineDependencyParser

    import pipeline

    torch.set_num_threads(1)
    nlp = pipeline.load()
    folder = tmp_path_factory.mktemp("parser")
    with open(folder / "train.conllx", "w", encoding="utf-8") as f:
        for text in PARSED:
            doc = nlp(text)
            for i, (t, (head, rel)) in enumerate(zip(doc, _arcs(doc)), 1):
                f.write("\t".join([str(i), t.norm_, t.norm_, "_", "_", "_", str(head), rel, "_", "_"]) + "\n")
            f.write("\n")
    quiet = logging.getLogger("tiny-parser")
    quiet.setLevel(logging.WARNING)
    with contextlib.redirect_stdout(io.StringIO()):
        # separate_optimizer: without a transformer HanLP's default optimiser setup fails;
        # min_freq=1: on a dozen sentences every word is seen once.
        BiaffineDependencyParser().fit(str(folder / "train.conllx"), str(folder / "train.conllx"), str(folder / "model"),
                                       feat=None, n_embed=32, n_lstm_hidden=32, n_lstm_layers=1, n_mlp_arc=32,
                                       n_mlp_rel=16, pretrained_embed=None, transformer=None, separate_optimizer=True,
                                       min_freq=1, tree=True, lr=2e-2, batch_size=4, epochs=60, patience=60,
                                       devices=-1, seed=1, logger=quiet)
    return folder / "model"


def _relation(doc):
    relation = next(r for r in doc._.relations if r.type == "signed")
    return {(a.role, doc._.entities[a.index].text) for a in relation.args if a.role in ("agent", "agreement")}


def test_a_parse_fills_a_role_the_positional_rules_leave_empty(tiny_parser):
    import pipeline

    assert _relation(pipeline.load()(FRONTED)) == {("agent", "俄罗斯")}
    nlp = pipeline.load(dep=f"hanlp:{tiny_parser}")
    assert "zhpipe_dependencies" in nlp.pipe_names
    doc = nlp(FRONTED)
    assert _relation(doc) == {("agent", "俄罗斯"), ("agreement", "中俄经济合作协定")}
    trigger = next(t for t in doc if t.text == "簽署" or t.norm_ == "签署")
    assert trigger.head == trigger and doc._.dependencies[trigger.i] == (None, "root")
    title_end = next(t for t in doc if t.norm_ == "协定")
    assert title_end.head == trigger and title_end.dep_ == "obj"  # spaCy's own parse attributes


def test_zhpipe_run_with_a_parser_and_a_bad_dep_in_a_pattern(tiny_parser, tmp_path):
    source = tmp_path / "doc.txt"
    source.write_text(FRONTED, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(source), "-o", str(tmp_path / "out"),
                           "--dep", f"hanlp:{tiny_parser}", "--format", "csv"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    import pandas

    args = pandas.read_csv(tmp_path / "out" / "relation_args.csv")
    assert ("agreement", "《中俄经济合作协定》".strip("《》")) in set(zip(args.role, args.text))
    bad = tmp_path / "bad.yaml"
    bad.write_text("type: visited\ntriggers: [{words: [访问]}]\nroles:\n  visitor: {labels: [PERSON], position: before}\n"
                   "  date: {kind: date, dep: [obl]}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(source), "-o", str(tmp_path / "o2"),
                           "--patterns", str(bad)], capture_output=True, text=True)
    assert done.returncode == 2 and "dep" in done.stderr and "Traceback" not in done.stderr
