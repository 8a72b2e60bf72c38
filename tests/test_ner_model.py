"""The shipped entity model: the real ONNX file, its decoder, its training data handling."""
import itertools
import subprocess
import sys

import numpy
import pytest

from pipeline.resources import data_path
from pipeline.stages.ner_model import MODEL_FILE, NerModel, fold, seg_features, spans_of, tag_names, viterbi


@pytest.fixture(scope="module")
def model():
    return NerModel()


def test_the_shipped_file_is_small_enough_and_says_how_it_was_made(model):
    assert data_path(MODEL_FILE).stat().st_size <= 30 * 1024 * 1024
    record = model.record
    assert record["command"].startswith("python -m pipeline.train ner")
    assert set(record["data"]) == {"msra-ner/train.jsonl", "cluener/train.jsonl", "resume-ner/train.jsonl",
                                   "weibo-ner/train.jsonl"}
    assert all(len(h) == 64 for h in record["data"].values())
    assert 0.5 < record["heldout_f1"]["all"] <= 1.0
    assert model.labels == ["PERSON", "ORG", "GPE", "LOC", "WORK_OF_ART", "PRODUCT"]


def test_it_finds_the_plain_names_of_a_sentence_it_has_never_seen(model):
    text = "王建国昨天在上海会见了日本丰田汽车公司的代表。"
    cuts = [3, 5, 6, 8, 10, 11, 13, 15, 17, 19, 20, 22, 23]
    found = {(text[s:e], label) for s, e, label in model.predict([text], [cuts])[0]}
    assert ("王建国", "PERSON") in found
    assert ("上海", "GPE") in found
    assert any(label == "ORG" and "丰田" in name for name, label in found)


def test_a_sentence_gets_the_same_names_alone_and_in_a_batch_of_any_lengths(model):
    texts = ["李华在北京工作。", "据新华社报道，联合国秘书长古特雷斯周二抵达日内瓦，出席人权理事会会议。" * 3,
             "张三", "", "《红楼梦》是曹雪芹的作品。"]
    batched = model.predict(texts)
    assert batched == [model.predict([t])[0] for t in texts]
    for text, spans in zip(texts, batched):
        assert all(0 <= s < e <= len(text) and label in model.labels for s, e, label in spans)


def _best_by_search(emissions, transitions, start, end, n):
    k = transitions.shape[0]

    def total(path):
        return start[path[0]] + sum(emissions[t, p] for t, p in enumerate(path)) + \
            sum(transitions[a, b] for a, b in zip(path, path[1:])) + end[path[-1]]
    return list(max(itertools.product(range(k), repeat=n), key=total))


def test_viterbi_finds_the_best_path():
    rng = numpy.random.default_rng(7)
    k, steps = 4, 5
    emissions = rng.normal(size=(2, steps, k)).astype(numpy.float32)
    transitions, start, end = (rng.normal(size=s).astype(numpy.float32) for s in ((k, k), (k,), (k,)))
    lengths = [5, 3]
    paths = viterbi(emissions, lengths, transitions, start, end)
    for row, n in enumerate(lengths):
        assert paths[row] == _best_by_search(emissions[row], transitions, start, end, n)


def test_the_sparse_bioes_step_finds_the_same_best_path():
    """With BIOES constraints the decoder only looks at allowed transitions; it must still find
    the best path (checked against every path of a two-label tag set)."""
    from pipeline.stages.ner_model import NEG

    names = tag_names(["A", "B"])
    rng = numpy.random.default_rng(11)
    transitions = rng.normal(size=(9, 9)).astype(numpy.float32)
    start, end = rng.normal(size=9).astype(numpy.float32), rng.normal(size=9).astype(numpy.float32)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            inside = a[0] in "BI"
            ok = (b[0] in "IE" and a[2:] == b[2:]) if inside else b[0] in "OBS"
            if not ok:
                transitions[i, j] = NEG
        if names[i][0] in "IE":
            start[i] = NEG
        if names[i][0] in "BI":
            end[i] = NEG
    emissions = rng.normal(size=(3, 4, 9)).astype(numpy.float32)
    lengths = [4, 2, 1]
    paths = viterbi(emissions, lengths, transitions, start, end)
    for row, n in enumerate(lengths):
        assert paths[row] == _best_by_search(emissions[row], transitions, start, end, n)


