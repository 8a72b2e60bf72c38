"""Entities: OntoNotes-labelled names from three sources merged by precedence.

1. rules (highest): titles in 《》, codenames in quotes, named summits and exercises, bare treaty
   names, deictic 我国;
2. gazetteers: countries, places, organisations, user lists, and country abbreviations where the
   context makes them names (enumerations, compounds, dash pairs);
3. a learned model on the working copy (``ner_backends``: Baidu's LAC by default, or our own
   BiLSTM-CRF), its names trimmed and checked in ``model_names``.

A candidate from a higher source wins any overlap; within a source, the longer span wins. All
matching is on the working copy; spans are mapped back to the original at the end.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Sequence

from ..gazetteer import Entry, Gazetteer
from .entity_candidates import DASH, GAZETTEER, HAN, HYPHENS, MODEL, RULE, Candidate, country_navy, resolve
from .entity_rules import rule_candidates
from .model_names import model_candidates, reign_era
from .normalize import TextView

@dataclass(frozen=True)
class EntityMention:
    start: int          # offsets into the original text
    end: int
    text: str
    label: str
    canonical: str
    kb_id: str
    source: str


@dataclass
class EntityResources:
    gazetteer: Gazetteer
    rules: dict
    model: object | None = None  # a backend of ner_backends (spans(texts, boundaries)), or None
    word_tags: dict = field(default_factory=dict)  # jieba dictionary word -> part-of-speech tag


def find_entities(view: TextView, tokens: Sequence[tuple[int, int]], sentences: Sequence[tuple[int, int]],
                  resources: EntityResources) -> list[EntityMention]:
    """Entities of one document. ``tokens`` and ``sentences`` are original-text spans."""
    text = view.working
    token_bounds = {view.to_working(s, e)[i] for s, e in tokens for i in (0, 1)}
    gaz = gazetteer_candidates(text, token_bounds, resources.gazetteer, resources.rules)
    model = model_candidates(view, sentences, token_bounds, resources) if resources.model is not None else []
    # A language word inside a person's name the model found (蔡|英文) is part of the name.
    persons = [(c.start, c.end) for c in model if c.label == "PERSON"]
    gaz = [c for c in gaz if c.label != "LANGUAGE" or not any(s <= c.start and c.end <= e and e - s > c.end - c.start
                                                                for s, e in persons)]
    # The model's chains of places are split first (浙江省衢州市), so that a gazetteer name at the
    # front (浙江省) does not drop the rest with them.
    model = place_shapes(text, model, resources.rules, token_bounds)
    merged = place_shapes(text, resolve(gaz + model), resources.rules, token_bounds)
    # 法属西非 before the rules, so that names built on a place build on it (法属西非银行)
    merged = resolve(merged + colonies(text, token_bounds, merged, resources.gazetteer, resources.rules))
    rules = rule_candidates(text, _working_tokens(view, tokens), merged, resources)
    resolved = resolve(_strip_glued_words(text, token_bounds, rules + merged, resources.rules))
    aliases = defined_aliases(text, token_bounds, resolved, resources.rules)
    if aliases:
        resolved = resolve(aliases + resolved)
    resolved = _hyphenated_persons(text, resolved)
    resolved = resolve(resolved + repeated_names(text, token_bounds, resolved, resources.word_tags, resources.rules))
    mentions: list[EntityMention] = []
    for c in resolved:
        start, end = view.to_original(c.start, c.end)
        if mentions and start < mentions[-1].end:
            continue  # two working spans inside one conversion block: keep the first
        mentions.append(EntityMention(start, end, view.original[start:end], c.label, c.canonical, c.kb_id, c.source))
    return mentions


_NAME_TAGS = ("nr", "nrt", "nrfg", "ns", "nt", "nz")
_REPEATED_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP", "PRODUCT")


def repeated_names(text: str, token_bounds: set[int], entities: list[Candidate], word_tags: dict,
                   rules: dict) -> list[Candidate]:
    """One name, one referent in a document: a name found once is the same name wherever else it
    stands as whole words (the model finds 占旭刚 in one sentence and misses it in the next).
    They never displace a rule's or a gazetteer's entity, nor cut across the model's; a shorter
    name the model found inside one gives way to it (奥罗 of 奥罗克族, where 奥罗克族 is found
    elsewhere). A name that is also a common word (the codename “通道”, a channel) is not carried
    over."""
    occupied = bytearray(len(text))  # under a rule's or a gazetteer's entity
    inside = bytearray(len(text) + 1)  # strictly inside the model's
    for c in entities:
        if c.source == MODEL:
            inside[c.start + 1:c.end] = b"\x01" * (c.end - c.start - 1)
        else:
            occupied[c.start:c.end] = b"\x01" * (c.end - c.start)

    def carried(name: str) -> bool:
        tag = word_tags.get(name)
        return bool(HAN.search(name)) and (tag is None or tag in _NAME_TAGS)

    names = {text[c.start:c.end]: c for c in entities
             if c.label in _REPEATED_LABELS and c.end - c.start >= 2 and carried(text[c.start:c.end])}
    if not names:
        return []
    # One pass over the word starts, longest name first at each: linear in the text, whatever the
    # number of names (a long document has thousands).
    lengths = sorted({len(n) for n in names}, reverse=True)
    found = []
    for s in sorted(token_bounds):
        if s >= len(text) or occupied[s] or inside[s]:
            continue
        for length in lengths:
            e = s + length
            c = names.get(text[s:e])
            if c is not None and reign_era(text[s:e], text, e, rules):
                continue  # 康熙皇帝, then 康熙时: the second is his reign, a date
            if c is not None and e in token_bounds and not inside[e] and not any(occupied[s:e]):
                found.append(Candidate(s, e, c.label, c.canonical, c.kb_id, MODEL))
                occupied[s:e] = b"\x01" * (e - s)
                break
    return found


def _hyphenated_persons(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """普拉斯科-弗莱克斯曼: two persons' names joined by a hyphen are one double-barrelled name."""
    out: list[Candidate] = []
    for c in sorted(candidates, key=lambda c: c.start):
        last = out[-1] if out else None
        if last and last.label == c.label == "PERSON" and c.start == last.end + 1 and text[last.end] in HYPHENS \
                and HAN.match(text[last.end - 1]) and HAN.match(text[c.start]):
            out[-1] = replace(last, end=c.end, canonical=text[last.start:c.end])
            continue
        out.append(c)
    return out


