"""What the words around a number say about it: approximation (近3万人, 约占…的30%), and the
indefinite 一 that counts nothing (成为一个…, 他是该院的一名法官, 一片繁荣). Used by :mod:`.numbers`;
the word lists are in ``data/number_words.yaml``."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..numerals import DIGIT_VALUES
from .shared import CLAUSE_BREAK

if TYPE_CHECKING:
    from .numbers import _Tables

_CN_DIGITS = "".join(DIGIT_VALUES)


def approx_before(text: str, pos: int, tables: _Tables, bare: bool = False) -> bool:
    for word in tables.approx_prefixes.all_ending(text, pos):
        if word in tables.data["bare_multiplier_only_prefixes"] and not bare:
            continue
        return True
    return False


def approx_clause(text: str, pos: int, tables: _Tables) -> bool:
    """约占全球经济总量的30%: 约 with a verb earlier in the clause, 的 just before the number."""
    if pos == 0 or text[pos - 1] != "的":
        return False
    clause = CLAUSE_BREAK.split(text[max(0, pos - 40):pos])[-1]
    for verb in tables.data["approx_clause_verbs"]:
        at = clause.rfind(verb)
        if at >= 0 and not re.search(rf"[\d{_CN_DIGITS}]", clause[at + len(verb):]):
            return True
    return False


def state_word_at(pos: int, accepted, d: dict) -> bool:
    """一片|繁荣: the segmenter's word after the classifier is a word of state."""
    word = accepted.words_at.get(pos)
    return word is not None and word[1] in d["descriptive_follower_tags"]


def indefinite(text: str, pos: int, tables: _Tables) -> bool:
    """一个 after 是/为/成为/这/了…: the indefinite article, not a count."""
    return any(text.startswith(w, pos - len(w)) for w in tables.data["indefinite_triggers"]
               if pos >= len(w))


def after_copula(text: str, pos: int, tables: _Tables) -> bool:
    """一名 in 成为一名律师 or 他是该院的一名法官: classifies, counts nothing."""
    copulas = tables.data["copulas"]
    clause = CLAUSE_BREAK.split(text[max(0, pos - 40):pos])[-1]
    for word in tables.data["copula_lookalikes"]:
        clause = clause.replace(word, "\0" * len(word))
    if clause.endswith(tuple(copulas)):
        return True
    return clause.endswith("的") and any(w in clause for w in copulas)
