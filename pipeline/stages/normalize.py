"""Normalise variants: a simplified, mainland-usage working copy aligned to the original text.

The heart is :func:`normalize`, which returns a :class:`TextView`: the original text, the working
copy and an exact character alignment between them. Every later stage reads the working copy and
maps its spans back through the view, so every table points into the original.

OpenCC's ``tw2sp`` phrase conversion changes length (``記憶體→内存``, ``哈薩克→哈萨克斯坦``), so the
alignment is computed block-wise: a character-level conversion (``t2s``, length preserving) is
diffed against the phrase conversion, and each differing stretch becomes one block that maps as a
whole. A span that starts or ends inside a block widens to the whole block.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

# Full-width ASCII letters, digits and the few symbols that occur inside numbers and codes. Chinese
# punctuation (，：；（）) stays as it is: later stages rely on it as written.
_FULLWIDTH_FOLD = {
    **{chr(c): chr(c - 0xFEE0) for c in range(ord("０"), ord("９") + 1)},
    **{chr(c): chr(c - 0xFEE0) for c in range(ord("Ａ"), ord("Ｚ") + 1)},
    **{chr(c): chr(c - 0xFEE0) for c in range(ord("ａ"), ord("ｚ") + 1)},
    "％": "%", "．": ".", "＋": "+", "－": "-", "／": "/", "＆": "&", "＃": "#",
}
_FOLD_TABLE = str.maketrans(_FULLWIDTH_FOLD)

# Conversion works on chunks between these characters: no OpenCC phrase spans them, and small
# chunks keep the diff cheap.
_CHUNK_BREAK = re.compile(r"[\n\r。！？；，、：（）《》“”\"'\s]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_MAX_CHUNK = 256


def simplified_characters(text: str) -> str:
    """``text`` in simplified characters, converted one for one (``t2s``, full-width ASCII folded),
    without the phrase conversion's regional vocabulary (檔案 is 档案, not mainland 文件)."""
    return _character_converter().convert(text.translate(_FOLD_TABLE))


