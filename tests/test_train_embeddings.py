"""Pretraining the entity model's embeddings: it never reads the real-text gold documents, and it
gives every vocabulary entry a vector. The pretraining itself needs the train extra (PyTorch)."""
import csv
import json
from pathlib import Path

import pytest

from pipeline.train import embeddings
from pipeline.train.ner import _command

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside the repository")
def test_the_gold_documents_and_their_translations_are_left_out():
    with open(ROOT / "benchmarks" / "real" / "manifest.tsv", encoding="utf-8") as f:
        gold = {row["doc_id"] for row in csv.DictReader(f, delimiter="\t")}
    assert gold == embeddings.gold_documents() and len(gold) >= 45
    texts, counts = embeddings.raw_texts(CORPORA, lambda t: t, gold)
    kept = set(texts)
    docs = {}
    for path in CORPORA.glob("*/docs.jsonl"):
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                docs[d["id"]] = (path.parent.name, d)
    gold_titles = {d["title"] for doc_id, (corpus, d) in docs.items() if doc_id in gold and "ntrex" in corpus}
    for doc_id, (corpus, d) in docs.items():
        if doc_id in gold or ("ntrex" in corpus and d["title"] in gold_titles):
            assert d["text"] not in kept, doc_id  # neither the gold story nor its other-script twin
    assert counts["excluded"] > len(gold)  # the twins of the translated gold stories too
    assert len(texts) == len(docs) - counts["excluded"]


def test_pretraining_gives_every_entry_a_vector():
    pytest.importorskip("torch", reason="the train extra is not installed (pip install -e '.[train]')")
    texts = ["北京是中国的首都。", "上海是中国的城市。", "东京是日本的首都。"] * 20
    chars, bigrams = ["北", "京", "是", "中", "国", "的", "首", "都"], ["北京", "中国", "首都"]
    char_vectors, bigram_vectors, record = embeddings.pretrain(texts, chars, bigrams, 8, 6, seed=1, minutes=0.02,
                                                               log=lambda line: None)
    assert char_vectors.shape == (len(chars) + 2, 8) and bigram_vectors.shape == (len(bigrams) + 2, 6)
    assert not char_vectors[0].any() and record["passes"] >= 1 and record["loss"][-1] > 0


def test_the_record_names_the_command_without_where_the_file_went():
    assert _command(["ner", "--minutes", "80", "--out", "/tmp/x.onnx"]) == "python -m pipeline.train ner --minutes 80"
    assert _command(["--out=/tmp/x.onnx"]) == "python -m pipeline.train ner"
