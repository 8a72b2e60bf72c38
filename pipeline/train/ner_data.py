"""Training sentences for the entity model: the public corpora read from ../shared/benchmarks,
their labels mapped onto ours by ``data/ner/corpora.yaml``, each character's allowed tags.

A corpus that does not annotate a label says nothing about it, so at its unlabelled characters
every tag of such a label is allowed beside O (a partial-label CRF sums over all allowed paths).
"""
from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy

from ..resources import load_yaml
from ..stages.ner_model import SEG_TAGS, fold, seg_features, tag_names

MAX_CHARS = 200  # longer sentences are cut at punctuation outside every name
_CUT_AFTER = "。！？；，、："
UNKNOWN = None  # a span with no supervision


@dataclass
class Sentence:
    corpus: str
    id: str
    text: str
    spans: list  # (start, end, frozenset of our labels | None for no supervision)
    segs: list   # B/M/E/S feature of each character
    words: tuple | None = None  # the lexicon feature's word ids and weights, encoded once


def label_config() -> dict:
    return load_yaml("ner/corpora.yaml")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def place_labels(name: str, gazetteer, rules: dict) -> frozenset:
    """A corpus's generic place: GPE or LOC by our gazetteer, then by the place's head word;
    either where neither tells."""
    entry = gazetteer.names.get(name)
    if entry is None and len(name) == 1 and name in gazetteer.abbreviations:
        entry = gazetteer.abbreviations[name][0]  # 中 of 中美: a country's one-character name
    if entry is not None and entry.label in ("GPE", "LOC"):
        return frozenset([entry.label])
    if any(name.endswith(s) for s in rules["gpe_suffixes"]):
        return frozenset(["GPE"])
    if any(name.endswith(s) for s in rules["loc_suffixes"]):
        return frozenset(["LOC"])
    return frozenset(["GPE", "LOC"])


def map_spans(entities: list[dict], mapping: dict, gazetteer, rules: dict) -> list:
    spans = []
    for e in entities:
        target = mapping.get(e["label"], "O")
        if target == "O":
            continue
        if target == "unknown":
            labels = UNKNOWN
        elif isinstance(target, list):
            labels = place_labels(e["text"], gazetteer, rules) & frozenset(target) or frozenset(target)
        else:
            labels = frozenset([target])
        spans.append((e["start"], e["end"], labels))
    # Nested or overlapping spans (rare): the longer one stays.
    spans.sort(key=lambda s: (s[1] - s[0]), reverse=True)
    kept = []
    for s in spans:
        if all(s[1] <= k[0] or k[1] <= s[0] for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: s[0])


def cut_long(text: str, spans: list) -> list[tuple[int, int]]:
    """Pieces of at most MAX_CHARS, cut after punctuation that no span covers."""
    if len(text) <= MAX_CHARS:
        return [(0, len(text))]
    inside = bytearray(len(text) + 1)
    for s, e, _ in spans:
        inside[s + 1:e] = b"\x01" * (e - s - 1)
    pieces, start = [], 0
    while len(text) - start > MAX_CHARS:
        cut = next((i + 1 for i in range(start + MAX_CHARS - 1, start, -1)
                    if text[i] in _CUT_AFTER and not inside[i + 1]), None)
        if cut is None:
            cut = next((i for i in range(start + MAX_CHARS, start, -1) if not inside[i]), start + MAX_CHARS)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, len(text)))
    return pieces


REPOSITORY = Path(__file__).resolve().parents[2]


def _pieces(corpus: str, doc_id: str, text: str, spans: list, segmenter):
    """The training sentences of one text: pieces of at most MAX_CHARS, their spans made local."""
    for a, b in cut_long(text, spans):
        piece = text[a:b]
        if not piece.strip():
            continue
        local = [(s - a, e - a, lab) for s, e, lab in spans if a <= s and e <= b]
        yield Sentence(corpus, doc_id, piece, local, seg_features(len(piece), segmenter.word_edges(piece)))


def _gold_lines(text: str, spans: list):
    """A gold document's lines, each with the spans inside it made local."""
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        yield line, [(s - start, e - start, lab) for s, e, lab in spans if start <= s and e <= end]
        start = end + 1


