"""The entity model of our own: a character BiLSTM-CRF trained here (``python -m pipeline.train ner``)
and run on ONNX Runtime.

Each character is read as three features: the character itself, the bigram it starts, and its
place in its jieba word (B/M/E/S); a model trained with a lexicon also reads the words of its
lexicon that begin, pass through and end at the character (``Lexicon``). The network gives per-character tag scores (BIOES over
``model_labels``); the CRF's transition scores, stored in the same file, pick the best tag path.

The one file ``data/ner/zhpipe-ner.onnx`` holds the network, and in its metadata the vocabularies,
the CRF transitions and the record of how it was trained (command, data hashes, scores).
Sentences are batched by length, one ONNX session per process, on one thread unless told.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Sequence

import numpy

from ..resources import data_path

MODEL_FILE = "ner/zhpipe-ner.onnx"
PAD, UNKNOWN = 0, 1
NEG = -1e4  # a forbidden tag or transition, as the trainer writes it
SEG_TAGS = {"B": 1, "M": 2, "E": 3, "S": 4}  # 0 is padding
_END = "\0"  # the bigram after a sentence's last character

# Full-width ASCII to half-width; digits to one digit, letters to lower case: the shape of a code
# or a year matters to a name, not its exact digits. One table, applied by str.translate.
def _fold_char(ch: str) -> str:
    if 0xFF01 <= ord(ch) <= 0xFF5E:
        ch = chr(ord(ch) - 0xFEE0)
    if "0" <= ch <= "9":
        return "0"
    return ch.lower() if "A" <= ch <= "Z" else ch


_FOLD_TABLE = {code: _fold_char(chr(code)) for code in [*range(0x30, 0x3A), *range(0x41, 0x5B), *range(0xFF01, 0xFF5F)]
               if _fold_char(chr(code)) != chr(code)}


def fold(text: str) -> str:
    """The characters the model reads, one for one with ``text`` (offsets are unchanged)."""
    return text.translate(_FOLD_TABLE)


def tag_names(labels: Sequence[str]) -> list[str]:
    return ["O"] + [f"{p}-{label}" for label in labels for p in "BIES"]


def seg_features(length: int, boundaries: Iterable[int]) -> list[int]:
    """B/M/E/S of each character in its word; ``boundaries`` are the word edges inside 0..length."""
    cuts = sorted({b for b in boundaries if 0 < b < length} | {0, length})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        out.extend([SEG_TAGS["S"]] if b - a == 1 else
                   [SEG_TAGS["B"]] + [SEG_TAGS["M"]] * (b - a - 2) + [SEG_TAGS["E"]])
    return out


class Vocabulary:
    """Character and bigram ids; anything unseen in training is UNKNOWN. Looked up in arrays by
    code point (characters) and by a sorted array of code-point pairs (bigrams), so a text is
    encoded by a few numpy calls instead of a dictionary lookup per character."""

    def __init__(self, chars: Sequence[str], bigrams: Sequence[str]):
        self.chars = {c: i for i, c in enumerate(chars, 2)}
        self.bigrams = {b: i for i, b in enumerate(bigrams, 2)}
        top = max((ord(c) for c in self.chars), default=0)
        self._char_ids = numpy.full(top + 2, UNKNOWN, dtype=numpy.int64)
        for c, i in self.chars.items():
            self._char_ids[ord(c)] = i
        pairs = sorted((_pair_key(b), i) for b, i in self.bigrams.items() if len(b) == 2)
        self._bigram_keys = numpy.array([k for k, _ in pairs], dtype=numpy.int64)
        self._bigram_ids = numpy.array([i for _, i in pairs], dtype=numpy.int64)

    def encode(self, text: str) -> tuple[numpy.ndarray, numpy.ndarray]:
        codes = numpy.frombuffer(fold(text).encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32).astype(numpy.int64)
        chars = self._char_ids[numpy.minimum(codes, len(self._char_ids) - 1)]
        ahead = numpy.append(codes[1:], ord(_END))
        keys = (codes << 21) | ahead
        if not len(self._bigram_keys):
            return chars, numpy.full(len(codes), UNKNOWN, dtype=numpy.int64)
        at = numpy.minimum(numpy.searchsorted(self._bigram_keys, keys), len(self._bigram_keys) - 1)
        bigrams = numpy.where(self._bigram_keys[at] == keys, self._bigram_ids[at], UNKNOWN)
        return chars, bigrams


class Lexicon:
    """Dictionary words seen around each character (SoftLexicon, Ma et al. 2020): for each
    character, the words of two or more characters that Begin at it, pass through it (Middle) or
    End at it, each set's ``per_set`` most frequent ones. The network averages their vectors,
    weighted by how often each word was seen, so a character knows every word it could belong to,
    not only the one the segmenter chose.

    Words are found by numpy: each length's words are kept as sorted byte strings of big-endian
    code points, and every window of a text of that length is looked up in them at once."""

    SETS = 3  # B, M, E

    def __init__(self, words: Sequence[str], counts: Sequence[int], max_length: int = 6, per_set: int = 4):
        self.ids = {w: (i, float(n)) for i, (w, n) in enumerate(zip(words, counts), 2)}
        self.per_set = per_set
        self._by_length = {}
        for length in sorted({len(w) for w in words if 2 <= len(w) <= max_length}):
            entries = sorted((_code_bytes(w), i, n) for w, (i, n) in self.ids.items() if len(w) == length)
            self._by_length[length] = (numpy.array([k for k, _, _ in entries], dtype=f"S{4 * length}"),
                                       numpy.array([i for _, i, _ in entries], dtype=numpy.int64),
                                       numpy.array([n for _, _, n in entries], dtype=numpy.float64))

    def __len__(self) -> int:
        return len(self.ids)

    def matches(self, text: str) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray]:
        """Every lexicon word in ``text``: its start, length, id and count."""
        codes = numpy.frombuffer(fold(text).encode("utf-32-be", "surrogatepass"), dtype=">u4")
        found = []
        for length, (keys, ids, counts) in self._by_length.items():
            if len(codes) < length or not len(keys):
                continue
            windows = numpy.ascontiguousarray(numpy.lib.stride_tricks.sliding_window_view(codes, length))
            grams = windows.view(f"S{4 * length}").ravel()
            at = numpy.minimum(numpy.searchsorted(keys, grams), len(keys) - 1)
            starts = numpy.flatnonzero(keys[at] == grams)
            found.append((starts, numpy.full(len(starts), length), ids[at[starts]], counts[at[starts]]))
        if not found:
            empty = numpy.zeros(0, dtype=numpy.int64)
            return empty, empty, empty, numpy.zeros(0)
        return tuple(numpy.concatenate(column) for column in zip(*found))

    def encode(self, text: str) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Word ids (characters × 3 × per_set; 0 where none) and their weights (count / the
        character's total over its sets, times 3)."""
        n, k = len(text), self.per_set
        word_ids = numpy.zeros((n, self.SETS, k), dtype=numpy.int64)
        weights = numpy.zeros((n, self.SETS, k), dtype=numpy.float32)
        starts, lengths, ids, counts = self.matches(text)
        if not len(starts):
            return word_ids, weights
        # One entry per (character, set, word): B at the start, E at the end, M in between.
        inner = lengths - 2
        owner = numpy.repeat(numpy.arange(len(starts)), inner)
        steps = numpy.arange(len(owner)) - numpy.repeat(numpy.cumsum(inner) - inner, inner) + 1
        position = numpy.concatenate([starts, starts + lengths - 1, starts[owner] + steps])
        which = numpy.concatenate([numpy.zeros(len(starts), int), numpy.full(len(starts), 2), numpy.ones(len(owner), int)])
        entry_ids = numpy.concatenate([ids, ids, ids[owner]])
        entry_counts = numpy.concatenate([counts, counts, counts[owner]])
        # Most frequent first within each (character, set); the first per_set of each are kept.
        order = numpy.lexsort((-entry_ids, -entry_counts, which, position))
        position, which, entry_ids, entry_counts = position[order], which[order], entry_ids[order], entry_counts[order]
        group = position * self.SETS + which
        first = numpy.flatnonzero(numpy.r_[True, group[1:] != group[:-1]])
        rank = numpy.arange(len(group)) - numpy.repeat(first, numpy.diff(numpy.r_[first, len(group)]))
        kept = rank < k
        position, which, rank = position[kept], which[kept], rank[kept]
        entry_ids, entry_counts = entry_ids[kept], entry_counts[kept]
        totals = numpy.bincount(position, weights=entry_counts, minlength=n)
        word_ids[position, which, rank] = entry_ids
        weights[position, which, rank] = 3.0 * entry_counts / totals[position]
        return word_ids, weights


