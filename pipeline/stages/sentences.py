"""Sentences: Chinese boundaries on the original text.

A sentence ends after ``。！？；…`` (with any closing quotes or brackets right after it) or at a
line break. Spans exclude surrounding white space; text that is only white space is no sentence.
"""
from __future__ import annotations

import re

_SENTENCE = re.compile(
    r"[^\n。！？；!?;…]*"            # the body
    r"(?:(?:[。！？；!?;]|…+)[”’」』）)\"']*|\n|$)",  # its end: a terminator and closers, or a line break
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in ``text``, in order, trimmed of white space."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
