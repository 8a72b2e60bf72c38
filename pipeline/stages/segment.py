"""Segment: jieba over the working copy, tokens laid on the original text.

Segmenting the traditional original directly gives ``干|預衝突`` for ``干預衝突``; the simplified
working copy segments as ``干预|冲突``. Token boundaries that fall inside a conversion block
(``記憶體`` → ``内存``) are dropped, so every token maps to whole original characters.
"""
from __future__ import annotations

import logging
from typing import Iterable

from .normalize import TextView


def _import_jieba():
    # jieba 0.42 imports pkg_resources when it is there (setuptools < 81, which HanLP needs) and
    # setuptools then warns on every run; the warning is about jieba, not about the user's input.
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        import jieba
    return jieba


class Segmenter:
    """Owns one ``jieba.Tokenizer`` (never jieba's process-wide one), with its cache file set."""

    def __init__(self, cache_dir, user_words: Iterable[str] = ()):
        self.cache_dir = str(cache_dir)
        self.user_words = sorted(set(user_words))
        self._tokenizer = None
        self._word_tags = None

    def initialize(self) -> None:
        jieba = _import_jieba()

        # jieba logs every dictionary load at DEBUG to stderr; a pipeline run is not the place.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = self.cache_dir
        tokenizer.cache_file = "jieba-default.cache"
        tokenizer.initialize()
        for word in self.user_words:
            # High enough frequency that a known name beats the split jieba would choose.
            tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 2000))
        self._tokenizer = tokenizer

    def word_tags(self) -> dict[str, str]:
        """Part-of-speech tags of jieba's dictionary words (``国际`` → ``n``, ``的`` → ``uj``), read
        once."""
        if self._word_tags is None:
            jieba = _import_jieba()
            tags = {}
            with jieba.get_dict_file() as f:
                for line in f:
                    parts = line.decode("utf-8").split()
                    if len(parts) == 3:
                        tags[parts[0]] = parts[2]
            self._word_tags = tags
        return self._word_tags

    def cut(self, text: str) -> list[str]:
        """jieba's words of a working-copy text."""
        if self._tokenizer is None:
            self.initialize()
        return list(self._tokenizer.cut(text, HMM=True))

    def word_edges(self, text: str) -> list[int]:
        """Where jieba's words of ``text`` end (the last is ``len(text)``): the word boundaries a
        model reads as features."""
        edges, position = [], 0
        for word in self.cut(text):
            position += len(word)
            edges.append(position)
        return edges

    def segment(self, view: TextView) -> list[tuple[int, int]]:
        """Token spans on the original text; they tile it without gaps or overlaps."""
        return segment_view(view, self.cut(view.working))


def segment_view(view: TextView, words: Iterable[str]) -> list[tuple[int, int]]:
    """Lay segmented working-copy words onto the original text."""
    boundaries = [0]
    position = 0
    for word in words:
        position += len(word)
        if position < len(view.working) and view.is_working_boundary(position):
            boundaries.append(view.w2o_start[position])
    boundaries.append(len(view.original))
    return [(a, b) for a, b in zip(boundaries, boundaries[1:]) if b > a]