def _code_bytes(word: str) -> bytes:
    return fold(word).encode("utf-32-be", "surrogatepass")


def _pair_key(bigram: str) -> int:
    return (ord(bigram[0]) << 21) | ord(bigram[1])


def transition_groups(transitions: numpy.ndarray) -> list[tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]]:
    """The allowed transitions, grouped for a sparse Viterbi step: tags that can be reached from the
    same tags form a group, and groups of one shape are stacked. Under BIOES, O/B/S are reached
    from O/E/S, and each label's I/E from its B/I: about a third of the work of the full K × K."""
    allowed = transitions > NEG / 2
    by_sources: dict[tuple, list[int]] = {}
    for j in range(transitions.shape[1]):
        by_sources.setdefault(tuple(numpy.flatnonzero(allowed[:, j])) or tuple(range(len(allowed))), []).append(j)
    by_shape: dict[tuple, list] = {}
    for sources, targets in by_sources.items():
        by_shape.setdefault((len(sources), len(targets)), []).append((sources, targets))
    groups = []
    for items in by_shape.values():
        sources = numpy.array([s for s, _ in items])                       # groups × from
        targets = numpy.array([t for _, t in items])                       # groups × to
        weights = transitions[sources[:, None, :], targets[:, :, None]]   # groups × to × from
        groups.append((sources, targets, weights.astype(numpy.float32)))
    return groups


