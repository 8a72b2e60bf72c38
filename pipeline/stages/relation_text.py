"""What the relation engine reads of a document: its mentions and dates in working
coordinates, its clauses, the anaphors that stand for earlier mentions, and where the triggers
of a pattern are. Prepared once per grammar and cached on the document; ``relations`` analyses
each trigger on top of it.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .relation_patterns import Anaphor, RelationPattern, Trigger

_MAX_CLAUSE = 300  # characters; real clauses are far shorter

# --- the document as the engine sees it -----------------------------------------------------------

@dataclass(frozen=True)
class _Mention:
    """An entity or an anaphor on the working copy."""

    start: int
    end: int
    labels: frozenset
    index: int | None          # the entity (for an anaphor: its antecedent), None if unresolved
    key: str | None            # what makes two mentions one referent: canonical or text
    anaphor: bool = False
    group: tuple[int, ...] = ()  # the antecedents of a plural anaphor (两国)
    group_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Date:
    start: int
    end: int
    index: int
    type: str


@dataclass
class _Document:
    view: object
    text: str
    sentences: list[tuple[int, int]]
    entities: list[_Mention]
    dates: list[_Date]
    titles: list[tuple[int, int]]      # 《…》 spans: no trigger inside a title
    quotes: list[tuple[int, int]]      # “…” 「…」 spans
    entity_text: dict = field(default_factory=dict)   # entity index -> working text
    cache: dict = field(default_factory=dict)
    arcs: list | None = None    # a dependency parse: (start, end, head word index | None, relation) per word

    @classmethod
    def build(cls, view, sentences, entities, dates, convert=None, dependencies=None) -> "_Document":
        text = view.working

        def span(start, end):
            s, e = view.to_working(start, end)
            if convert is not None and e - s != end - start:
                # An alignment block can reach into the next word (雅加達建立 → 雅加达创建 gives the
                # name the 创): keep the name's own working form when it is inside the span.
                form = convert(view.original[start:end])
                k = text.find(form, s, e) if form else -1
                if k != -1:
                    return k, k + len(form)
            return s, e

        ents = []
        for i, m in enumerate(entities):
            s, e = span(m.start, m.end)
            ents.append(_Mention(s, e, frozenset({m.label}), i, m.canonical or text[s:e]))
        ents.sort(key=lambda m: (m.start, -m.end))
        ds = []
        for i, d in enumerate(dates):
            s, e = span(d.start, d.end)
            ds.append(_Date(s, e, i, d.type))
        ds.sort(key=lambda d: d.start)
        sents = sorted(view.to_working(s, e) for s, e in sentences)
        titles = [m.span() for m in re.finditer(r"《[^《》\n]*》", text)]
        quotes = [m.span() for m in re.finditer(r"“[^“”\n]*”|「[^「」\n]*」|『[^『』\n]*』", text)]
        arcs = None
        if dependencies is not None:
            arcs = [(*view.to_working(s, e), head, rel) for s, e, head, rel in dependencies]
        return cls(view, text, sents, ents, ds, titles, quotes, {m.index: text[m.start:m.end] for m in ents},
                   arcs=arcs)

    def sentence_index(self, pos: int) -> int | None:
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        if i >= 0 and self.sentences[i][0] <= pos < self.sentences[i][1]:
            return i
        return None

    @property
    def sentence_starts(self) -> list[int]:
        if "starts" not in self.cache:
            self.cache["starts"] = [s for s, _ in self.sentences]
        return self.cache["starts"]


@dataclass
class _Hit:
    trigger: Trigger
    start: int
    end: int
    sentence: int
    clause: int
    until: tuple[int, int] | None = None


def _mask(length: int, spans) -> bytearray:
    """1 at every character inside one of the spans."""
    mask = bytearray(length + 1)
    for s, e in spans:
        mask[s:e] = b"\x01" * (e - s)
    return mask


class _Reader:
    """What one pattern reads of one document, prepared once per grammar and cached on the
    document: mentions with their anaphors resolved, clauses, the characters no cue is read in,
    and the trigger hits."""

    def __init__(self, pattern: RelationPattern, doc: _Document):
        self.p, self.g, self.doc, self.text = pattern, pattern.grammar, doc, doc.text
        self.clauses = self._clauses()
        self.mentions = self._with_anaphors()
        self.starts = [m.start for m in self.mentions]
        self.name_ends = {m.end for m in self.mentions if not m.anaphor}
        self.blocked = self._blocked()

    # -- preparation, cached per grammar -----------------------------------------------------------
    def _cached(self, name, build):
        key = (id(self.g), name)
        if key not in self.doc.cache:
            self.doc.cache[key] = build()
        return self.doc.cache[key]

    def _with_anaphors(self) -> list[_Mention]:
        return self._cached("mentions", lambda: sorted(self.doc.entities + self._anaphors(),
                                                        key=lambda m: (m.start, -m.end)))

    def _anaphors(self) -> list[_Mention]:
        text, doc = self.text, self.doc
        taken = bytearray(len(text) + 1)
        for s, e in [(m.start, m.end) for m in doc.entities] + self._ignored():
            taken[s:e] = b"\x01" * (e - s)
        entity_ends = {m.end for m in doc.entities}
        found = []
        for anaphor in self.g.anaphors:
            for form in anaphor.forms:
                for m in re.finditer(re.escape(form), text):
                    found.append((m.start(), m.end(), anaphor))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        pool = list(doc.entities)  # sorted by start; resolved anaphors join it in text order
        out: list[_Mention] = []
        for start, end, anaphor in found:
            if any(taken[start:end]):
                continue
            if anaphor.count > 1 and start in entity_ends:
                continue  # 俄白两国: the countries are named right before
            taken[start:end] = b"\x01" * (end - start)
            mention = self._resolve(start, end, anaphor, pool)
            out.append(mention)
            if mention.index is not None and not mention.group:
                bisect.insort(pool, mention, key=lambda m: m.start)
        return out

    def _resolve(self, start: int, end: int, anaphor: Anaphor, pool: list[_Mention]) -> _Mention:
        """The nearest compatible earlier mention of the sentence; else, for a singular anaphor, the
        nearest one that opens its clause in the sentence before (a subject, possibly itself an
        anaphor: 该校…，该校…); else the nearest one."""
        doc = self.doc

        def compatible(m):
            return m.end <= start and m.labels & anaphor.labels and \
                (not anaphor.heads or doc.entity_text[m.index].endswith(anaphor.heads))

        si = doc.sentence_index(start)
        here = doc.sentences[si][0] if si is not None else 0
        floor = doc.sentences[max(si - 1, 0)][0] if si is not None else 0
        i = bisect.bisect_left(pool, start, key=lambda m: m.start)
        if anaphor.count == 1:
            recent, nearest = [], None
            for m in reversed(pool[:i]):
                if not compatible(m):
                    if m.start < floor and recent:
                        break
                    continue
                if nearest is None:
                    nearest = m
                    if m.start >= here:
                        break
                if m.start < floor:
                    break
                recent.append(m)
            if nearest is None:
                return _Mention(start, end, anaphor.labels, None, None, anaphor=True)
            m = nearest
            if m.start < here:
                m = next((o for o in recent if self._opens_clause(o, pool)), nearest)
            return _Mention(start, end, m.labels, m.index, m.key, anaphor=True)
        picked: list[_Mention] = []
        for m in reversed(pool[:i]):
            if m.start < floor or len(picked) == anaphor.count:
                break
            if compatible(m) and m.key not in {p.key for p in picked}:
                picked.append(m)
        if len(picked) == anaphor.count:
            picked.reverse()
            return _Mention(start, end, frozenset().union(*(p.labels for p in picked)), None, None, anaphor=True,
                            group=tuple(p.index for p in picked), group_keys=tuple(p.key for p in picked))
        return _Mention(start, end, anaphor.labels, None, None, anaphor=True)

    def _opens_clause(self, m: _Mention, pool: list[_Mention]) -> bool:
        si = self.doc.sentence_index(m.start)
        if si is None:
            return False
        a = next((a for a, b in self.clauses[si] if a <= m.start < b), self.doc.sentences[si][0])
        i = bisect.bisect_left(pool, a, key=lambda o: o.start)
        return i < len(pool) and pool[i].start >= m.start

    def _ignored(self) -> list[tuple[int, int]]:
        return self._cached("ignored", lambda: [m.span() for w in self.g.ignore_words
                                                for m in re.finditer(re.escape(w), self.text)])

    def _clauses(self) -> list[list[tuple[int, int]]]:
        def build():
            breaks = set(self.g.clause_breaks)
            out = []
            for s, e in self.doc.sentences:
                parts, start = [], s
                for i in range(s, e):
                    if self.text[i] in breaks:
                        if i > start:
                            parts.append((start, i))
                        start = i + 1
                if e > start:
                    parts.append((start, e))
                out.append([piece for part in parts or [(s, e)] for piece in self._bounded(*part)])
            return out
        return self._cached("clauses", build)

    def _bounded(self, start: int, end: int) -> list[tuple[int, int]]:
        """A clause of text with no punctuation for pages is read in stretches of about
        ``_MAX_CLAUSE`` characters, cut where no mention or date is: every trigger looks for its
        arguments within reach, so the work stays linear in the text."""
        if end - start <= _MAX_CLAUSE:
            return [(start, end)]
        inside = self._cached("spans_mask", lambda: _mask(len(self.text), [(m.start, m.end) for m in self.doc.entities]
                                                          + [(d.start, d.end) for d in self.doc.dates]))
        parts = []
        while end - start > _MAX_CLAUSE:
            cut = next((i for i in range(start + _MAX_CLAUSE, end) if not inside[i]), end)
            parts.append((start, cut))
            start = cut
        return parts + ([(start, end)] if end > start else [])

    def _blocked(self) -> bytearray:
        """1 where a character belongs to a mention, a date or an ignored word: no cue is read there."""
        def build():
            mask = bytearray(len(self.text) + 1)
            for s, e in [(m.start, m.end) for m in self.mentions] + [(d.start, d.end) for d in self.doc.dates] \
                    + self._ignored():
                mask[s:e] = b"\x01" * (e - s)
            return mask
        return self._cached("blocked", build)

    def _free(self, start: int, end: int) -> bool:
        return not any(self.blocked[start:end])

    def _find(self, words: Sequence[str], a: int, b: int) -> list[int]:
        """Positions in [a, b) where one of ``words`` occurs outside mentions, dates and ignored words."""
        out = []
        for w in words:
            if not w:
                continue
            i = self.text.find(w, a, b)
            while i != -1:
                if self._free(i, i + len(w)):
                    out.append(i)
                i = self.text.find(w, i + 1, b)
        return sorted(out)

    # -- triggers ----------------------------------------------------------------------------------
    def _modifies_noun(self, end: int, clause_end: int, trigger: Trigger) -> bool:
        """加入欧盟的申请: trigger + object + 的 + one of the nouns states no act."""
        span = self.text[end:min(clause_end, end + trigger.within)]
        return any(f"的{noun}" in span for noun in trigger.unless_object_of)

    def hits(self) -> Iterable[_Hit]:
        doc, text = self.doc, self.text
        occupied = bytearray(len(text) + 1)
        for a, b in [(m.start, m.end) for m in self.mentions] + [(d.start, d.end) for d in doc.dates] + doc.titles:
            occupied[a:b] = b"\x01" * (b - a)
        words = {w for trigger in self.p.triggers for w in trigger.words}
        for trigger in self.p.triggers:
            regex = re.compile("|".join(re.escape(w) for w in sorted(trigger.words, key=len, reverse=True)))
            for match in regex.finditer(text):
                s, e = match.span()
                if any(occupied[s:e]) or any(len(w) > e - s and text.startswith(w, s) for w in words):
                    continue  # inside a name, a date or a title; or part of a longer trigger word
                if any(w and text.endswith(w, 0, s) for w in trigger.unless_before):
                    continue
                if any(w and text.startswith(w, e) for w in trigger.unless_after):
                    continue
                si = doc.sentence_index(s)
                if si is None:
                    continue
                ci = next(i for i, (a, b) in enumerate(self.clauses[si]) if a <= s < b)
                if trigger.unless_object_of and self._modifies_noun(e, self.clauses[si][ci][1], trigger):
                    continue
                until = None
                if trigger.until:
                    ce = self.clauses[si][ci][1]
                    spots = [(q, q + len(w)) for w in trigger.until for q in [text.find(w, e, ce)]
                             if q != -1 and q - e <= trigger.within]
                    if not spots:
                        continue
                    until = min(spots)
                yield _Hit(trigger, s, e, si, ci, until)