def _strip_glued_words(text: str, token_bounds: set[int], candidates: list[Candidate], rules: dict) -> list[Candidate]:
    """曾任浙江体育职业技术学院 → 浙江体育职业技术学院: a verb or preposition the name's walk took
    in, when the segmentation also cuts there (经济合作组织 keeps its 经)."""
    strips = tuple(sorted(rules["name_leading_strips"], key=len, reverse=True))
    out = []
    for c in candidates:
        if c.label in ("ORG", "FAC", "LAW", "EVENT") and (w := next((x for x in strips if text.startswith(x, c.start)), None)) \
                and c.end - c.start - len(w) >= 4 and c.start + len(w) in token_bounds:
            c = replace(c, start=c.start + len(w), canonical=c.canonical.removeprefix(w))
        out.append(c)
    return out


def place_shapes(text: str, candidates: list[Candidate], rules: dict, token_bounds: set[int] = frozenset()) -> list[Candidate]:
    """Places as names are written: 浙江省衢州市 is two GPEs, 马萨诸塞州西部 is 马萨诸塞州, and
    a "person" right after a state (德克萨斯州奥斯汀) or before 市 is a place."""
    upper = "|".join(map(re.escape, rules["upper_unit_words"]))
    lower = "|".join(map(re.escape, rules["lower_unit_words"]))
    chain = re.compile(rf"(.{{2,}}?(?:{upper}))(.{{2,}}?(?:{lower}))")
    directions = tuple(sorted(rules["place_direction_suffixes"], key=len, reverse=True))
    after = tuple(rules["place_after_suffixes"])
    prefixes = set(rules["place_prefix_words"])
    before = tuple(rules["place_before_words"])
    extensions = tuple(sorted(rules["region_extensions"], key=len, reverse=True))
    polity_heads = tuple(sorted(rules["polity_heads"], key=len, reverse=True))
    polity_prefixes = tuple(rules["polity_prefixes"])
    region_heads = tuple(rules["directional_region_heads"])
    units = tuple(sorted(rules["gazetteer_place_units"], key=len, reverse=True))

    def direction_before(start: int) -> bool:
        """A direction word before a polity is part of its name when it is a word of its own
        (东|罗马帝国) or jieba joins it to the name (东罗马|帝国), not when it ends another word
        (中东|罗马帝国)."""
        return bool(start) and text[start - 1] in polity_prefixes and \
            (start - 1 in token_bounds or start not in token_bounds)

    def direction_word(c: Candidate) -> bool:
        """The direction before a place is a word of its own (东|罗马), or the segmenter's one word
        is the direction and the whole place (南澳大利亚)."""
        if c.start - 1 not in token_bounds:
            return False
        return c.start in token_bounds or (c.end in token_bounds and
                                           not any(b in token_bounds for b in range(c.start, c.end)))

    out: list[Candidate] = []
    extended_to = -1
    for c in candidates:
        if c.start < extended_to:
            continue  # the 帝国 or 公国 a polity's name took in
        name = text[c.start:c.end]
        if c.label == "GPE" and not name.endswith(polity_heads) and \
                (head := next((x for x in polity_heads if text.startswith(x, c.end)), None)):
            # 罗马 + 帝国, 萨克森 + 公国: one polity; 东罗马帝国 with its direction.
            start = c.start - 1 if direction_before(c.start) else c.start
            c = replace(c, start=start, end=c.end + len(head), canonical=text[start:c.end + len(head)], kb_id="")
            extended_to = c.end
            if out and out[-1].end > c.start:
                out.pop()
            out.append(c)
            continue
        if c.label == "GPE" and direction_before(c.start) and (name.endswith(polity_heads) or direction_word(c)):
            # 东|罗马帝国 where the model found 罗马帝国, 南|澳大利亚: the direction is in the name.
            c = replace(c, start=c.start - 1, canonical=text[c.start - 1:c.end], kb_id="")
            name = text[c.start:c.end]
        if c.label == "LOC" and name.endswith(region_heads) and direction_before(c.start):
            # 南|太平洋: the direction is in the sea's name.
            c = replace(c, start=c.start - 1, canonical=text[c.start - 1:c.end], kb_id="")
            name = text[c.start:c.end]
        if c.label == "LOC" and (ext := next((x for x in extensions if text.startswith(x, c.end)), None)):
            # 非洲大陆: the model splits it as 非洲 + 大陆 (a "GPE"), it is one region.
            c = replace(c, end=c.end + len(ext), canonical=c.canonical + ext)
            out.append(c)
            continue
        if out and out[-1].label == "LOC" and c.start < out[-1].end:
            continue  # the 大陆 the model found on its own
        if c.label == "GPE" and c.source == GAZETTEER and \
                (unit := next((u for u in units if text.startswith(u, c.end) and c.end + len(u) in token_bounds), None)):
            # 舟山 + 县, 舟山 + 专区: the gazetteer's city with the unit the text names it by (a unit
            # of its own, so not the city's canonical name)
            c = replace(c, end=c.end + len(unit), canonical=text[c.start:c.end + len(unit)])
            name = text[c.start:c.end]
        if c.label == "GPE":
            if name[0] in prefixes and len(name) >= 4 and chain.fullmatch(name[1:]):
                c = replace(c, start=c.start + 1, canonical=c.canonical[1:])  # 今江苏省苏州市
                name = name[1:]
            for d in directions:
                if name.endswith(d) and len(name) - len(d) >= 2:
                    c = replace(c, end=c.end - len(d), canonical=c.canonical.removesuffix(d))
                    name = text[c.start:c.end]
                    break
            if m := chain.fullmatch(name):
                cut = c.start + len(m.group(1))
                out += [replace(c, end=cut, canonical=m.group(1)), replace(c, start=cut, canonical=m.group(2), kb_id="")]
                continue
        elif c.label == "PERSON" and c.source == MODEL and (
                (out and out[-1].end == c.start and out[-1].label == "GPE" and
                 text.endswith(after, out[-1].start, out[-1].end)) or text.startswith(before, c.end)):
            c = replace(c, label="GPE")
        out.append(c)
    return _hyphen_joined_polities(text, out, polity_heads)