def viterbi(emissions: numpy.ndarray, lengths: Sequence[int], transitions: numpy.ndarray,
            start: numpy.ndarray, end: numpy.ndarray, groups=None) -> list[list[int]]:
    """Best tag path of each sentence of a padded batch (emissions: batch × time × tags)."""
    batch, steps, tags = emissions.shape
    lengths = numpy.asarray(lengths)
    groups = groups if groups is not None else transition_groups(transitions)
    emissions = emissions.astype(numpy.float32, copy=False)
    score = (start[None, :] + emissions[:, 0]).astype(numpy.float32)
    back = numpy.zeros((batch, steps, tags), dtype=numpy.int8 if tags < 128 else numpy.int32)
    new = numpy.empty_like(score)
    for t in range(1, steps):
        for sources, targets, weights in groups:
            candidates = score[:, sources][:, :, None, :] + weights[None]   # batch × groups × to × from
            best = candidates.argmax(3)
            new[:, targets] = candidates.max(3)  # the value at best: cheaper than gathering it
            back[:, t, targets] = sources[numpy.arange(len(sources))[None, :, None], best]
        new += emissions[:, t]
        live = (t < lengths)[:, None]
        score = numpy.where(live, new, score)
    score = score + end[None, :]
    # Back through the pointers, all sentences at once; each starts from its own last character.
    rows = numpy.arange(batch)
    current = score.argmax(1)
    paths = numpy.zeros((batch, steps), dtype=numpy.int64)
    for t in range(steps - 1, 0, -1):
        inside = t < lengths
        paths[inside, t] = current[inside]
        current = numpy.where(inside, back[rows, t, current], current)
    paths[:, 0] = current
    return [paths[i, :n].tolist() for i, n in enumerate(lengths)]


