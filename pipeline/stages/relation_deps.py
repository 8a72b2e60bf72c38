"""Relation arguments from a dependency parse, for roles whose pattern names the relations.

A role with ``dep: [obj, ...]`` that the engine's positional rules left empty takes, when the
document has a parse, the mentions the parse attaches to the trigger's word through one of those
relations (a mention any of whose words is that dependent), and the mentions coordinated with
them (``conj``): an object behind a long modifier (``签署了一项旨在……的《X协定》``), a subject the
clause rules did not reach. What the positional rules found is kept: the parse adds, it never
takes away, so a pattern with ``dep`` is never worse off with a parser than without. Relation
names are the parser's own (Universal Dependencies ``obj``, Stanford ``dobj``): a pattern lists
the ones it accepts.
"""
from __future__ import annotations

import bisect

CONJUNCTS = ("conj",)


def parsed_arguments(arcs: list, trigger_at: int, mentions: list, roles, args: dict) -> dict:
    """``args`` (role -> [(kind, payload, coref)]) with every empty ``dep`` role filled from the parse."""
    dep_roles = [r for r in roles if r.dep and r.kind == "entity" and not args.get(r.name)]
    if not dep_roles or not arcs:
        return args
    starts = [a[0] for a in arcs]
    t = bisect.bisect_right(starts, trigger_at) - 1
    if t < 0 or not arcs[t][0] <= trigger_at < arcs[t][1]:
        return args
    children: dict[int, list[tuple[int, str]]] = {}
    for i, (_, _, head, rel) in enumerate(arcs):
        if head is not None:
            children.setdefault(head, []).append((i, _base(rel)))
    out = dict(args)
    used = {id(payload) for items in args.values() for _, payload, _ in items}
    for role in dep_roles:
        wanted = {_base(r) for r in role.dep}
        words = [i for i, rel in children.get(t, []) if rel in wanted]
        words += _conjuncts(words, children)
        found, seen = [], set()
        for i in words:
            m = _mention_over(arcs[i], mentions, role.labels)
            if m is not None and id(m) not in seen and id(m) not in used:  # X于1999年成立: X is no founder
                seen.add(id(m))
                found.append(("entity", m, m.anaphor))
        if found:
            out[role.name] = sorted(found, key=lambda item: item[1].start)
            used |= seen
    return out


def _base(rel: str) -> str:
    return rel.lower()


def _conjuncts(words: list[int], children: dict) -> list[int]:
    out, todo = [], list(words)
    while todo:
        i = todo.pop()
        for j, rel in children.get(i, []):
            if rel in CONJUNCTS and j not in out and j not in words:
                out.append(j)
                todo.append(j)
    return out


def _mention_over(arc, mentions: list, labels):
    """The mention with compatible labels that covers the word (the longest, if several)."""
    start, end = arc[0], arc[1]
    best = None
    for m in mentions:
        if m.start <= start and end <= m.end and m.labels & labels:
            if best is None or m.end - m.start > best.end - best.start:
                best = m
    return best