def _hyphen_joined_polities(text: str, places: list[Candidate], polity_heads: tuple[str, ...]) -> list[Candidate]:
    """不伦瑞克-吕纳堡公国, 汪达尔-阿兰王国: a polity named after two names joined by a hyphen is one."""
    out: list[Candidate] = []
    for c in places:
        # 萨克森-科堡-哥达公国: as many names as the hyphens join, each a place or a person the model found
        while c.label == "GPE" and text[c.start:c.end].endswith(polity_heads) and out and \
                out[-1].label in ("GPE", "LOC", "PERSON") and out[-1].end == c.start - 1 and \
                text[c.start - 1] in HYPHENS and HAN.match(text[c.start - 2]):
            start = out.pop().start
            c = replace(c, start=start, canonical=text[start:c.end], kb_id="")
        out.append(c)
    return out


def defined_aliases(text: str, token_bounds: set[int], entities: list[Candidate], rules: dict) -> list[Candidate]:
    """``X（简称Y）`` / ``X（Y）`` after an entity X: Y and its later mentions are X too.

    A later mention inside a longer name (国泰 in 国泰港龙航空) is left to that name."""
    cues = "|".join(map(re.escape, sorted(rules["alias_cues"], key=len, reverse=True)))
    definition = re.compile(rf"[（(](?:(?:{cues})[：:]?)?[“「\"]?([\u3400-\u9fff]{{2,8}})[”」\"]?[）)]")
    taken = {(c.start, c.end) for c in entities}
    occupied = {i for c in entities for i in range(c.start, c.end)}
    glosses = tuple(rules["place_prefix_words"])
    descriptors = tuple(rules["alias_descriptor_endings"])
    found = []
    for c in entities:
        match = definition.match(text, c.end)
        if not match or c.label not in ("ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "PERSON"):
            continue
        alias = match.group(1)
        if alias.startswith(glosses) or alias.endswith(descriptors):
            continue  # 吴县（今江苏省苏州市）: where the place is now, not another name of it
        found.append(Candidate(match.start(1), match.end(1), c.label, c.canonical, c.kb_id, RULE))
        for later in re.finditer(re.escape(alias), text[match.end():]):
            start = match.end() + later.start()
            end = start + len(alias)
            inside_other = (start, end) not in taken and any(i in occupied for i in range(start, end))
            whole = start in token_bounds and (end in token_bounds or not HAN.match(text[end:end + 1] or " "))
            if whole and not inside_other:
                found.append(Candidate(start, end, c.label, c.canonical, c.kb_id, RULE))
    return found


def _working_tokens(view: TextView, tokens):
    return [view.to_working(s, e) for s, e in tokens]


# --- gazetteers ---------------------------------------------------------------------------------

def gazetteer_candidates(text: str, token_bounds: set[int], gazetteer: Gazetteer, rules: dict) -> list[Candidate]:
    names, max_len = gazetteer.names, gazetteer.max_len
    heads = {h for words in rules["suffixed_name_heads"].values() for h in words}
    heads |= set(rules["person_names"]["titles"])  # 日本首相, 德国总理: jieba keeps them one word
    sorted_bounds = sorted(token_bounds)

    def name_at(i: int) -> int:
        """Length of the longest name at ``i`` (0 if none)."""
        return next((n for n in range(min(max_len, len(text) - i), 0, -1) if text[i:i + n] in names), 0)

    def whole_word(i: int, length: int) -> bool:
        # Short names must be whole words: 法国 is no country inside 合法国家. A word that goes on
        # into another name or a name head (英国|国防部 segmented as one word, 高雄港) still counts.
        if i not in token_bounds:
            return False
        end = i + length
        if end in token_bounds:
            return True
        k = bisect.bisect_right(sorted_bounds, end)
        next_bound = sorted_bounds[k] if k < len(sorted_bounds) else len(text)
        rest = text[end:next_bound]
        return rest in heads or name_at(end) >= len(rest)

    found: list[Candidate] = []
    i = 0
    while i < len(text):
        for length in range(min(max_len, len(text) - i), 0, -1):
            entry = names.get(text[i:i + length])
            if entry and entry.label == "LOC" and country_navy(text, i, i + length, names):
                continue  # 日本海|军: the country's navy (日本 + 海军), not the Sea of Japan
            if entry and (length > 2 or whole_word(i, length)):
                end = _extend_org_body(text, i + length, entry, rules)
                canonical = entry.canonical + text[i + length:end]
                found.append(Candidate(i, end, entry.label, canonical, entry.kb_id, GAZETTEER))
                i = end
                break
        else:
            i += 1
    found += _abbreviation_candidates(text, token_bounds, found, gazetteer, rules)
    return found


def _extend_org_body(text: str, end: int, entry: Entry, rules: dict) -> int:
    """联合国 + 禁毒署: an organisation directly followed by one of its bodies is one span."""
    if entry.label != "ORG":
        return end
    suffixes = sorted(rules["org_body_suffixes"], key=len, reverse=True)
    while suffix := next((x for x in suffixes if text.startswith(x, end)), None):
        end += len(suffix)  # 全国人大 + 常委会 + 办公厅
    return end


def _abbreviation_candidates(text, token_bounds, full_matches, gazetteer: Gazetteer, rules: dict) -> list[Candidate]:
    compound_cues = rules["abbreviation_compound_cues"]
    abbreviations = gazetteer.abbreviations
    covered = {i for c in full_matches for i in range(c.start, c.end)}
    gpe_starts = {c.start for c in full_matches if c.label in ("GPE", "LOC")}
    gpe_ends = {c.end for c in full_matches if c.label in ("GPE", "LOC")}
    picked: set[int] = set()
    sides: set[int] = set()
    side, side_blocked = rules["side_suffix"], set(rules["side_blocked_followers"])

    def is_abbr(i: int) -> bool:
        return 0 <= i < len(text) and i not in covered and text[i] in abbreviations

    for i in range(len(text)):
        if not is_abbr(i):
            continue
        before, after = text[i - 1] if i else "", text[i + 1] if i + 1 < len(text) else ""
        # Enumerations: 吉、塔、乌、土、哈 (every item one abbreviation, at least two items).
        if (after == "、" and is_abbr(i + 2)) or (before == "、" and is_abbr(i - 2)):
            picked.add(i)
        # Dash pairs: 俄—白俄罗斯, 俄—亚防空集团, 俄—中亚.
        elif after and after in DASH and (is_abbr(i + 2) or i + 2 in gpe_starts):
            picked.add(i)
        elif before and before in DASH and (i - 2 in picked or (i - 1) in gpe_ends):
            picked.add(i)
        # A party to talks: 中方, 美方 (the span takes 方 in; see below).
        elif after == side and i in token_bounds and text[i + 2:i + 3] not in side_blocked:
            sides.add(i)
        # Standalone: 俄 as a word of its own (俄表示), for abbreviations that are rarely else.
        elif abbreviations[text[i]][1] and i in token_bounds and i + 1 in token_bounds:
            picked.add(i)
    # Compounds: 俄白两国, 美法等国, 中俄关系, 俄白方向 (two to four abbreviations + a cue).
    cues = "|".join(map(re.escape, sorted(compound_cues, key=len, reverse=True)))
    for match in re.finditer(rf"(?=([^\W\d_]{{2,4}}?)({cues}))", text):
        run, start = match.group(1), match.start(1)
        if all(is_abbr(start + k) for k in range(len(run))) and (start == 0 or not is_abbr(start - 1)):
            picked.update(range(start, start + len(run)))
    entries = [(i, abbreviations[text[i]][0]) for i in sorted(picked | sides)]
    return [Candidate(i, i + 1 + (i in sides and i not in picked), "GPE", entry.canonical, entry.kb_id, GAZETTEER)
            for i, entry in entries] + _visits_and_armies(text, token_bounds, covered, gazetteer, rules)


def _visits_and_armies(text, token_bounds, covered, gazetteer: Gazetteer, rules: dict) -> list[Candidate]:
    """访日, 来华, 全港: a country's one-character name after a visit or 全 is the country, where
    the cue begins a word and the name ends one (not 采访|中, 越来越, 全心全意); 英军: with 军, a word
    of its own, its army."""
    names = {ch: gazetteer.names[name] for ch, name in rules["abbreviation_cue_names"].items() if name in gazetteer.names}
    cues, exceptions = set(rules["abbreviation_cues_before"]), set(rules["abbreviation_cue_exceptions"])
    army = rules["abbreviation_army_suffix"]
    found = []
    for i, ch in enumerate(text):
        entry = names.get(ch)
        if entry is None or i in covered:
            continue
        if i and text[i - 1] in cues and i - 1 in token_bounds and i + 1 in token_bounds and \
                text[i - 1:i + 1] not in exceptions:
            found.append(Candidate(i, i + 1, "GPE", entry.canonical, entry.kb_id, GAZETTEER))
        elif text[i + 1:i + 2] == army and i in token_bounds and i + 2 in token_bounds:
            found.append(Candidate(i, i + 2, "ORG", text[i:i + 2], "", GAZETTEER))
    return found


def colonies(text: str, token_bounds: set[int], places: list[Candidate], gazetteer: Gazetteer,
             rules: dict) -> list[Candidate]:
    """法属西非, 法属赤道非洲, 英属印度: a country's one-character name + 属 + a place (with up to two
    characters of a region word before it, 赤道) is a colony, one GPE; the name begins a word (not
    the 中 of 其中属日本最多)."""
    marker, gap = rules["colonies"]["marker"], rules["colonies"]["max_gap"]
    found = []
    for c in places:
        if c.label not in ("GPE", "LOC"):
            continue
        for k in range(gap + 1):
            at = c.start - k - len(marker) - 1
            if at >= 0 and at in token_bounds and text.startswith(marker, at + 1) and \
                    text[at] in gazetteer.abbreviations and \
                    all(HAN.match(ch) for ch in text[at + 1 + len(marker):c.start]):
                found.append(Candidate(at, c.end, "GPE", text[at:c.end], "", RULE))
                break
    return found

