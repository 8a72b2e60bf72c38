"""The entity model's lexicon feature: each character sees the words that begin, pass through and
end at it, weighted by how often each was seen; a model file with a lexicon runs the same on ONNX
as in PyTorch. Our own sentences."""
import numpy
import pytest

from pipeline.stages.ner_model import Lexicon, seg_features
from pipeline.train import ner_data

WORDS = ["南京", "南京市", "市长", "长江", "大桥", "长江大桥"]
COUNTS = [50, 30, 40, 60, 20, 10]


def _words_at(lexicon, text, i, which):
    ids, weights = lexicon.encode(text)
    names = {n: w for w, n in lexicon.ids.items() for n in [n[0]]}
    return [names[j] for j, w in zip(ids[i, which], weights[i, which]) if j and w > 0]


def test_each_character_sees_every_word_it_could_belong_to():
    lexicon = Lexicon(WORDS, COUNTS)
    text = "南京市长江大桥"
    assert _words_at(lexicon, text, 0, 0) == ["南京", "南京市"]          # begin, most frequent first
    assert _words_at(lexicon, text, 2, 2) == ["南京市"] and _words_at(lexicon, text, 2, 0) == ["市长"]
    assert _words_at(lexicon, text, 3, 0) == ["长江", "长江大桥"]
    assert _words_at(lexicon, text, 4, 1) == ["长江大桥"]               # 江 inside 长江大桥
    assert _words_at(lexicon, text, 6, 2) == ["大桥", "长江大桥"]
    _, weights = lexicon.encode(text)
    assert numpy.allclose(weights.sum((1, 2)), 3.0)  # weights are shares of the character's words


def test_a_character_outside_every_word_has_none_and_the_sets_are_capped():
    lexicon = Lexicon(["长江", "江大", "长江大", "长江大桥", "江大桥"], [1, 2, 3, 4, 5], per_set=2)
    ids, weights = lexicon.encode("我长江大桥")
    assert not ids[0].any() and not weights[0].any()
    assert (ids[1, 0] > 0).sum() == 2  # 长 begins three words; the two most frequent are kept
    assert lexicon.ids["长江大桥"][0] in ids[1, 0] and lexicon.ids["长江大"][0] in ids[1, 0]


def test_words_read_back_from_the_segmentation_features():
    text, edges = "我们在南京市", [2, 3, 6]
    assert ner_data.segmented_words(text, seg_features(len(text), edges)) == [(0, 2), (2, 3), (3, 6)]
    words, counts = ner_data.lexicon_words([(text, [(0, 2), (2, 3), (3, 6)])] * 3, size=10)
    assert words == ["南京市", "我们"] and counts == [3, 3]  # one-character words are not in the lexicon


def test_a_lexicon_model_runs_the_same_on_onnx_as_in_pytorch(tmp_path):
    torch = pytest.importorskip("torch", reason="the train extra is not installed (pip install -e '.[train]')")
    pytest.importorskip("onnx", reason="the train extra is not installed (pip install -e '.[train]')")
    from pipeline.stages.ner_model import NerModel, Vocabulary, tag_names
    from pipeline.train.ner import _tensors, export
    from pipeline.train.ner_network import BiLstmTagger, PartialCRF

    torch.manual_seed(0)
    labels = ["PERSON", "GPE"]
    chars, bigrams = list("南京市长江大桥我们在"), ["南京", "长江"]
    meta = {"words": WORDS, "counts": COUNTS, "max_length": 6, "per_set": 4}
    lexicon = Lexicon(**meta)
    network = BiLstmTagger(len(chars) + 2, len(bigrams) + 2, len(tag_names(labels)), 8, 4, 4, 6, 0.0,
                           len(WORDS) + 2, 5)
    crf = PartialCRF(tag_names(labels))
    out = tmp_path / "lexicon.onnx"
    export(network, crf, (chars, bigrams), labels, {"command": "test"}, out, meta)
    texts = ["我们在南京市", "南京市长江大桥", "桥"]
    sentences = [ner_data.Sentence("t", str(i), t, [], seg_features(len(t), range(len(t) + 1)))
                 for i, t in enumerate(texts)]
    inputs, _, _ = _tensors([0, 1, 2], sentences, Vocabulary(chars, bigrams), labels, {"t": set()}, False, lexicon)
    network.eval()
    expected = network(*inputs).detach().numpy()
    model = NerModel(out)
    assert model.lexicon is not None and len(model.lexicon) == len(WORDS)
    got = model.session.run(None, {"chars": inputs[0].numpy(), "bigrams": inputs[1].numpy(),
                                   "segs": inputs[2].numpy(), "lengths": inputs[3].numpy(),
                                   "words": inputs[4].numpy(), "word_weights": inputs[5].numpy()})[0]
    assert numpy.allclose(got, expected, atol=1e-5)
    assert model.predict(texts) == [model.predict([t])[0] for t in texts]


def test_pretraining_gives_every_lexicon_word_a_vector():
    pytest.importorskip("torch", reason="the train extra is not installed (pip install -e '.[train]')")
    from pipeline.train import embeddings

    texts = ["北京是中国的首都。", "东京是日本的首都。"] * 20
    spans = [[(0, 2), (2, 3), (3, 5), (5, 6), (6, 8), (8, 9)]] * 40
    chars, bigrams, words = list("北京是中国的首都"), ["北京", "中国"], ["北京", "首都", "日本"]
    *_, record, word_vectors = embeddings.pretrain(texts, chars, bigrams, 8, 6, seed=1, minutes=0.02,
                                                   log=lambda line: None, word_list=words, word_dim=5,
                                                   word_spans=spans)
    assert word_vectors.shape == (len(words) + 2, 5) and not word_vectors[0].any() and record["passes"] >= 1


def _reference_encode(lexicon, text, per_set):
    """The lexicon feature written the plain way: every window looked up in a dictionary."""
    found = [[[], [], []] for _ in text]
    for i in range(len(text)):
        for j in range(i + 2, min(len(text), i + 6) + 1):
            if text[i:j] in lexicon.ids:
                word, count = lexicon.ids[text[i:j]]
                found[i][0].append((count, word))
                found[j - 1][2].append((count, word))
                for m in range(i + 1, j - 1):
                    found[m][1].append((count, word))
    ids = numpy.zeros((len(text), 3, per_set), dtype=numpy.int64)
    weights = numpy.zeros((len(text), 3, per_set), dtype=numpy.float32)
    for i, sets in enumerate(found):
        kept = [sorted(s, reverse=True)[:per_set] for s in sets]
        total = sum(c for s in kept for c, _ in s)
        for j, s in enumerate(kept):
            for slot, (count, word) in enumerate(s):
                ids[i, j, slot], weights[i, j, slot] = word, 3.0 * count / total
    return ids, weights


def test_the_lexicon_lookup_finds_what_a_plain_dictionary_lookup_finds():
    rng = numpy.random.default_rng(3)
    alphabet = list("南京市长江大桥我们在的国中人民共和")
    words = sorted({"".join(rng.choice(alphabet, rng.integers(2, 7))) for _ in range(300)})
    counts = [int(c) for c in rng.integers(1, 5, len(words))]  # many ties
    lexicon = Lexicon(words, counts, per_set=3)
    for _ in range(50):
        text = "".join(rng.choice(alphabet, rng.integers(1, 60)))
        ids, weights = lexicon.encode(text)
        expected_ids, expected_weights = _reference_encode(lexicon, text, 3)
        assert (ids == expected_ids).all(), text
        assert numpy.allclose(weights, expected_weights), text
