"""Which encoding a file of Chinese text is in, and how sure we are.

In order: a byte-order mark (UTF-8, UTF-16, UTF-32) decides; bytes that are valid UTF-8 are
UTF-8; otherwise charset-normalizer proposes decodings among the encodings Chinese text comes in
(UTF-16 without a mark, GB18030 and its subsets GBK/GB2312, Big5 and Big5-HKSCS) and each proposal
is checked by how much of it reads as Chinese: the share of its characters that are ordinary —
characters of jieba's dictionary words (in either script), ASCII, CJK punctuation and full-width
forms. A wrong decoding of Chinese bytes gives rare characters, Hangul or symbols, so it scores
low. The best-scoring decoding wins; its score is the confidence. A file whose best decoding
scores below ``MIN_CONFIDENCE``, or whose two best decodings differ but score alike, is refused
rather than guessed.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
CANDIDATES = ("gb18030", "big5", "big5hkscs", "utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be")
MIN_CONFIDENCE = 0.80
MIN_MARGIN = 0.05   # two different decodings closer than this: ambiguous
SAMPLE_CHARS = 20000  # the score reads at most this much of a decoding


@dataclass(frozen=True)
class Detected:
    encoding: str        # a Python codec name (utf-8, utf-16, gb18030, big5, ...)
    confidence: float    # 1.0 for a byte-order mark or valid UTF-8
    text: str


class UndetectedEncoding(ValueError):
    """No decoding is likely enough; ``candidates`` are (encoding, score) seen, best first."""

    def __init__(self, message: str, candidates=()):
        super().__init__(message)
        self.candidates = list(candidates)


def detect(data: bytes) -> Detected:
    for bom, codec in BOMS:
        if data.startswith(bom):
            return Detected(codec, 1.0, data[len(bom):].decode(codec.replace("-sig", "")))
    try:
        return Detected("utf-8", 1.0, data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    scored = []
    for encoding in _proposals(data):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((chinese_score(text), encoding, text))
    if not scored:
        raise UndetectedEncoding("no Chinese encoding decodes it (tried UTF-8, UTF-16/32, GB18030, Big5)")
    scored.sort(key=lambda s: -s[0])
    best_score, best, text = scored[0]
    seen = [(e, round(s, 3)) for s, e, _ in scored]
    if best_score < MIN_CONFIDENCE:
        raise UndetectedEncoding(f"no decoding reads as Chinese text (best: {best} at {best_score:.2f})", seen)
    rival = next(((s, e) for s, e, t in scored[1:] if t != text and not _same_family(e, best)), None)
    if rival and best_score - rival[0] < MIN_MARGIN:
        raise UndetectedEncoding(f"it reads as {best} ({best_score:.2f}) and as {rival[1]} ({rival[0]:.2f}) alike", seen)
    return Detected(_preferred_name(best, text, data), round(best_score, 3), text)


def _proposals(data: bytes) -> list[str]:
    """charset-normalizer's ranking among our candidates, then the rest of them."""
    from charset_normalizer import from_bytes

    ranked = []
    try:
        ranked = [m.encoding for m in from_bytes(data[:200000], cp_isolation=list(CANDIDATES))]
    except Exception:  # the detector is advisory: every candidate is scored anyway
        ranked = []
    return list(dict.fromkeys(ranked + list(CANDIDATES)))


def _same_family(a: str, b: str) -> bool:
    return {a, b} <= {"big5", "big5hkscs", "cp950"} or {a, b} <= {"gb18030", "gbk", "gb2312"}


_NARROWER = {"big5hkscs": "big5", "gb18030": "gbk"}


def _preferred_name(encoding: str, text: str, data: bytes) -> str:
    """The narrowest usual name: big5 where Big5 itself decodes the bytes alike, gbk for GBK."""
    narrower = _NARROWER.get(encoding)
    if narrower is not None:
        try:
            if data.decode(narrower) == text:
                return narrower
        except UnicodeDecodeError:
            pass
    return encoding.replace("_", "-")


def chinese_score(text: str) -> float:
    """Share of the characters that are ordinary in Chinese text (white space not counted)."""
    common = _common_characters()
    sample = text[:SAMPLE_CHARS]
    counted = ordinary = 0
    for ch in sample:
        if ch.isspace():
            continue
        counted += 1
        if ch in common or (" " < ch < "\x7f") or _is_ordinary_symbol(ch):
            ordinary += 1
    return ordinary / counted if counted else 0.0


def _is_ordinary_symbol(ch: str) -> bool:
    code = ord(ch)
    # CJK punctuation, full-width forms, general punctuation (dashes, quotes, ellipsis).
    return 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E or 0x2010 <= code <= 0x2027 or \
        unicodedata.category(ch) == "Pd"


@lru_cache(maxsize=1)
def _common_characters() -> frozenset:
    """Characters of jieba's dictionary words, and their traditional forms (OpenCC)."""
    import os

    import opencc

    from .stages.segment import _import_jieba

    jieba = _import_jieba()
    chars: set[str] = set()
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        for line in f:
            word = line.split(" ", 1)[0]
            chars.update(word)
    simplified = "".join(sorted(chars))
    for config in ("s2t", "s2tw", "s2hk"):
        chars.update(opencc.OpenCC(config).convert(simplified))
    return frozenset(c for c in chars if not c.isascii())
