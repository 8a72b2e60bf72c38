"""Character and bigram embeddings pretrained on raw text before the tagger is trained.

The labelled corpora are news, résumés and microblogs; users' documents are encyclopedias, wire
news and records. Skip-gram with negative sampling over the real-text corpora in ../shared/corpora
(and the training texts) gives every character and bigram a vector from its contexts, including
the many that the labelled data never shows a name beside. The documents of our real-text gold set
(both splits, and for translated news the same story in the other script) are left out, so no
score is measured on text the model has read.
"""
from __future__ import annotations

import csv
import json
import random
import time
from collections import Counter
from pathlib import Path

import numpy

from ..stages.ner_model import fold

GOLD_MANIFEST = Path(__file__).resolve().parents[2] / "benchmarks" / "real" / "manifest.tsv"


def gold_documents(manifest: Path = GOLD_MANIFEST) -> set[str]:
    """Ids of the real-text gold documents, which pretraining must not read."""
    if not manifest.exists():
        return set()
    with open(manifest, encoding="utf-8") as f:
        return {row["doc_id"] for row in csv.DictReader(f, delimiter="\t")}


def raw_texts(corpora_dir: Path, convert, excluded: set[str], corpora=None) -> tuple[list[str], dict]:
    """Every document of every corpus under ``corpora_dir`` but the excluded ones, converted to the
    working script (``convert``: the normaliser's OpenCC conversion) as the model will see it.
    A translated story is left out in both scripts when either is excluded (same title).
    ``corpora`` names the corpus folders to read (all by default)."""
    docs = []
    for path in sorted(corpora_dir.glob("*/docs.jsonl")):
        with open(path, encoding="utf-8") as f:
            docs += [(path.parent.name, json.loads(line)) for line in f if line.strip()]
    excluded_titles = {(corpus.split("-zho-")[0], d.get("title")) for corpus, d in docs
                       if d["id"] in excluded and "-zho-" in corpus}
    texts, counts = [], Counter()
    for corpus, d in docs:
        if corpora is not None and corpus not in corpora:
            continue  # after the titles: a story excluded in one script is still out in the other
        if d["id"] in excluded or (corpus.split("-zho-")[0], d.get("title")) in excluded_titles:
            counts["excluded"] += 1
            continue
        texts.append(convert(d["text"]))
        counts[corpus] += len(d["text"])
    return texts, dict(counts)


def _ids(texts: list[str], chars: dict, bigrams: dict) -> tuple[numpy.ndarray, numpy.ndarray]:
    """One stream of character ids and one of bigram ids (0 where a text ends: never a context)."""
    char_ids, bigram_ids = [], []
    for text in texts:
        folded = fold(text)
        char_ids += [chars.get(c, 1) for c in folded] + [0]
        bigram_ids += [bigrams.get(a + b, 1) for a, b in zip(folded, folded[1:] + "\0")] + [0]
    return numpy.array(char_ids, dtype=numpy.int64), numpy.array(bigram_ids, dtype=numpy.int64)


def _word_stream(texts: list[str], spans: list, words: dict) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """Where each lexicon word of the segmented texts starts in the character stream of ``_ids``,
    its length and its id."""
    starts, lengths, ids, offset = [], [], [], 0
    for text, text_spans in zip(texts, spans):
        folded = fold(text)
        for a, b in text_spans:
            i = words.get(folded[a:b])
            if i is not None:
                starts.append(offset + a)
                lengths.append(b - a)
                ids.append(i)
        offset += len(text) + 1
    return (numpy.array(starts, dtype=numpy.int64), numpy.array(lengths, dtype=numpy.int64),
            numpy.array(ids, dtype=numpy.int64))