@lru_cache(maxsize=1)
def _kept_words() -> tuple[str, ...]:
    import opencc

    from ..resources import load_yaml

    words = load_yaml("normalize_keep.yaml")["keep"]
    # The same word in simplified and in each traditional standard: the phrase table rewrites all.
    characters, phrase = _character_converter(), opencc.OpenCC("tw2sp")
    converters = [characters, *(opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2hk"))]
    forms = {c.convert(w) for w in words for c in converters} | set(words)
    # Only the forms the phrase table rewrites need keeping.
    return tuple(sorted(f for f in forms if phrase.convert(f) != characters.convert(f)))


@lru_cache(maxsize=1)
def _character_converter():
    import opencc

    return opencc.OpenCC("t2s")


@dataclass(frozen=True)
class TextView:
    """The original text, its working copy, and the alignment between them.

    ``w2o_start[j]``/``w2o_end[j]`` give the original span of the block that working character ``j``
    belongs to; ``o2w_start[i]``/``o2w_end[i]`` the working span of original character ``i``'s block.
    """

    original: str
    working: str
    w2o_start: tuple[int, ...]
    w2o_end: tuple[int, ...]
    o2w_start: tuple[int, ...]
    o2w_end: tuple[int, ...]
    script: str

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a working-copy span to the smallest original span that covers it."""
        if start >= end:
            pos = self.w2o_start[start] if start < len(self.working) else len(self.original)
            return pos, pos
        return self.w2o_start[start], self.w2o_end[end - 1]

    def to_working(self, start: int, end: int) -> tuple[int, int]:
        """Map an original span to the smallest working-copy span that covers it."""
        if start >= end:
            pos = self.o2w_start[start] if start < len(self.original) else len(self.working)
            return pos, pos
        return self.o2w_start[start], self.o2w_end[end - 1]

    def is_working_boundary(self, pos: int) -> bool:
        """True where a working offset is also a block boundary (maps to one original offset)."""
        return pos in (0, len(self.working)) or self.w2o_start[pos] != self.w2o_start[pos - 1]


class Normalizer:
    """Turns original text into a :class:`TextView`. Construct once per pipeline.

    ``protected`` are traditional strings that must be converted character by character, because
    the phrase conversion would expand them wrongly (``哈薩克斯坦`` → ``哈萨克斯坦斯坦``: the
    phrase table maps ``哈薩克`` to the full name, which the text already spells out).
    """

    def __init__(self, protected: Iterable[str] = ()):
        import opencc  # heavy native module: imported on first use, not at package import

        self._phrase = opencc.OpenCC("tw2sp")
        self._chars = opencc.OpenCC("t2s")
        self._to_trad = opencc.OpenCC("s2t")
        self.set_protected(protected)
        kept = _kept_words()
        self._kept = re.compile("|".join(map(re.escape, sorted(kept, key=len, reverse=True))))
        self._kept_rewrites = {w: self._phrase.convert(w) for w in kept}

    def set_protected(self, protected: Iterable[str]) -> None:
        terms = sorted({p for p in protected if p}, key=len, reverse=True)
        self._protected = re.compile("|".join(map(re.escape, terms))) if terms else None

    def convert(self, text: str) -> str:
        """The working form of a string (for gazetteer names and patterns)."""
        return self.normalize(text).working

    def normalize(self, original: str) -> TextView:
        folded = original.translate(_FOLD_TABLE)
        blocks: list[tuple[int, int, int, int]] = []  # (o_start, o_end, w_start, w_end)
        pieces: list[str] = []
        w_pos = 0
        for o_start, o_end, char_form, phrase_form in self._convert_pieces(folded):
            for i1, i2, j1, j2 in _align(char_form, phrase_form, folded[o_start:o_end], self._phrase.convert):
                blocks.append((o_start + i1, o_start + i2, w_pos + j1, w_pos + j2))
            pieces.append(phrase_form)
            w_pos += len(phrase_form)
        working = "".join(pieces)
        w2o_start, w2o_end = [0] * len(working), [0] * len(working)
        o2w_start, o2w_end = [0] * len(original), [0] * len(original)
        for o1, o2, w1, w2 in blocks:
            for j in range(w1, w2):
                w2o_start[j], w2o_end[j] = o1, o2
            for i in range(o1, o2):
                o2w_start[i], o2w_end[i] = w1, w2
        return TextView(original, working, tuple(w2o_start), tuple(w2o_end),
                        tuple(o2w_start), tuple(o2w_end), self.detect_script(original))

    def detect_script(self, text: str) -> str:
        """``hant``, ``hans`` or ``mixed``: which script-specific characters the text uses."""
        han = "".join(_CJK.findall(text))
        if not han:
            return "hans"
        traditional_only = sum(a != b for a, b in zip(han, self._chars.convert(han)))
        simplified_only = sum(a != b for a, b in zip(han, self._to_trad.convert(han)))
        if traditional_only and simplified_only:
            # A stray character of the other script (a quoted name) does not make a text mixed.
            minority = min(traditional_only, simplified_only)
            if minority / (traditional_only + simplified_only) >= 0.1:
                return "mixed"
        return "hant" if traditional_only > simplified_only else "hans"

    def _convert_pieces(self, text: str):
        """Yield (start, end, char-level form, phrase-level form) pieces that tile ``text``."""
        start = 0
        for match in _CHUNK_BREAK.finditer(text):
            yield from self._convert_chunk(text, start, match.start())
            yield match.start(), match.end(), match.group(), match.group()
            start = match.end()
        yield from self._convert_chunk(text, start, len(text))

    def _kept_spans(self, chunk: str) -> list[tuple[int, int]]:
        """Ordinary words (data/normalize_keep.yaml) that the phrase table would rewrite into
        computing vocabulary here (建立 → 创建). Where a longer entry of the table takes the word
        in (智慧財產權 → 知识产权, 執行長 → 首席执行官), that conversion stands."""
        spans = []
        for m in self._kept.finditer(chunk):
            # Three characters either side hold any longer entry that could take the word in.
            around = self._phrase.convert(chunk[max(0, m.start() - 3):m.end() + 3])
            if self._kept_rewrites[m.group()] in around:
                spans.append((m.start(), m.end()))
        return spans

    def _convert_chunk(self, text: str, start: int, end: int):
        if start == end:
            return
        if end - start > _MAX_CHUNK:
            # A long run without punctuation (a table dump, a line of code) is cut so that the
            # diff stays cheap; a phrase cut in two converts character by character.
            for cut in range(start, end, _MAX_CHUNK):
                yield from self._convert_chunk(text, cut, min(cut + _MAX_CHUNK, end))
            return
        chunk = text[start:end]
        spans = [(m.start(), m.end()) for m in self._protected.finditer(chunk)] if self._protected else []
        spans = sorted(spans + [k for k in self._kept_spans(chunk) if not any(a < k[1] and k[0] < b for a, b in spans)])
        pos = 0
        for p_start, p_end in spans + [(len(chunk), len(chunk))]:
            if p_start > pos:
                piece = chunk[pos:p_start]
                char_form = self._char_form(piece)
                yield start + pos, start + p_start, char_form, self._phrase.convert(piece) or char_form
            if p_end > p_start:
                piece = chunk[p_start:p_end]
                char_form = self._char_form(piece)
                yield start + p_start, start + p_end, char_form, char_form
            pos = p_end

    def _char_form(self, piece: str) -> str:
        converted = self._chars.convert(piece)
        if len(converted) == len(piece):
            return converted
        return "".join(c if len(c) == 1 else ch for ch, c in ((ch, self._chars.convert(ch)) for ch in piece))


def _align(source: str, target: str, original: str = "", convert=None) -> list[tuple[int, int, int, int]]:
    """Blocks (i1, i2, j1, j2) tiling both strings; equal characters pair one to one.

    ``source`` is length-aligned with ``original``. A stretch that differs maps one to one when
    both sides have the same length (OpenCC replaced a phrase by one as long: 寮国→老挝); otherwise
    it is split where converting its two halves separately gives the same result, and what cannot
    be split stays one block. No block is empty on either side, so every working character maps
    to at least one original character and back.
    """
    if source == target:
        return [(i, i + 1, i, i + 1) for i in range(len(source))]
    blocks: list[list[int]] = []
    matcher = difflib.SequenceMatcher(None, source, target, autojunk=False)
    for tag, i1, i2, j1, j2 in _absorb_stray_matches(matcher.get_opcodes()):
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            blocks.extend([i1 + k, i1 + k + 1, j1 + k, j1 + k + 1] for k in range(i2 - i1))
        else:
            blocks.extend(_split_block(i1, i2, j1, j2, original, target, convert))
    merged: list[list[int]] = []
    for block in blocks:
        if merged and (block[0] == block[1] or block[2] == block[3] or
                       merged[-1][0] == merged[-1][1] or merged[-1][2] == merged[-1][3]):
            merged[-1][1], merged[-1][3] = block[1], block[3]
        else:
            merged.append(block)
    return [tuple(b) for b in merged]


def _absorb_stray_matches(opcodes) -> list[tuple[str, int, int, int, int]]:
    """One character that the diff matched between two changes is part of the change: in 互动 →
    交互 the 互 it pairs sits at another place in the phrase, so 互动 ↔ 交互 is one replacement
    (one to one, as long on both sides), not 交 inserted, 互 kept and 动 deleted. Two changes
    with a real character between them are split again by ``_split_block``."""
    merged: list[list] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        stray = (tag == "equal" and i2 - i1 == 1 and k + 1 < len(opcodes)
                 and opcodes[k + 1][0] != "equal")
        if merged and merged[-1][0] != "equal" and (tag != "equal" or stray):
            merged[-1][0], merged[-1][2], merged[-1][4] = "replace", i2, j2
        else:
            merged.append([tag, i1, i2, j1, j2])
    return [tuple(op) for op in merged]


def _split_block(i1, i2, j1, j2, original, target, convert) -> list[list[int]]:
    """Split a differing stretch where its parts convert independently (记忆体|不 → 内存|不)."""
    if convert is None or not original or i2 - i1 < 2:
        return [[i1, i2, j1, j2]]
    for k in range(i1 + 1, i2):
        head = convert(original[i1:k])
        if head and target.startswith(head, j1) and j1 + len(head) < j2 \
                and convert(original[k:i2]) == target[j1 + len(head):j2]:
            return [[i1, k, j1, j1 + len(head)]] + _split_block(k, i2, j1 + len(head), j2, original, target, convert)
    return [[i1, i2, j1, j2]]
