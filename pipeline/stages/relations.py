"""Relations: who signed, founded, joined or held what, when and where.

The heart is :func:`find_relations`, a plain function over the working copy, the entities and the
dates of one document. *What* it looks for is data: one YAML file per relation type under
``data/relations/`` (plus user files, ``zhpipe run --patterns FILE``), read and validated by
:func:`load_patterns`. A file names trigger words and the roles to fill, each with the entity labels
it accepts and its position relative to the trigger; the constructions that move an argument away
from that position are known to the engine generically and tuned by the words in ``_shared.yaml``:

``before`` (the subject)
    the coordinated group left of the trigger in its clause (``A、B和C``, compact ``俄白两国``),
    with a partner further right (``A 在X 与 B 签署``, ``A与两所大学——B及C——签订``); the agents of a
    passive (``由 A、B 签署``); or, when the clause states no subject at all, the first group of an
    earlier clause of the sentence that has one (``X于…成立，…加入Y``; in ``X成立，…设立Y，…再设立Z`` the
    founder of Z is X), without that clause's partner when the clause has its own (``A与B签订X，又与C
    签署Y``: A and C).
``after`` (the object)
    right of the trigger (within ``object_gap`` characters, or between the two parts of a split
    trigger such as ``成为…成员``); the head of a relative clause (``A签订的X``, ``成立于1963年的X``); the
    topic of a passive (``X由A签署``) or of a copula (``X是A每年举行的…``, ``X是由A成立的银行``). A role
    marked ``intransitive: subject`` takes the subject when the trigger has no object
    (``X于1999年成立``); one marked ``omitted: nearest`` takes the nearest earlier compatible mention
    when nothing names it (``埃及也正式加入``).
``date`` / ``place``
    from the trigger's clause (for a relative clause, not from after its head), else inherited from
    an earlier clause of the sentence (its leading date, a ``在…举行的…峰会上`` frame).

An entity that only qualifies another noun is no argument: ``上合组织成员国元首``, ``欧洲共同体12国外长``,
``美国总统川普``, a place before ``的`` and an organisation (``荷兰的史基浦集团``, ``位于仙台的东北大学``), or
an alias in brackets after a name (``国家实验研究院（国研院）``: the full name is the argument).

Anaphors (``该组织``, ``该条约``, ``两国``, ``它``) stand for the nearest earlier compatible entity and
give arguments with ``coref=True``. Cue words before the trigger make a relation ``negated``
(``未签署``) or ``planned`` (``将加入``); such relations are returned with that modality, and the gold
format leaves them out. Mentions of one act in one sentence (``加入东盟，成为该组织第十个成员国``)
are merged into one relation.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Sequence

from .relation_patterns import RelationPattern, Role
from .relation_deps import parsed_arguments
from .relation_groups import _Phrases
from .relation_text import _Date, _Document, _Hit, _Mention
from .relation_patterns import PatternError, load_patterns  # noqa: F401  (this stage's API, as README shows)

MODALITIES = ("asserted", "negated", "planned")
_CLOSING = set("。！？；，、,.;!?…）)]」』”’\"'\n")  # after the trigger: the clause ends, no object follows


# --- results --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RelationArg:
    role: str
    kind: str                 # entity | date | string
    index: int | None = None  # into the document's entities (kind entity) or dates (kind date)
    value: str | None = None  # for strings: the surface in the original text
    coref: bool = False       # resolved from an anaphor, an omitted or a shared argument


@dataclass(frozen=True)
class Relation:
    type: str
    modality: str             # asserted | negated | planned
    evidence_start: int       # original offsets of the clause(s) stating it
    evidence_end: int
    confidence: float
    args: tuple[RelationArg, ...]

    def role(self, name: str) -> list[RelationArg]:
        return [a for a in self.args if a.role == name]


@dataclass
class _Left:
    """What lies left of a trigger."""

    near_start: int                                   # where `near` modality cues start counting
    subject: list = field(default_factory=list)       # the subject group (or the passive's agents)
    topic: list = field(default_factory=list)         # the topic of a passive or copula
    by_agents: bool = False
    copula: bool = False                              # the topic is the subject of a copula (X是A设立的Y)
    predecessor: bool = False                         # ... of X的前身是…: the object after 的 is another one
    host: bool = False                                # the subject is a host right before the trigger
    inherited: list = field(default_factory=list)     # clause indexes that gave arguments
    shared_ids: set = field(default_factory=set)      # mentions taken from an earlier clause


@dataclass
class _Candidate:
    """A relation found by one trigger, before merging, in working coordinates."""

    type: str
    modality: str
    sentence: int
    trigger: int
    evidence: tuple[int, int]
    confidence: float
    args: dict          # role -> list of (kind, payload, coref); payload: _Mention | _Date | str
    keys: dict          # role -> frozenset of referent keys, for merging
    order: tuple


class _Engine(_Phrases):
    """Everything one pattern needs on one document; the analysis of one trigger is :meth:`analyse`."""

    def __init__(self, pattern: RelationPattern, doc: _Document):
        super().__init__(pattern, doc)
        self.before_labels = frozenset().union(*(r.labels for r in pattern.roles
                                                 if r.kind == "entity" and r.position == "before"))
        self.after_labels = frozenset().union(*(r.labels for r in pattern.roles
                                                if r.kind == "entity" and r.position == "after"))
        self.promoted_labels = frozenset().union(*(r.labels for r in pattern.roles if r.intransitive == "subject"))
    # -- one trigger -------------------------------------------------------------------------------
    def analyse(self, hit: _Hit) -> list[_Candidate]:
        """The relations one trigger states (several when a single-valued role has several referents)."""
        cs, ce = self.clauses[hit.sentence][hit.clause]
        phrases = self.place_phrases(cs, ce)
        marker_at, relative_date = self.relative_clause(hit, phrases)
        relative = marker_at is not None
        obj, status = self.find_object(hit, marker_at, ce)
        parties = []
        if relative and status == "other":  # 签订的中俄《尼布楚条约》: the parties stand before the object
            parties, obj = self.parties_before_object(marker_at + len(self.g.relative_marker), ce)
            status = "entity" if obj else status
        left = self.left_side(hit, cs, phrases, relative, intransitive=status == "none" and not obj)
        if parties and all(m.anaphor for m in left.subject):
            left.subject = parties  # 双方…签订的中俄《…》: the parties named are the agents
        modality = self.modality(cs, left.near_start, hit.start)
        args = self.fill_entities(hit, left, obj, status, relative, cs, ce)
        if self.doc.arcs is not None:
            args = parsed_arguments(self.doc.arcs, hit.start, self.mentions, self.p.roles, args)
        inherited = list(left.inherited)

        for role in self.p.roles:
            if role.kind == "date":
                date, cj = (relative_date, None) if relative_date is not None else \
                    self.find_date(hit, cs, ce, after=not relative)
                if date is not None:
                    args[role.name].append(("date", date, False))
                    inherited += [cj] if cj is not None else []
            elif role.kind == "place":
                host = left.subject if left.host else []
                place, cj = self.find_place(hit, phrases, host, inherit=not relative)
                if place is not None and place.labels & role.labels:
                    args[role.name].append(("entity", place, False))
                    inherited += [cj] if cj is not None else []
            elif role.kind == "string":
                value = self.find_string(hit, role.values, cs, ce)
                if value is not None:
                    args[role.name].append(("string", value, False))
        evidence = (cs, ce)
        for cj in inherited:
            a, b = self.clauses[hit.sentence][cj]
            evidence = (min(evidence[0], a), max(evidence[1], b))
        corefs = sum(1 for items in args.values() for _, _, coref in items if coref)
        confidence = self.p.confidence - 0.05 * len(set(inherited)) - 0.1 * min(3, corefs) \
            - (0.05 if left.topic and not obj else 0)
        return self.split(hit, args, modality, evidence, max(0.05, min(0.99, round(confidence, 2))))

    def relative_clause(self, hit: _Hit, phrases) -> tuple[int | None, _Date | None]:
        """Where the relative marker stands when the trigger ends a relative clause: right after it (两国签订的X)
        or after its 于-phrase (成立于1963年的X, 成立于北京的X); with the date of that phrase."""
        marker = self.g.relative_marker
        if self.text.startswith(marker, hit.end):
            return hit.end, None
        for word in self.g.place_after:
            if not word or not self.text.startswith(word, hit.end):
                continue
            at = hit.end + len(word)
            i = bisect.bisect_left(self.doc.dates, at, key=lambda d: d.start)
            date = self.doc.dates[i] if i < len(self.doc.dates) and self.doc.dates[i].start == at else None
            place = next((ph[-1] for ph in phrases if ph[0].start == at), None)
            end = date.end if date is not None else place.end if place is not None else None
            if end is not None and self.text.startswith(marker, end):
                return end, date
        return None, None

    def left_side(self, hit: _Hit, cs: int, phrases, relative: bool, intransitive: bool) -> "_Left":
        """Subject, passive agents and topic left of the trigger; a subject missing from the clause is
        taken from an earlier clause of the sentence."""
        g, out = self.g, _Left(near_start=cs)
        placed = {id(m) for ph in phrases for m in ph}
        subject_labels = self.before_labels | (self.promoted_labels if intransitive else frozenset())
        start = cs
        copula = self._find(g.copulas, cs, hit.start) if relative else []
        if copula:  # X 是 A 每年举行的 …
            a, b = self.topic_span(hit, cs, copula[-1])
            out.topic = self.nearest_group(a, b, self.after_labels, placed)
            out.copula = bool(out.topic)
            out.predecessor = bool(out.topic) and any(
                w in self.text[out.topic[-1].end:copula[-1]] for w in g.predecessor_words)
            start = copula[-1] + 1
        by = self._find(g.by_markers, start, hit.start)
        if by and any(m.labels & self.after_labels for d in self._find([g.relative_marker], by[-1], hit.start)
                      for m in self.starting(d + len(g.relative_marker), d + len(g.relative_marker) + 2)[:1]):
            by = []  # 由南非主办的第一届峰会于…举行: the 由 belongs to a relative clause before the topic
        if by:  # X 由 A、B 签署
            out.subject = [m for m in self.in_span(by[-1] + 1, hit.start)
                           if m.labels & self.before_labels and id(m) not in placed and not self.is_modifier(m)]
            out.by_agents = bool(out.subject)
            out.topic = out.topic or self.nearest_group(start, by[-1], self.after_labels, placed)
            out.near_start = by[-1]
            if not out.topic and intransitive and not relative:  # 东盟于…成立，由五国共同创建
                out.topic = self.shared_group(hit, self.after_labels, out)[:1]
            return out
        if hit.trigger.host and relative:  # 在越南主办的第37届东盟峰会期间
            out.subject = [ph[-1] for ph in phrases if ph[-1].end == hit.start]
            out.host = bool(out.subject)
        if not out.subject:
            out.subject, wants_subject = self.scan_subject(start, hit.start, placed, subject_labels)
            if (not out.subject or wants_subject) and not relative and not self._find(g.subject_nouns, start,
                                                                                      hit.start):
                shared = self.shared_group(hit, subject_labels, out)
                if wants_subject:  # A与B签订X，又与C签署Y: the subject is A; B was the earlier partner
                    shared = self.before_partner(shared)
                out.subject = shared + out.subject
        own = [m for m in out.subject if m.start >= start]
        out.near_start = own[0].end if own else start
        return out

    def topic_span(self, hit: _Hit, cs: int, copula: int) -> tuple[int, int]:
        """Where a copula's topic is looked for: its clause; but a gloss in brackets right before the
        copula (X（英语：…, …）是…) stands for X, and X is before the bracket, in the clause it opens in."""
        close = self.text[copula - 1:copula]
        if close not in ("）", ")"):
            return cs, copula
        opening = self.text.rfind("（" if close == "）" else "(", 0, copula - 1)
        clause = next(((a, b) for a, b in self.clauses[hit.sentence] if a <= opening < b), None)
        if opening < 0 or clause is None:
            return cs, copula
        return clause[0], opening

    def owners(self, m: _Mention, floor: int) -> list[_Mention]:
        """The group right before ``m`` and its relative marker: A与B的X → [A, B]."""
        marker = self.g.relative_marker
        at = len(self.text[floor:m.start].rstrip("《“「『\"")) + floor
        if not self.text.endswith(marker, floor, at):
            return []
        cands = [o for o in self.in_span(floor, at - len(marker))
                 if o.labels & self.before_labels and not self.is_modifier(o)]
        if not cands or cands[-1].end != at - len(marker):
            return []
        return cands[self.group_left(cands, len(cands) - 1):]

    def shared_group(self, hit: _Hit, labels: frozenset, left: "_Left") -> list[_Mention]:
        """The subject of the nearest earlier clause of the sentence that has one (zero anaphora)."""
        for cj in range(hit.clause - 1, -1, -1):
            a, b = self.clauses[hit.sentence][cj]
            group = self.first_group(a, b, labels)
            if group and self.trigger_between(a, group[0].start):
                continue  # X于…成立，…衍生成立Y，…再衍生成立Z: Y is an object, that clause has no subject either
            if group:
                left.inherited.append(cj)
                left.shared_ids |= {id(m) for m in group}
                return group
        return []

    def trigger_between(self, a: int, b: int) -> bool:
        """Whether a trigger of this pattern starts in [a, b)."""
        if "hit_starts" not in self.__dict__:
            self.hit_starts = sorted(h.start for h in self.hits())
        i = bisect.bisect_left(self.hit_starts, a)
        return i < len(self.hit_starts) and self.hit_starts[i] < b

    def before_partner(self, group: list[_Mention]) -> list[_Mention]:
        """The members of a group before its first comitative: A与B → [A]."""
        for k in range(len(group) - 1):
            if self.text[self.phrase_end(group[k]):self.phrase_start(group[k + 1], group[k].end)] in \
                    self.g.comitatives:
                return group[:k + 1]
        return group

    def fill_entities(self, hit: _Hit, left: "_Left", obj, status: str, relative: bool, cs: int, ce: int) -> dict:
        args: dict[str, list] = {r.name: [] for r in self.p.roles}
        after_roles = [r for r in self.p.roles if r.kind == "entity" and r.position == "after"]
        before_roles = [r for r in self.p.roles if r.kind == "entity" and r.position == "before"]
        # X是A共同成立的多边开发银行: the copula's topic is the one named; the noun after 的 describes
        # it; but X的前身是…建立的Y names another organisation, Y.
        for m in left.topic if left.copula and not (obj and left.predecessor) else obj or left.topic:
            self._assign(args, after_roles, m, id(m) in left.shared_ids)
        subject, owners = list(left.subject), []
        if not obj and not left.topic and status == "none" and not left.by_agents:  # X于1999年成立
            promoted = []
            for m in list(subject):
                role = next((r for r in after_roles if r.intransitive == "subject" and m.labels & r.labels), None)
                if role is not None and (role.many or not args[role.name]):
                    args[role.name].append(("entity", m, id(m) in left.shared_ids or m.anaphor))
                    subject.remove(m)
                    promoted.append(m)
            if promoted and not subject:  # 欧盟与加拿大的《全面经济贸易协定》于…签署
                owners = self.owners(promoted[0], cs)
        for m in subject:
            self._assign(args, before_roles, m, id(m) in left.shared_ids)
        for m in owners:
            self._assign(args, [r for r in before_roles if r.possessor], m, False)
        stated = any(args[r.name] for r in before_roles)
        for role in after_roles:  # 埃及也正式加入: the organisation named before
            if role.omitted == "nearest" and not args[role.name] and status == "none" and not relative and stated:
                used = {m.key for items in args.values() for _, m, _ in items if isinstance(m, _Mention)}
                m = self.nearest_earlier(hit.start, role.labels, used)
                if m is not None:
                    args[role.name].append(("entity", m, True))
        # One referent fills one side: 《大公报》创刊时的大公报 does not found itself.
        acted_on = {m.key for r in after_roles for _, m, _ in args[r.name] if isinstance(m, _Mention) and m.key}
        for role in before_roles:
            args[role.name] = [a for a in args[role.name] if not (isinstance(a[1], _Mention) and a[1].key in acted_on)]
        return args

    def _assign(self, args: dict, roles: list[Role], m: _Mention, inherited: bool) -> None:
        role = next((r for r in roles if m.labels & r.labels), None)
        if role is not None:
            args[role.name].append(("entity", m, inherited or m.anaphor))

    def scan_subject(self, a: int, b: int, placed: set, labels: frozenset) -> tuple[list[_Mention], bool]:
        """The group nearest left of the trigger, with the subject further left when it is a partner
        (A 在X 与 B 签署). The flag says a partner was found but its subject was not."""
        cands = [m for m in self.in_span(a, b)
                 if m.labels & labels and id(m) not in placed and not self.is_modifier(m)]
        if not cands:
            return [], False
        j = self.group_left(cands, len(cands) - 1)
        group = cands[j:]
        partner = self.partner_at(self.phrase_start(group[0], a), a)
        if not partner:
            return group, False
        if j == 0:
            return group, True
        k = self.group_left(cands, j - 1)
        return cands[k:j] + group, False

    def nearest_group(self, a: int, b: int, labels: frozenset, placed: set) -> list[_Mention]:
        cands = [m for m in self.in_span(a, b) if m.labels & labels and id(m) not in placed]
        if not cands:
            return []
        return cands[self.group_left(cands, len(cands) - 1):]

    def find_object(self, hit: _Hit, marker_at: int | None, ce: int) -> tuple[list[_Mention], str]:
        """(object group, status): status is entity, other (an unnamed object) or none (no object).
        ``marker_at``: where the relative marker stands when the trigger ends a relative clause."""
        relative = marker_at is not None
        labels = self.after_labels
        if hit.until:
            named = self.in_span(hit.end, hit.until[0])
            cands = [m for m in named if m.labels & labels]
            if cands:
                return cands[:self.group_right(cands, 0) + 1], "entity"
            return [], "other" if named else "none"
        start = marker_at + len(self.g.relative_marker) if relative else hit.end
        limit = start + (2 if relative else self.g.object_gap)
        cands = [m for m in self.in_span(start, ce) if m.labels & labels and not self.is_modifier(m)]
        if cands and cands[0].start <= limit:
            return cands[:self.group_right(cands, 0) + 1], "entity"
        if relative:
            return [], "other"
        # 设立了由…组成的X: the head of a long object follows its relative marker.
        marker = self.g.relative_marker
        for i, m in enumerate(cands):
            if self.text.startswith(marker, m.start - len(marker)) or \
                    self.text.startswith(marker, m.start - len(marker) - 1) and not self.text[m.start - 1].isalnum():
                return cands[i:self.group_right(cands, i) + 1], "entity"
        listed = self.apposition(hit, ce)
        if listed:
            return listed, "entity"
        rest = self.text[hit.end:ce].lstrip("了过")
        if not rest or rest[0] in _CLOSING or any(w and rest.startswith(w) for w in self.p.intransitive_after):
            return [], "none"
        return [], "other"

    def parties_before_object(self, start: int, ce: int) -> tuple[list[_Mention], list[_Mention]]:
        """(parties, object) of 签订的中俄《尼布楚条约》, 签署的中美联合公报: a group of the subject's labels
        right after the relative marker, then the object right after the group (a title mark or a
        count of the states may stand between)."""
        named = [m for m in self.in_span(start, ce) if not self.is_modifier(m)]
        parties = [m for m in named if m.labels & self.before_labels]
        if not parties or parties[0].start != start:
            return [], []
        group = parties[:self.group_right(parties, 0) + 1]
        after = [m for m in named if m.start >= group[-1].end and m.labels & self.after_labels]
        if not after:
            return [], []
        gap = self.text[group[-1].end:after[0].start].rstrip("《“「『")
        if gap and gap not in self.g.group_filler:  # 签订的中俄两国《…》
            return [], []
        return group, after[:self.group_right(after, 0) + 1]

    def apposition(self, hit: _Hit, ce: int) -> list[_Mention]:
        """组建三个集团，即东欧集团(…)，高加索集团(…): an unnamed object spelled out after 即, one named
        entity opening each following clause of the sentence."""
        clauses = self.clauses[hit.sentence]
        following = [c for c in clauses if c[0] >= ce]
        if not following or not self.g.apposition_markers:
            return []
        a, b = following[0]
        marker = next((w for w in self.g.apposition_markers if w and self.text.startswith(w, a)), None)
        if marker is None:
            return []
        out = []
        for k, (a, b) in enumerate(following):
            at = a + len(marker) if k == 0 else a
            first = next((m for m in self.in_span(at, b)), None)
            if first is None or first.start != at or not first.labels & self.after_labels:
                break
            out.append(first)
        return out

    def nearest_earlier(self, pos: int, labels: frozenset, used: set) -> _Mention | None:
        for m in reversed(self.mentions):
            if m.end <= pos and m.labels & labels and m.index is not None and m.key not in used:
                return m
        return None

    def modality(self, clause_start: int, near_start: int, trigger: int) -> str:
        for kind in ("negated", "planned"):
            cues = self.g.modality[kind]
            if self._find(cues["near"], near_start, trigger) or self._find(cues["clause"], clause_start, trigger):
                return kind
        return "asserted"

    def usable_dates(self, a: int, b: int) -> list[_Date]:
        marker, dates = self.g.relative_marker, self.doc.dates
        i, j = bisect.bisect_left(dates, a, key=lambda d: d.start), bisect.bisect_left(dates, b, key=lambda d: d.start)
        return [d for d in dates[i:j] if d.end <= b and d.type not in self.g.date_skip_types
                and not self.text.startswith(marker, d.end)]

    def _prefer(self, dates: list[_Date]) -> list[_Date]:
        preferred = [d for d in dates if d.type in self.g.date_prefer_types]
        return preferred or dates

    def find_date(self, hit: _Hit, cs: int, ce: int, after: bool = True) -> tuple[_Date | None, int | None]:
        """The clause's date nearest before the trigger, else after it (not for a relative clause, whose
        head's own predicate follows: 由中国牵头成立的亚投行于2016年开业), else the nearest one of an
        earlier clause of the sentence (returned with that clause's index)."""
        dates = self.usable_dates(cs, ce)
        before = self._prefer([d for d in dates if d.end <= hit.start])
        if before:
            return before[-1], None
        after = after and self._prefer([d for d in dates if d.start >= hit.end])
        if after:
            return after[0], None
        for cj in range(hit.clause - 1, -1, -1):
            a, b = self.clauses[hit.sentence][cj]
            dates = self._prefer(self.usable_dates(a, b))
            if dates:
                return dates[-1], cj
        return None, None

    def find_place(self, hit: _Hit, phrases, host, inherit: bool) -> tuple[_Mention | None, int | None]:
        host_ids = {id(m) for m in host}
        phrases = [ph for ph in phrases if id(ph[-1]) not in host_ids]
        before = [ph[-1] for ph in phrases if ph[-1].end <= hit.start]
        if before:
            return before[-1], None
        # 成立于上海: a place phrase right after the trigger (not one inside its object).
        after = [ph[-1] for ph in phrases if any(self.text.startswith(w, hit.end) and ph[0].start == hit.end + len(w)
                                                 for w in self.g.place_after)]
        if after:
            return after[0], None
        for cj in range(hit.clause - 1, -1, -1) if inherit else ():  # not into a relative clause (X成立的Y)
            a, b = self.clauses[hit.sentence][cj]
            earlier = self.place_phrases(a, b)
            if earlier:
                return earlier[-1][-1], cj
        return None, None

    def find_string(self, hit: _Hit, values: Sequence[str], cs: int, ce: int) -> str | None:
        spans = [(hit.start, hit.until[1])] if hit.until else []
        spans.append((cs, ce))
        for a, b in spans:
            found = [(i, -len(v), v) for v in values for i in [self.text.find(v, a, b)] if i != -1]
            if found:
                i, neg, _ = min(found)
                s, e = self.doc.view.to_original(i, i - neg)
                return self.doc.view.original[s:e]
        return None

    def split(self, hit: _Hit, args: dict, modality: str, evidence: tuple, confidence: float) -> list[_Candidate]:
        """One candidate per referent of a single-valued role given several (举办东盟峰会和东亚峰会)."""
        args = {k: v for k, v in args.items() if v}
        multi = next((r.name for r in self.p.roles if not r.many and len(args.get(r.name, [])) > 1), None)
        variants = [args] if multi is None else [{**args, multi: [item]} for item in args[multi]]
        out = []
        for variant in variants:
            variant = {k: (v if self.p.role(k).many else v[:1]) for k, v in variant.items()}
            variant = {k: self._expand(v) for k, v in variant.items()}
            variant = {k: v for k, v in variant.items() if v}
            if any(r not in variant for r in self.p.requires):
                continue
            if self.p.requires_any and not any(r in variant for r in self.p.requires_any):
                continue
            keys = {k: frozenset(_key(item) for item in v) for k, v in variant.items()}
            out.append(_Candidate(self.p.type, modality, hit.sentence, hit.start, evidence, confidence, variant, keys,
                                  (hit.start, self.p.type)))
        return out

    @staticmethod
    def _expand(items: list) -> list:
        """Resolve anaphors: a plural one gives its antecedents, an unresolved one nothing; no repeats."""
        out, seen = [], set()
        for kind, payload, coref in items:
            if kind == "entity" and payload.group:
                expanded = [("entity", _Mention(payload.start, payload.end, payload.labels, i, k, True), True)
                            for i, k in zip(payload.group, payload.group_keys)]
            elif kind == "entity" and payload.index is None:
                expanded = []
            else:
                expanded = [(kind, payload, coref)]
            for item in expanded:
                if _key(item) not in seen:
                    seen.add(_key(item))
                    out.append(item)
        return out


def _key(item) -> str:
    kind, payload, _ = item
    if kind == "entity":
        return f"e:{payload.key}"
    if kind == "date":
        return f"d:{payload.index}"
    return f"s:{payload}"


def _merge(candidates: list[_Candidate], patterns: dict[str, RelationPattern]) -> list[_Candidate]:
    """Mentions of one act in one sentence become one relation: same type, sentence and modality, and
    every identity role that both give names the same referents."""
    merged: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: c.order):
        identity = patterns[cand.type].identity
        target = None
        for other in merged:
            if (other.type, other.sentence, other.modality) != (cand.type, cand.sentence, cand.modality):
                continue
            shared = [r for r in identity if r in other.keys and r in cand.keys]
            if shared and all(other.keys[r] == cand.keys[r] for r in shared):
                target = other
                break
        if target is None:
            merged.append(cand)
            continue
        for role, items in cand.args.items():
            if role not in target.args:
                target.args[role] = items
                target.keys[role] = cand.keys[role]
            elif patterns[cand.type].role(role).many:
                extra = [i for i in items if _key(i) not in target.keys[role]]
                target.args[role] = target.args[role] + extra
                target.keys[role] = target.keys[role] | {_key(i) for i in extra}
        target.evidence = (min(target.evidence[0], cand.evidence[0]), max(target.evidence[1], cand.evidence[1]))
        target.confidence = max(target.confidence, cand.confidence)
    return merged