def read_gold_corpus(corpus: str, spec: dict, raw_dir: Path, segmenter, gazetteer, rules: dict, normalizer):
    """Sentences of our hand-made gold (the annotation format) of documents in ``raw_dir``, the
    texts read from there and checked against each annotation's SHA-256; the documents of
    ``exclude`` are left out (held out for measuring the model on text it was not trained on).
    The model reads the working copy, so each text is normalised and its spans moved onto it."""
    from ..corpora import Texts
    from ..gold import GoldError, load_annotation

    folder = REPOSITORY / spec["gold"]
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: gold folder of corpus {corpus} not found")
    texts, excluded = Texts(raw_dir), set(spec.get("exclude", []))
    sentences, hashes = [], {}
    for path in sorted(folder.glob("*.json")):
        if path.stem in excluded:
            continue
        try:
            annotation = load_annotation(path, texts=texts)
        except GoldError as error:
            raise FileNotFoundError(f"{path}: {error}") from None
        view = normalizer.normalize(texts.get(annotation.doc_id, annotation.corpus)[0])
        text = view.working
        hashes[f"{spec['gold']}/{path.name}"] = sha256(path)
        entities = []
        for e in annotation.entities:
            start, end = view.to_working(e.start, e.end)
            entities.append({"start": start, "end": end, "label": e.label, "text": text[start:end]})
        spans = map_spans(entities, spec["labels"], gazetteer, rules)
        for line, local in _gold_lines(text, spans):
            sentences += _pieces(corpus, annotation.doc_id, line, local, segmenter)
    return sentences, hashes


def read_silver_corpus(corpus: str, spec: dict, raw_dir: Path, segmenter, gazetteer, rules: dict, normalizer):
    """Sentences of raw corpus text labelled by our own entity stage (``spec["ner"]``: its model,
    gazetteers and rules): silver data in the register of the documents users bring (encyclopedia
    and news), which the public corpora are not. The real-text gold documents, and a translated
    story's other script, are never read (embeddings.raw_texts leaves them out). Texts are taken
    in the working script the model reads; ``max_characters`` caps how much is labelled, drawn in a
    seeded order."""
    import pipeline

    from .embeddings import gold_documents, raw_texts

    folders = spec["silver"]
    texts, _ = raw_texts(raw_dir, normalizer.convert, gold_documents(), corpora=folders)
    if not texts:
        raise FileNotFoundError(f"{raw_dir}: no raw text of {', '.join(folders)} for corpus {corpus}; "
                                f"pass --raw with the folder that holds them")
    random.Random(spec.get("seed", 0)).shuffle(texts)  # a cap takes from every corpus alike
    budget, chosen = spec.get("max_characters", 10 ** 12), []
    for text in texts:
        if budget <= 0:
            break
        chosen.append(text)
        budget -= len(text)
    nlp = pipeline.load(stages=["sentences", "entities"], ner=spec["ner"])
    sentences, count = [], 0
    for i, doc in enumerate(nlp.pipe(chosen, batch_size=16)):
        entities = [{"start": e.start_char, "end": e.end_char, "label": e.label_, "text": e.text}
                    for e in doc.ents]
        spans = map_spans(entities, spec["labels"], gazetteer, rules)
        for line, local in _gold_lines(doc.text, spans):
            sentences += _pieces(corpus, f"{corpus}-{i}", line, local, segmenter)
        count += len(doc.text)
    # The record keeps what was labelled: a hash of the sentences and their spans (two runs on the
    # same corpora and code give the same), and how much.
    digest = hashlib.sha256()
    for s in sentences:
        digest.update(json.dumps([s.text, [(a, b, sorted(l) if l else None) for a, b, l in s.spans]],
                                 ensure_ascii=False).encode())
    hashes = {f"{corpus}: {spec['ner']} on {', '.join(folders)}, {len(chosen)} documents, {count} characters":
              digest.hexdigest()}
    return sentences, hashes