def test_tags_read_back_as_spans():
    names = tag_names(["PERSON", "GPE"])
    tags = [names.index(t) for t in ["B-PERSON", "I-PERSON", "E-PERSON", "O", "S-GPE", "O", "B-GPE", "E-GPE"]]
    assert spans_of(tags, names) == [(0, 3, "PERSON"), (4, 5, "GPE"), (6, 8, "GPE")]


def test_features_keep_offsets():
    assert fold("２０２１年ＡＢ") == "0000年ab"
    assert seg_features(5, [2, 3, 5]) == [1, 3, 4, 1, 3]
    assert seg_features(3, []) == [1, 2, 3]


def test_a_corpus_says_nothing_about_labels_it_does_not_annotate():
    from pipeline.train.ner_data import Sentence, allowed_tags

    labels = ["PERSON", "ORG", "GPE", "LOC", "WORK_OF_ART", "PRODUCT"]
    names = tag_names(labels)
    sentence = Sentence("msra", "x", "张三去北京", [(0, 2, frozenset(["PERSON"])), (3, 5, frozenset(["GPE", "LOC"]))],
                        [1, 3, 4, 1, 3])
    allowed = allowed_tags(sentence, labels, {"PERSON", "ORG", "GPE", "LOC"})
    on = lambda i: {names[t] for t in numpy.flatnonzero(allowed[i])}
    assert on(0) == {"B-PERSON"} and on(1) == {"E-PERSON"}
    # 去: not a person, organisation or place (MSRA annotates those), but maybe a work or product.
    assert on(2) == {"O"} | {f"{p}-{lab}" for lab in ("WORK_OF_ART", "PRODUCT") for p in "BIES"}
    assert on(3) == {"B-GPE", "B-LOC"} and on(4) == {"E-GPE", "E-LOC"}


def test_the_label_map_splits_places_by_our_gazetteer():
    from pipeline.language import build_resources
    from pipeline.train.ner_data import map_spans

    resources = build_resources()
    spans = map_spans([{"start": 0, "end": 2, "label": "LOC", "text": "北京"},
                       {"start": 3, "end": 6, "label": "LOC", "text": "太平洋"},
                       {"start": 7, "end": 9, "label": "position", "text": "经理"}],
                      {"LOC": ["GPE", "LOC"], "position": "O"}, resources.gazetteer, resources.entity_rules)
    assert spans == [(0, 2, frozenset(["GPE"])), (3, 6, frozenset(["LOC"]))]


def test_training_without_its_data_says_what_to_do(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pipeline.train", "ner", "--data", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "train" in done.stderr  # either: install the train extra, or: the corpus file is missing


@pytest.mark.parametrize("text", ["联合国秘书长古特雷斯在纽约总部会见了中国外交部部长。", "台湾大学的研究团队在台北发表了报告。"])
def test_the_same_sentence_in_either_script_gives_the_same_names(run, text):
    import opencc

    traditional = opencc.OpenCC("s2t").convert(text)
    assert len(traditional) == len(text) and traditional != text
    names = lambda doc: [(m.start, m.end, m.label) for m in doc._.entities]
    assert names(run(text)) == names(run(traditional))
    assert names(run(text))


def test_the_entity_model_is_chosen_by_name():
    import pipeline

    with pytest.raises(ValueError, match="choose one of"):
        pipeline.load(stages=["sentences", "entities"], ner="bert")


def test_ours_then_lac_keeps_our_names_and_takes_lacs_only_where_ours_has_none():
    from pipeline.stages.ner_backends import LacModel, OwnModel, FirstThenSecond

    texts = ["小米公司创始人雷军昨天在北京宣布，小米与华为签署了专利交叉许可协议。"]
    cuts = [[2, 4, 7, 9, 11, 12, 14, 16, 17, 19, 20, 22, 24, 26, 28, 30, 32, 34, 35]]
    ours, lac = OwnModel().spans(texts, cuts)[0], LacModel().spans(texts, cuts)[0]
    both = FirstThenSecond(OwnModel(), LacModel()).spans(texts, cuts)[0]
    assert set(ours) <= set(both)
    added = set(both) - set(ours)
    assert added <= set(lac)
    assert all(not (s < e2 and s2 < e) for s, e, _ in added for s2, e2, _ in ours)


def test_the_command_line_refuses_an_unknown_entity_model(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(tmp_path), "--ner", "bert"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "choose one of ours, lac, ours+lac, lac+ours, none, ours:FILE" in done.stderr and "Traceback" not in done.stderr