def spans_of(path: Sequence[int], names: Sequence[str]) -> list[tuple[int, int, str]]:
    """BIOES tags to (start, end, label); the CRF's constraints make every path well formed, but
    a stray I or E without its B is read leniently as the start of a span."""
    spans, start, label = [], None, None
    for i, tag in enumerate(path):
        name = names[tag]
        if name == "O":
            start = None
            continue
        kind, tag_label = name.split("-", 1)
        if kind == "S":
            spans.append((i, i + 1, tag_label))
            start = None
        elif kind == "B" or start is None or tag_label != label:
            start, label = i, tag_label
            if kind == "E":
                spans.append((i, i + 1, tag_label))
                start = None
        elif kind == "E":
            spans.append((start, i + 1, label))
            start = None
    return spans


class NerModel:
    """The shipped model (or one at ``path``): ``predict(texts, boundaries)`` gives spans per text."""

    def __init__(self, path: str | Path | None = None, threads: int = 1, batch_chars: int = 6000):
        import onnxruntime

        self.path = Path(path) if path else data_path(MODEL_FILE)
        if not self.path.exists():
            raise FileNotFoundError(f"{self.path}: the entity model file is missing; reinstall zhpipe, "
                                    f"or rebuild it with `python -m pipeline.train ner`")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        meta = self.session.get_modelmeta().custom_metadata_map
        self.labels = json.loads(meta["labels"])
        self.names = tag_names(self.labels)
        self.vocabulary = Vocabulary(json.loads(meta["chars"]), json.loads(meta["bigrams"]))
        # Models trained before the lexicon feature read three features; a lexicon model five.
        self.lexicon = Lexicon(**json.loads(meta["lexicon"])) if "lexicon" in meta else None
        crf = json.loads(meta["crf"])
        self.transitions = numpy.array(crf["transitions"], dtype=numpy.float32)
        self.start = numpy.array(crf["start"], dtype=numpy.float32)
        self.end = numpy.array(crf["end"], dtype=numpy.float32)
        self.groups = transition_groups(self.transitions)
        self.record = json.loads(meta.get("record", "{}"))
        self.batch_chars = batch_chars

    def predict(self, texts: Sequence[str], boundaries: Sequence[Iterable[int]] | None = None
                ) -> list[list[tuple[int, int, str]]]:
        """Entity spans (start, end, label) of each text, offsets into that text. ``boundaries``
        are each text's word edges (from our segmentation); without them every character is a word."""
        if boundaries is None:
            boundaries = [range(len(t) + 1) for t in texts]
        encoded = []
        for text, cuts in zip(texts, boundaries):
            chars, bigrams = self.vocabulary.encode(text)
            words = self.lexicon.encode(text) if self.lexicon is not None else None
            encoded.append((chars, bigrams, seg_features(len(text), cuts), words))
        results: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        order = sorted((i for i, t in enumerate(texts) if t), key=lambda i: len(texts[i]))
        batch: list[int] = []
        for i in order:
            # Sorted by length, so the batch's longest text is the one being added.
            if batch and (len(batch) + 1) * len(texts[i]) > self.batch_chars:
                self._run(batch, encoded, results)
                batch = []
            batch.append(i)
        if batch:
            self._run(batch, encoded, results)
        return results

    def _run(self, batch: list[int], encoded, results) -> None:
        lengths = [len(encoded[i][0]) for i in batch]
        width = max(lengths)
        arrays = numpy.zeros((3, len(batch), width), dtype=numpy.int64)
        for row, i in enumerate(batch):
            for feature in range(3):
                arrays[feature, row, :lengths[row]] = encoded[i][feature]
        inputs = {"chars": arrays[0], "bigrams": arrays[1], "segs": arrays[2],
                  "lengths": numpy.array(lengths, dtype=numpy.int64)}
        if self.lexicon is not None:
            shape = (len(batch), width, Lexicon.SETS, self.lexicon.per_set)
            word_ids, weights = numpy.zeros(shape, dtype=numpy.int64), numpy.zeros(shape, dtype=numpy.float32)
            for row, i in enumerate(batch):
                word_ids[row, :lengths[row]], weights[row, :lengths[row]] = encoded[i][3]
            inputs.update(words=word_ids, word_weights=weights)
        emissions = self.session.run(None, inputs)[0]
        for i, path in zip(batch, viterbi(emissions, lengths, self.transitions, self.start, self.end, self.groups)):
            results[i] = spans_of(path, self.names)