def read_corpora(data_dir: Path, segmenter, gazetteer, rules: dict, names: list[str] | None = None,
                 raw_dir: Path | None = None, normalizer=None):
    """All training sentences, and each file's SHA-256 for the model's record."""
    config = label_config()
    sentences, hashes = [], {}
    for corpus, spec in config["corpora"].items():
        if names and corpus not in names or not names and spec.get("optional"):
            continue  # an optional corpus is read only when named (--corpora)
        if "gold" in spec or "silver" in spec:
            reader = read_gold_corpus if "gold" in spec else read_silver_corpus
            found, found_hashes = reader(corpus, spec, raw_dir, segmenter, gazetteer, rules, normalizer)
            sentences += found
            hashes.update(found_hashes)
            continue
        path = data_dir / spec["path"]
        if not path.exists():
            raise FileNotFoundError(f"{path}: training corpus not found; pass --data with the folder "
                                    f"that holds {spec['path']}")
        hashes[spec["path"]] = sha256(path)
        with open(path, encoding="utf-8") as f:
            for line in f:
                item = json.loads(line)
                text = item["text"]
                spans = map_spans(item.get("entities", []), spec["labels"], gazetteer, rules)
                sentences += _pieces(corpus, item["id"], text, spans, segmenter)
    return sentences, hashes


def segmented_words(text: str, segs) -> list[tuple[int, int]]:
    """The (start, end) of each word of a sentence, read back from its B/M/E/S features."""
    words, start = [], 0
    for i, seg in enumerate(segs):
        if seg in (SEG_TAGS["E"], SEG_TAGS["S"]):
            words.append((start, i + 1))
            start = i + 1
    return words


def lexicon_words(texts_and_words, size: int, min_count: int = 2, max_length: int = 6):
    """The ``size`` most frequent words of two to ``max_length`` characters in segmented texts
    (folded as the model reads them), with their counts."""
    counts = Counter()
    for text, words in texts_and_words:
        folded = fold(text)
        counts.update(folded[a:b] for a, b in words if 2 <= b - a <= max_length)
    ranked = sorted((w for w, n in counts.items() if n >= min_count and w.strip() == w),
                    key=lambda w: (-counts[w], w))[:size]
    return ranked, [counts[w] for w in ranked]


def split_heldout(sentences: list[Sentence], fraction: float, seed: int, repeats: dict | None = None):
    """A fixed share of each corpus held out for choosing the epoch (never a benchmark's dev set).
    A corpus with a ``repeat`` in ``repeats`` is seen that many times in training (a small corpus
    of our own conventions beside large ones); its held-out sentences count once."""
    rng = random.Random(seed)
    train, heldout = [], []
    for s in sentences:
        if rng.random() < fraction:
            heldout.append(s)
        else:
            train += [s] * (repeats or {}).get(s.corpus, 1)
    return train, heldout


def build_vocabulary(sentences: list[Sentence], min_char: int, min_bigram: int, max_bigrams: int,
                     raw_texts: list[str] = ()):
    """Characters and bigrams seen often enough in the training sentences and the raw texts of
    pretraining (a character only raw text shows still gets its pretrained vector)."""
    chars, bigrams = Counter(), Counter()
    for text in [s.text for s in sentences] + list(raw_texts):
        folded = fold(text)
        chars.update(folded)
        bigrams.update(a + b for a, b in zip(folded, folded[1:] + "\0"))
    char_list = sorted((c for c, n in chars.items() if n >= min_char), key=lambda c: (-chars[c], c))
    bigram_list = sorted((b for b, n in bigrams.items() if n >= min_bigram), key=lambda b: (-bigrams[b], b))
    return char_list, bigram_list[:max_bigrams]


def allowed_tags(sentence: Sentence, labels: list[str], annotated: set[str]) -> numpy.ndarray:
    """Characters × tags: which tags each character may carry under the corpus's annotation."""
    names = tag_names(labels)
    index = {n: i for i, n in enumerate(names)}
    free = [index["O"]] + [index[f"{p}-{lab}"] for lab in labels if lab not in annotated for p in "BIES"]
    allowed = numpy.zeros((len(sentence.text), len(names)), dtype=bool)
    allowed[:, free] = True
    for s, e, labs in sentence.spans:
        allowed[s:e] = False
        if labs is UNKNOWN:
            allowed[s:e] = True
            continue
        for lab in labs:
            if e - s == 1:
                allowed[s, index[f"S-{lab}"]] = True
            else:
                allowed[s, index[f"B-{lab}"]] = True
                allowed[s + 1:e - 1, index[f"I-{lab}"]] = True
                allowed[e - 1, index[f"E-{lab}"]] = True
    return allowed
