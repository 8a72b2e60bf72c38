"""The entity model's training corpus of our own real-text gold (pipeline/train/ner_data.py): the
dev split's annotations, their texts read from ../shared/corpora, moved onto the working copy the
model reads; the held-out documents and the test split are never read."""
from pathlib import Path

import pytest

from pipeline.train import ner_data

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason="needs ../shared/corpora")


@pytest.fixture(scope="module")
def gold_sentences():
    from pipeline.language import build_resources

    resources = build_resources()
    resources.segmenter.initialize()
    spec = ner_data.label_config()["corpora"]["real-dev"]
    sentences, hashes = ner_data.read_gold_corpus("real-dev", spec, CORPORA, resources.segmenter,
                                                  resources.gazetteer, resources.entity_rules,
                                                  resources.normalizer)
    return spec, sentences, hashes


def test_only_the_dev_split_is_read_and_the_held_out_documents_are_left_out(gold_sentences):
    spec, sentences, hashes = gold_sentences
    assert spec["gold"] == "benchmarks/real/dev"
    read = {s.id for s in sentences}
    dev = {p.stem for p in (ROOT / "benchmarks/real/dev").glob("*.json")}
    test = {p.stem for p in (ROOT / "benchmarks/real/test").glob("*.json")}
    assert read and read <= dev and not read & test
    assert not read & set(spec["exclude"]) and set(spec["exclude"]) <= dev
    assert len(hashes) == len(dev) - len(spec["exclude"])


def test_spans_lie_on_the_working_copy_with_the_models_labels(gold_sentences):
    _, sentences, _ = gold_sentences
    labels = set(ner_data.label_config()["model_labels"])
    seen = set()
    for s in sentences:
        assert len(s.segs) == len(s.text) and len(s.text) <= ner_data.MAX_CHARS
        for start, end, labs in s.spans:
            assert 0 <= start < end <= len(s.text)
            if labs is not ner_data.UNKNOWN:
                assert labs <= labels
                seen |= labs
    assert {"PERSON", "ORG", "GPE", "LOC"} <= seen
    # a traditional document is read in the working (simplified) script, as the model sees it
    taiwan = [s for s in sentences if s.id.startswith("drcd-")]
    assert taiwan and not any("國" in s.text for s in taiwan)


def test_a_label_the_model_does_not_predict_gives_no_supervision(gold_sentences):
    spec, sentences, _ = gold_sentences
    unsupervised = [lab for lab, target in spec["labels"].items() if target == "unknown"]
    assert {"FAC", "EVENT", "LAW", "NORP", "LANGUAGE"} <= set(unsupervised)
    assert any(labs is ner_data.UNKNOWN for s in sentences for _, _, labs in s.spans)


def test_a_repeated_corpus_is_seen_that_often_in_training_and_held_out_once():
    sentences = [ner_data.Sentence("big" if i % 2 else "small", str(i), "文字", [], [1, 3]) for i in range(400)]
    train, heldout = ner_data.split_heldout(sentences, 0.1, 7, {"small": 3})
    small_train = [s for s in train if s.corpus == "small"]
    assert len(small_train) == 3 * len({id(s) for s in small_train})
    assert not {id(s) for s in heldout} & {id(s) for s in train}
    plain, _ = ner_data.split_heldout(sentences, 0.1, 7)
    assert [s.id for s in plain if s.corpus == "big"] == [s.id for s in train if s.corpus == "big"]
