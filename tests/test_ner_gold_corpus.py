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


def _corpus_folder(root: Path, name: str, docs: list[dict]) -> None:
    import json

    (root / name).mkdir(parents=True)
    with open(root / name / "docs.jsonl", "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")


def test_silver_sentences_are_our_stages_names_and_never_a_gold_document_or_its_twin(tmp_path):
    from pipeline.language import build_resources
    from pipeline.train.embeddings import gold_documents

    gold = sorted(gold_documents())
    twin = next(d for d in gold if d.startswith("ntrex-zho-cn-"))
    drcd_gold = next(d for d in gold if d.startswith("drcd-"))
    # our own sentences, under ids of a gold document and of its translated twin: never read
    _corpus_folder(tmp_path, "drcd", [
        {"id": drcd_gold, "title": "甲", "text": "金門大橋位於舊金山。"},
        {"id": "drcd-own-1", "title": "乙", "text": "王小明在北京大學讀書，後來到上海工作。"}])
    _corpus_folder(tmp_path, "ntrex-zho-cn", [{"id": twin, "title": "故事", "text": "李四访问了日本。"}])
    _corpus_folder(tmp_path, "ntrex-zho-tw", [{"id": "ntrex-zho-tw-own", "title": "故事", "text": "李四訪問了日本。"}])
    resources = build_resources()
    resources.segmenter.initialize()
    spec = dict(ner_data.label_config()["corpora"]["silver"], silver=["drcd", "ntrex-zho-tw"])
    sentences, hashes = ner_data.read_silver_corpus("silver", spec, tmp_path, resources.segmenter,
                                                    resources.gazetteer, resources.entity_rules,
                                                    resources.normalizer)
    assert [s.text for s in sentences] == ["王小明在北京大学读书，后来到上海工作。"]  # working script
    found = {(sentences[0].text[a:b], tuple(sorted(labs))) for a, b, labs in sentences[0].spans}
    assert ("王小明", ("PERSON",)) in found and ("上海", ("GPE",)) in found
    (name, digest), = hashes.items()
    assert "1 documents" in name and len(digest) == 64
    again, _ = ner_data.read_silver_corpus("silver", spec, tmp_path, resources.segmenter, resources.gazetteer,
                                           resources.entity_rules, resources.normalizer)
    assert [(s.text, s.spans) for s in again] == [(s.text, s.spans) for s in sentences]


def test_silver_with_no_raw_text_is_an_error_naming_the_folder(tmp_path):
    from pipeline.language import build_resources

    resources = build_resources()
    spec = ner_data.label_config()["corpora"]["silver"]
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        ner_data.read_silver_corpus("silver", spec, tmp_path, resources.segmenter, resources.gazetteer,
                                    resources.entity_rules, resources.normalizer)