def pretrain(texts: list[str], char_list: list[str], bigram_list: list[str], char_dim: int, bigram_dim: int,
             seed: int, minutes: float, window: int = 2, negatives: int = 5, batch: int = 8192,
             lr: float = 5e-3, log=print, word_list: list[str] = (), word_dim: int = 32, word_spans=None):
    """Vectors for ids 0.. of the vocabulary (0 padding, 1 unknown, then ``char_list`` /
    ``bigram_list``): each character and each bigram predicts the characters around it. With a
    ``word_list`` and each text's segmented ``word_spans``, each word of the list also predicts
    the characters just before and after it; its vectors are the fourth value returned (ids from 2,
    as the lexicon numbers them)."""
    import torch
    from torch import nn

    rng = numpy.random.default_rng(seed)
    torch.manual_seed(seed)
    chars = {c: i for i, c in enumerate(char_list, 2)}
    bigrams = {b: i for i, b in enumerate(bigram_list, 2)}
    char_ids, bigram_ids = _ids(texts, chars, bigrams)
    n_chars, n_bigrams = len(char_list) + 2, len(bigram_list) + 2
    frequency = numpy.bincount(char_ids, minlength=n_chars).astype(numpy.float64)
    frequency[:2] = 0
    noise = torch.from_numpy(frequency ** 0.75 / (frequency ** 0.75).sum())

    char_in = nn.Embedding(n_chars, char_dim, sparse=True)
    bigram_in = nn.Embedding(n_bigrams, bigram_dim, sparse=True)
    char_out = nn.Embedding(n_chars, char_dim, sparse=True)
    bigram_out = nn.Embedding(n_chars, bigram_dim, sparse=True)
    for table in (char_in, bigram_in):
        nn.init.uniform_(table.weight, -0.5 / table.embedding_dim, 0.5 / table.embedding_dim)
    for table in (char_out, bigram_out):
        nn.init.zeros_(table.weight)
    tables = [char_in, bigram_in, char_out, bigram_out]
    if word_list:
        word_starts, word_lengths, word_ids = _word_stream(texts, word_spans,
                                                           {w: i for i, w in enumerate(word_list, 2)})
        word_in = nn.Embedding(len(word_list) + 2, word_dim, sparse=True)
        word_out = nn.Embedding(n_chars, word_dim, sparse=True)
        nn.init.uniform_(word_in.weight, -0.5 / word_dim, 0.5 / word_dim)
        nn.init.zeros_(word_out.weight)
        tables += [word_in, word_out]
    optimizer = torch.optim.SparseAdam([t.weight for t in tables], lr=lr)

    offsets = [o for o in range(-window, window + 1) if o]
    positions = numpy.arange(window, len(char_ids) - window)
    positions = positions[char_ids[positions] > 1]
    started, epochs, steps, losses = time.monotonic(), 0, 0, []

    def side_loss(inputs, table_in, table_out, targets, sampled):
        vectors = table_in(inputs)                                            # b × d
        positive = (vectors * table_out(targets)).sum(-1)
        negative = torch.bmm(table_out(sampled), vectors.unsqueeze(2)).squeeze(2)  # b × k
        return -(nn.functional.logsigmoid(positive) + nn.functional.logsigmoid(-negative).sum(-1)).mean()

    while time.monotonic() - started < minutes * 60:
        order = rng.permutation(len(positions))
        total, count = 0.0, 0
        for k in range(0, len(order), batch):
            if time.monotonic() - started >= minutes * 60:
                break
            at = positions[order[k:k + batch]]
            offset = numpy.array(offsets)[rng.integers(0, len(offsets), len(at))]
            targets = torch.from_numpy(char_ids[at + offset])
            keep = targets > 1
            sources_c = torch.from_numpy(char_ids[at])[keep]
            sources_b = torch.from_numpy(bigram_ids[at])[keep]
            targets = targets[keep]
            sampled = torch.multinomial(noise, len(targets) * negatives, replacement=True).view(-1, negatives)
            loss = side_loss(sources_c, char_in, char_out, targets, sampled) + \
                side_loss(sources_b, bigram_in, bigram_out, targets, sampled)
            if word_list and len(word_ids):
                # a random batch of word occurrences; each predicts one of the two characters on
                # either side of it
                pick = rng.integers(0, len(word_ids), batch)
                side = rng.integers(0, 2 * window, batch)
                where = numpy.where(side < window, word_starts[pick] - 1 - side,
                                    word_starts[pick] + word_lengths[pick] + side - window)
                inside = (where >= 0) & (where < len(char_ids))
                word_targets = torch.from_numpy(char_ids[where[inside]])
                keep = word_targets > 1
                word_sampled = torch.multinomial(noise, int(keep.sum()) * negatives,
                                                 replacement=True).view(-1, negatives)
                loss = loss + side_loss(torch.from_numpy(word_ids[pick[inside]])[keep], word_in, word_out,
                                        word_targets[keep], word_sampled)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, count, steps = total + loss.item(), count + 1, steps + 1
        epochs += 1
        losses.append(round(total / max(count, 1), 4))
        log(f"pretraining pass {epochs}: loss {losses[-1]} ({time.monotonic() - started:.0f} s)")
    record = {"characters": int(len(char_ids)), "passes": epochs, "steps": steps, "loss": losses,
              "window": window, "negatives": negatives, "seconds": round(time.monotonic() - started)}
    char_vectors = char_in.weight.detach().numpy().copy()
    bigram_vectors = bigram_in.weight.detach().numpy().copy()
    char_vectors[0] = bigram_vectors[0] = 0.0
    if not word_list:
        return char_vectors, bigram_vectors, record
    word_vectors = word_in.weight.detach().numpy().copy()
    word_vectors[0] = 0.0
    return char_vectors, bigram_vectors, record, word_vectors


def shuffled(texts: list[str], seed: int) -> list[str]:
    texts = list(texts)
    random.Random(seed).shuffle(texts)
    return texts
