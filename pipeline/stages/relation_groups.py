"""The noun phrases a relation is read from: the mentions in a span, coordinated groups
(``A、B和C``, compact ``俄白两国``), entities that only qualify the noun after them (``美国总统川普``,
``荷兰的史基浦集团``) or name it again in brackets (``国家实验研究院（国研院）``), partners after a
comitative (``与B签署``), and place phrases (``在泰国曼谷``). ``relations`` fills the roles of one
trigger from these.
"""
from __future__ import annotations

import bisect

from .relation_text import _Mention, _Reader


class _Phrases(_Reader):
    """Where phrases start and end and which mentions belong together, on one document for one
    pattern's grammar."""

    def in_span(self, a: int, b: int) -> list[_Mention]:
        i, j = bisect.bisect_left(self.starts, a), bisect.bisect_left(self.starts, b)
        return [m for m in self.mentions[i:j] if m.end <= b]

    def starting(self, a: int, b: int) -> list[_Mention]:
        """Mentions that start in [a, b)."""
        return self.mentions[bisect.bisect_left(self.starts, a):bisect.bisect_left(self.starts, b)]

    def next_mention(self, m: _Mention) -> _Mention | None:
        i = bisect.bisect_left(self.starts, m.end)
        return self.mentions[i] if i < len(self.mentions) else None

    def is_modifier(self, m: _Mention) -> bool:
        """上合组织成员国元首, 美国总统川普, 荷兰的史基浦集团, 国研院 in 国家实验研究院（国研院）: the entity
        qualifies another noun or names one again, it is no argument of its own."""
        return self.qualifies_next(m) or self.alias_bracket(m) is not None

    def qualifies_next(self, m: _Mention) -> bool:
        """The entity qualifies the noun after it: 上合组织成员国元首, 美国总统川普, 北约秘书长…, 荷兰的史基浦集团."""
        after = self.text[m.end:m.end + 12]
        if not m.labels & {"GPE"}:  # 欧洲共同体12国外长: the ministers of an organisation's member states
            count = len(after) - len(after.lstrip(self.g.numerals))
            unit = next((u for u in self.g.state_counts if count and after.startswith(u, count)), None)
            after = after[count + len(unit):] if unit else after
        if any(h and after.startswith(h) for h in self.g.modifier_heads):
            return True
        if any(a < m.start and m.end < b - 1 for a, b in self.doc.quotes):
            return True  # part of a longer quoted name: 以「台澎金马个别关税领域」名义
        n = self.next_mention(m)
        if n is None or "PERSON" in m.labels:
            return False
        gap = self.text[m.end:n.start]
        if n.labels == {"PERSON"} and len(gap) <= self.g.person_title_gap and \
                not any(c in gap for c in (*self.g.coordinators, *self.g.clause_breaks, *self.g.place_prepositions,
                                           "。", "\n")):
            return True
        if gap == self.g.relative_marker and m.labels & self.g.place_labels and n.labels & {"ORG", "PERSON"}:
            return True  # 荷兰的史基浦集团, 位于仙台的东北大学
        return gap == "" and bool(m.labels & {"GPE"}) and bool(n.labels & {"ORG", "PERSON"})

    def _titles_person(self, o: _Mention, person: _Mention) -> bool:
        """``o`` and a short title stand right before ``person`` (苏联外长|维辛斯基)."""
        n = self.next_mention(o)
        return n is not None and (n.start, n.end) == (person.start, person.end) and 0 < person.start - o.end \
            <= self.g.person_title_gap

    def alias_bracket(self, m: _Mention) -> int | None:
        """Where the bracket opens when ``m`` is the alias of the name right before it (国家实验研究院（国研院）,
        中国国际航空股份有限公司（简称国航）); else None."""
        for opening, closing in self.g.alias_brackets:
            if not self.text.startswith(closing, m.end):
                continue
            at = self.text.rfind(opening, max(0, m.start - 8), m.start)
            if at == -1 or at + len(opening) != m.start and \
                    self.text[at + len(opening):m.start] not in self.g.alias_markers:
                continue
            if at in self.name_ends:
                return at
        return None

    def phrase_end(self, m: _Mention) -> int:
        """Where the noun phrase headed by ``m`` ends: after its alias in brackets (工研院（ITRI）)."""
        n = self.next_mention(m)
        if n is not None and self.alias_bracket(n) == m.end:
            closing = next(c for o, c in self.g.alias_brackets if self.text.startswith(o, m.end))
            return n.end + len(closing)
        return m.end

    def coordinated(self, a: _Mention, b: _Mention) -> bool:
        gap = self.text[self.phrase_end(a):self.phrase_start(b, a.end)]
        if gap in self.g.coordinators:
            return True
        if gap == "":
            return bool(a.labels & b.labels & self.g.compact_labels)
        return any(gap == f + c for f in self.g.group_filler for c in (*self.g.coordinators, ""))

    def partner_at(self, pos: int, floor: int) -> bool:
        """Whether the group whose phrase starts at ``pos`` follows a comitative: 与B签署, or a description
        that a list spells out (与两所外国大学——普渡大学及亚琛工业大学——签订)."""
        if any(c and self.text.endswith(c, floor, pos) for c in self.g.comitatives):
            return True
        opener = next((o for o in self.g.appositive_openers if self.text.endswith(o, floor, pos)), None)
        if opener is None:
            return False
        end = pos - len(opener)
        cues = self._find(self.g.comitatives, max(floor, end - self.g.object_gap), end)
        return bool(cues) and not any(c in self.text[cues[-1]:end] for c in self.g.clause_breaks)

    def group_left(self, cands: list[_Mention], i: int) -> int:
        while i > 0 and self.coordinated(cands[i - 1], cands[i]):
            i -= 1
        return i

    def group_right(self, cands: list[_Mention], i: int) -> int:
        while i + 1 < len(cands) and self.coordinated(cands[i], cands[i + 1]):
            i += 1
        return i

    def place_phrases(self, a: int, b: int) -> list[list[_Mention]]:
        """在泰国曼谷 → [泰国, 曼谷]: place entities right after a place preposition, in [a, b)."""
        phrases = []
        mentions = [m for m in self.in_span(a, b) if not m.anaphor]
        for pos in self._find(self.g.place_prepositions, a, b):
            prep = next(w for w in self.g.place_prepositions if self.text.startswith(w, pos))
            at, phrase = pos + len(prep), []
            for m in mentions:
                if m.start < at:
                    continue
                if m.labels & self.g.place_labels and (m.start == at or phrase and
                                                       self.text[at:m.start] in self.g.place_joiners):
                    phrase.append(m)
                    at = m.end
                else:
                    break
            if phrase and self._circumstance(phrase[-1].end):
                continue  # 在美国的主导下: who led it, not where
            if phrase and not (self.text.startswith(self.g.relative_marker, phrase[-1].end)
                               and self.qualifies_next(phrase[-1])):
                phrases.append(phrase)  # not 总部设在日内瓦的世界卫生组织: the place describes an argument
        return phrases

    def _circumstance(self, end: int) -> bool:
        at = end + len(self.g.relative_marker) if self.text.startswith(self.g.relative_marker, end) else end
        return any(self.text.startswith(head + "下", at) for head in self.g.circumstance_heads)

    def first_group(self, a: int, b: int, labels: frozenset) -> list[_Mention]:
        """The first coordinated group of compatible mentions in [a, b): a clause's subject."""
        placed = {id(m) for ph in self.place_phrases(a, b) for m in ph}
        cands = [m for m in self.in_span(a, b) if m.labels & labels and id(m) not in placed and not self.is_modifier(m)]
        if not cands or self.partner_at(self.phrase_start(cands[0], a), a):
            return []  # 并与X签署: a partner, not the clause's subject
        return cands[:self.group_right(cands, 0) + 1]

    def phrase_start(self, m: _Mention, floor: int) -> int:
        """Where the noun phrase headed by ``m`` starts: before the modifiers in front (美国普渡大学, 荷兰的
        史基浦集团, 位于仙台的东北大学), and before the entity and title in front of a person (苏联外长维辛斯基)."""
        start = m.start
        for o in reversed(self.in_span(floor, m.start)):
            if o.end > start:
                continue
            titled = start == m.start and "PERSON" in m.labels and self._titles_person(o, m)
            if (titled or self.text[o.end:start] in ("", self.g.relative_marker)) and self.qualifies_next(o):
                start = o.start
                verb = max((v for v in self.g.locative_verbs if v and self.text.endswith(v, floor, start)), key=len,
                           default="")
                start -= len(verb)
            else:
                break
        return start
