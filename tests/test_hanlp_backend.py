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
