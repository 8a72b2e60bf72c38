"""Sentences: Chinese boundaries on the original text.

A sentence ends after ``。！？；…`` (with any closing quotes or brackets right after it), after an
ASCII full stop that is followed by a space, a Chinese character or the end (``3.5`` and ``U.S.A``
do not end one), or at a line break. Spans exclude surrounding white space; text that is only white space is no sentence.
"""
from __future__ import annotations

import re

_FULL_STOP = r"\.(?=[\s\u3400-\u9fff]|$)"
_SENTENCE = re.compile(
    rf"(?:[^\n。！？；!?;….]|\.(?![\s\u3400-\u9fff]|$))*"        # the body
    rf"(?:(?:[。！？；!?;]|…+|{_FULL_STOP})[”’」』）)\"']*|\n|$)",  # its end: a terminator and closers, or a line break
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