def find_relations(view, tokens: Sequence[tuple[int, int]], sentences: Sequence[tuple[int, int]],
                   entities: Sequence, dates: Sequence, patterns: Sequence[RelationPattern],
                   dependencies: Sequence | None = None) -> list[Relation]:
    """Relations of one document, in text order. ``sentences`` are original-text spans (``tokens``
    too; the patterns read characters, so they are accepted for the component's sake and unused);
    ``entities``/``dates`` are the mentions of the earlier stages, which the arguments index;
    ``dependencies``, when a parser ran, is (start, end, head word index | None, relation) per word,
    for the roles whose pattern names the relations (``dep``: ``relation_deps``)."""
    if not patterns or not sentences:
        return []
    doc = _Document.build(view, sentences, entities, dates, patterns[0].grammar.convert, dependencies)
    candidates = []
    for pattern in patterns:
        engine = _Engine(pattern, doc)
        for hit in engine.hits():
            candidates += engine.analyse(hit)
    by_type = {p.type: p for p in patterns}
    relations = []
    for cand in sorted(_merge(candidates, by_type), key=lambda c: (c.evidence[0], c.trigger)):
        pattern = by_type[cand.type]
        args = []
        for role in pattern.roles:
            for kind, payload, coref in cand.args.get(role.name, []):
                if kind == "entity":
                    args.append(RelationArg(role.name, "entity", index=payload.index, coref=coref))
                elif kind == "date":
                    args.append(RelationArg(role.name, "date", index=payload.index))
                else:
                    args.append(RelationArg(role.name, "string", value=payload))
        start, end = view.to_original(*cand.evidence)
        relations.append(Relation(cand.type, cand.modality, start, end, cand.confidence, tuple(args)))
    return relations
