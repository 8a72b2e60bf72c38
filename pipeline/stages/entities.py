"""Entities: OntoNotes-labelled names from three sources merged by precedence.

1. rules (highest): titles in 《》, codenames in quotes, named summits and exercises, bare treaty
   names, deictic 我国;
2. gazetteers: countries, places, organisations, user lists, and country abbreviations where the
   context makes them names (enumerations, compounds, dash pairs);
3. a learned model on the working copy (``ner_backends``: our own BiLSTM-CRF by default, or
   Baidu's LAC, whose LOC is split into GPE and LOC here).

A candidate from a higher source wins any overlap; within a source, the longer span wins. All
matching is on the working copy; spans are mapped back to the original at the end.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Sequence

from ..gazetteer import Entry, Gazetteer
from .entity_candidates import DASH, GAZETTEER, HAN, MODEL, RULE, Candidate, resolve
from .entity_rules import rule_candidates
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
    merged = place_shapes(text, resolve(gaz + model), resources.rules, token_bounds)
    rules = rule_candidates(text, _working_tokens(view, tokens), merged, resources)
    resolved = resolve(_strip_glued_words(text, token_bounds, rules + merged, resources.rules))
    aliases = defined_aliases(text, token_bounds, resolved, resources.rules)
    if aliases:
        resolved = resolve(aliases + resolved)
    resolved = resolve(resolved + repeated_names(text, token_bounds, resolved, resources.word_tags))
    mentions: list[EntityMention] = []
    for c in resolved:
        start, end = view.to_original(c.start, c.end)
        if mentions and start < mentions[-1].end:
            continue  # two working spans inside one conversion block: keep the first
        mentions.append(EntityMention(start, end, view.original[start:end], c.label, c.canonical, c.kb_id, c.source))
    return mentions


_NAME_TAGS = ("nr", "nrt", "nrfg", "ns", "nt", "nz")
_REPEATED_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP", "PRODUCT")


def repeated_names(text: str, token_bounds: set[int], entities: list[Candidate], word_tags: dict) -> list[Candidate]:
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
            if c is not None and e in token_bounds and not inside[e] and not any(occupied[s:e]):
                found.append(Candidate(s, e, c.label, c.canonical, c.kb_id, MODEL))
                occupied[s:e] = b"\x01" * (e - s)
                break
    return found


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

    def direction_before(start: int) -> bool:
        """A direction word before a polity is part of its name when it is a word of its own
        (东|罗马帝国) or jieba joins it to the name (东罗马|帝国), not when it ends another word
        (中东|罗马帝国)."""
        return bool(start) and text[start - 1] in polity_prefixes and \
            (start - 1 in token_bounds or start not in token_bounds)

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
        if c.label == "GPE" and name.endswith(polity_heads) and direction_before(c.start):
            # 东|罗马帝国 where the model found 罗马帝国: the direction is in the name.
            c = replace(c, start=c.start - 1, canonical=text[c.start - 1:c.end], kb_id="")
            name = text[c.start:c.end]
        if c.label == "LOC" and (ext := next((x for x in extensions if text.startswith(x, c.end)), None)):
            # 非洲大陆: the model splits it as 非洲 + 大陆 (a "GPE"), it is one region.
            c = replace(c, end=c.end + len(ext), canonical=c.canonical + ext)
            out.append(c)
            continue
        if out and out[-1].label == "LOC" and c.start < out[-1].end:
            continue  # the 大陆 the model found on its own
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
    return out


def defined_aliases(text: str, token_bounds: set[int], entities: list[Candidate], rules: dict) -> list[Candidate]:
    """``X（简称Y）`` / ``X（Y）`` after an entity X: Y and its later mentions are X too.

    A later mention inside a longer name (国泰 in 国泰港龙航空) is left to that name."""
    cues = "|".join(map(re.escape, sorted(rules["alias_cues"], key=len, reverse=True)))
    definition = re.compile(rf"[（(](?:(?:{cues})[：:]?)?[“「\"]?([\u3400-\u9fff]{{2,8}})[”」\"]?[）)]")
    taken = {(c.start, c.end) for c in entities}
    occupied = {i for c in entities for i in range(c.start, c.end)}
    glosses = tuple(rules["place_prefix_words"])
    found = []
    for c in entities:
        match = definition.match(text, c.end)
        if not match or c.label not in ("ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "PERSON"):
            continue
        alias = match.group(1)
        if alias.startswith(glosses):
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
            for i, entry in entries]


# --- the model ----------------------------------------------------------------------------------

def model_candidates(view: TextView, sentences, token_bounds: set[int], resources: EntityResources) -> list[Candidate]:
    rules, gazetteer = resources.rules, resources.gazetteer
    stoplist = set(rules["model_stoplist"])
    person_names = rules["person_names"]
    trailing_titles = tuple(sorted(person_names["trailing_titles"] + person_names["titles"], key=len, reverse=True))
    continuation = continuation_pattern(person_names)
    generic_nouns = set(rules["model_generic_nouns"])
    edge_particles = set(rules["model_edge_particles"])
    leading_classifiers = set(rules["model_leading_classifiers"])
    group_heads = tuple(rules["model_group_heads"])
    directions = set(rules["polity_prefixes"])
    function_tags = set(rules["model_leading_function_tags"])
    locatives = rules["model_leading_locatives"]
    leading_locative = re.compile(rf".{{0,1}}[{''.join(locatives['directions'])}][{''.join(locatives['verbs'])}]")
    # A line of a few characters (a heading, a table cell) gives the model no context to go on;
    # a very long "sentence" (no punctuation for pages) is fed in windows.
    spans = [window for s, e in sentences if e - s >= 5
             for window in _windows(*view.to_working(s, e), _MODEL_WINDOW)]
    bounds = sorted(token_bounds)
    edges = [[b - s for b in bounds[bisect.bisect_right(bounds, s):bisect.bisect_left(bounds, e)]] for s, e in spans]
    batches = resources.model.spans([view.working[s:e] for s, e in spans], edges)
    found = []
    for (offset, _), names in zip(spans, batches):
        for start, end, label in names:
            start, end = offset + start, offset + end
            # A name does not run on into a bracket (艾尔多安 (Erdogan, 楢崎龙（天保): the bracket
            # opens a gloss of it.
            cut = min((k for k in (view.working.find(b, start, end) for b in "(（") if k > start), default=end)
            end = cut
            # A model sometimes takes white space, punctuation or an interpunct (·奥古斯都·霍诺留)
            # into the edge of a name: trim it off.
            while start < end and not view.working[start].isalnum():
                start += 1
            while end > start and not view.working[end - 1].isalnum():
                end -= 1
            while end - start > 2 and view.working[end - 1] in edge_particles:
                end -= 1
            start, end = _to_word_edges(start, end, bounds, resources.word_tags, view.working)
            start = _past_leading_function_word(start, end, bounds, resources.word_tags, view.working, function_tags)
            if (m := leading_locative.match(view.working, start, end)) and end - m.end() >= 2:
                start = m.end()  # 东为|藻韵楼
            # 212 名奥罗克族: the classifier of a number before the name is not in it.
            if end - start > 2 and view.working[start] in leading_classifiers and start and \
                    (view.working[start - 1].isdigit() or view.working[start - 2:start - 1].isdigit()):
                start += 1
            surface = view.working[start:end]
            if not surface or not HAN.search(surface) or surface in stoplist or surface in generic_nouns or \
                    any(surface.startswith(w) and len(surface) - len(w) <= 1 for w in stoplist if len(w) > 1):
                continue
            if surface.endswith(group_heads) and len(surface) > 2 and label != "PERSON":
                label = "NORP"  # 奥罗奇族, 汉族: an ethnic group, not an organisation
            if _not_a_name(surface, label, view.working, start, end, resources):
                continue
            entry = gazetteer.names.get(surface)
            if entry is None and 2 <= len(surface) <= 4 and label in ("GPE", "LOC", "PLACE") and \
                    all(ch in gazetteer.abbreviations for ch in surface) and surface[0] not in directions:
                # 英法, 美日: countries by their one-character names, one each (but a direction
                # before one names a state of its own: 西德, 南韩).
                found += [Candidate(i, i + 1, e.label, e.canonical, e.kb_id, MODEL)
                          for i in range(start, end) for e in gazetteer.abbreviations[view.working[i]][:1]]
                continue
            if entry is None and len(surface) == 1 and label in ("GPE", "LOC", "PLACE"):
                if surface in gazetteer.abbreviations:
                    entry = gazetteer.abbreviations[surface][0]  # 美: a country's one-character name
                else:
                    label = "GPE"  # 苏, 港: a one-character place is a polity's short name
            if entry is not None:
                found.append(Candidate(start, end, entry.label, entry.canonical, entry.kb_id, MODEL))
                continue
            if label == "PERSON" and _place_in_context(surface, view.working, start, end, rules):
                label = "GPE"  # 在萨克森, 米尔豪森附近: a transliterated name used as a place
            if label in ("PLACE", "LOC") and _japanese_name(surface, rules["person_names"]) and \
                    surface[-1] in rules["person_names"]["japanese_given_name_endings"]:
                label = "PERSON"  # 长谷川町子: the model reads the 町 of a given name as a place
            elif label == "PLACE":
                label = place_label(surface, rules)
            elif len(surface) > 2 and place_label(surface, rules) == "FAC":
                label = "FAC"  # 翔鸾阁, 信乐寺: a building, whatever else the model called it
            if label == "PERSON":
                start = _surname_start(view.working, start, rules["person_names"]["japanese_surnames"])
                end = _before_trailing_title(view.working, start, end, trailing_titles)
                end = _name_continued(view.working, end, continuation, bounds, resources.word_tags)
                if end - start < 2:
                    continue  # 吴丞相: a place's chancellor, no name
                surface = view.working[start:end]
            found.append(Candidate(start, end, label, surface, "", MODEL))
    return one_label_per_name(view.working, found, rules)


def continuation_pattern(person_names: dict) -> re.Pattern:
    """A regnal number (三世) or an epithet (大帝) after a person's name."""
    regnal = "|".join(map(re.escape, person_names["regnal_suffixes"]))
    return re.compile("|".join([rf"[一二三四五六七八九十]+(?:{regnal})", *map(re.escape, person_names["epithets"])]))


def _name_continued(text: str, end: int, continuation: re.Pattern, bounds: list[int], word_tags: dict) -> int:
    """瓦伦丁尼安|三世, 君士坦丁|大帝, 詹姆斯|·毕倪: where a person's name the model ended too early
    ends. After an interpunct, the segmenter's next word is the name's next part unless the
    dictionary knows it as a word of another kind."""
    if (m := continuation.match(text, end)):
        return m.end()
    while text[end:end + 1] in ("·", "•"):
        k = bisect.bisect_right(bounds, end + 1)
        word_end = bounds[k] if k < len(bounds) else len(text)
        word = text[end + 1:word_end]
        if not word or not all(HAN.match(ch) for ch in word) or \
                word_tags.get(word, "nr")[:2] not in ("nr", "ns", "nz"):
            break
        end = word_end
    return end


def _before_trailing_title(text: str, start: int, end: int, titles: tuple) -> int:
    """葛罗男爵 → 葛罗: where a person's name ends when the model ran it into a title after it."""
    title = next((t for t in titles if text.endswith(t, start, end)), None)
    return end - len(title) if title else end


def _surname_start(text: str, start: int, surnames) -> int:
    """长|谷川町子 → 长谷川町子: a person's name the model began inside a family name (the family
    name starts before the span and runs into it) begins with the family name; not a name that
    begins with a family name of its own (和|田中角荣 is not 和田)."""
    if any(text.startswith(s, start) for s in surnames):
        return start
    for k in (1, 2):
        if start - k >= 0 and any(len(s) > k and text.startswith(s, start - k) for s in surnames):
            return start - k
    return start


def one_label_per_name(text: str, candidates: list[Candidate], rules: dict) -> list[Candidate]:
    """One name, one kind of thing in a document: where the model gives one name different
    labels (阿拉里克 a person in one sentence, a place in the next), every mention takes the label
    most of them have, a mention with its label's own context (a title before a person, a place
    preposition before a place) counting twice; a tie changes nothing. The short form of a person
    named in full in the document (特朗普 after 唐纳德·特朗普, 龙马 after 坂本龙马) is that person.
    Names the gazetteer knows keep its label."""
    names = rules["person_names"]
    titles, verbs = tuple(names["titles"]), tuple(names["speech_verbs"])
    context = rules["place_context"]
    short_forms = set()
    for c in candidates:
        if c.label == "PERSON":
            full = text[c.start:c.end]
            for sep in ("·", "•"):
                if sep in full and len(full.rsplit(sep, 1)[1]) >= 2:
                    short_forms.add(full.rsplit(sep, 1)[1])
            short_forms.update(full[len(s):] for s in names["japanese_surnames"]
                               if full.startswith(s) and len(full) - len(s) >= 2)
    votes: dict[str, dict[str, int]] = {}
    for c in candidates:
        if c.kb_id:
            continue
        weight = 1
        if c.label == "PERSON" and (text.endswith(titles, 0, c.start) or text.startswith(verbs, c.end)):
            weight = 2
        elif c.label == "GPE" and (text.endswith(tuple(context["before"]), 0, c.start) or
                                   text.startswith(tuple(context["after"]), c.end)):
            weight = 2
        tally = votes.setdefault(text[c.start:c.end], {})
        tally[c.label] = tally.get(c.label, 0) + weight
    chosen = {}
    for surface, tally in votes.items():
        if surface in short_forms:
            chosen[surface] = "PERSON"
        elif len(tally) > 1:
            ranked = sorted(tally.values(), reverse=True)
            if ranked[0] > ranked[1]:
                chosen[surface] = max(tally, key=tally.get)
    return [replace(c, label=chosen[text[c.start:c.end]]) if not c.kb_id and text[c.start:c.end] in chosen else c
            for c in candidates]


_COUNTED_PLACES = re.compile(r"^[\d一二两三四五六七八九十百千数多各诸全该此本]+[国方省市州]$")
_YEAR_NUMBER = re.compile(r"^[\d一二三四五六七八九十百千〇零]+年")


def _past_leading_function_word(start: int, end: int, bounds: list[int], word_tags: dict, text: str,
                                tags: set) -> int:
    """刚才|秘书处 → 秘书处: a name does not begin with a word the dictionary tags as one of
    ``tags`` (a time word)."""
    k = bisect.bisect_left(bounds, start)
    if k + 1 < len(bounds) and bounds[k] == start and end - bounds[k + 1] >= 2 and \
            word_tags.get(text[start:bounds[k + 1]]) in tags:
        return bounds[k + 1]
    return start


def _to_word_edges(start: int, end: int, bounds: list[int], word_tags: dict, text: str) -> tuple[int, int]:
    """A model span that ends inside a dictionary word is cut back to that word's start when at
    least two characters stay (雷法章|奉命 → 雷法章). A word the dictionary does not know (卡瓦|诺说,
    a transliteration jieba cut badly) is no evidence, and the span stays."""
    k = bisect.bisect_left(bounds, end)
    if k < len(bounds) and bounds[k] != end and k and bounds[k - 1] - start >= 2 and \
            text[bounds[k - 1]:bounds[k]] in word_tags:
        end = bounds[k - 1]
    return start, end


def _not_a_name(surface: str, label: str, text: str, start: int, end: int, resources: "EntityResources") -> bool:
    """Model spans that are counts (五国), single characters other than places, phrases called
    persons (澜湄合作), or an era name before a year (民国95年: a date)."""
    rules = resources.rules
    if _COUNTED_PLACES.match(surface) or (len(surface) == 1 and label not in ("PLACE", "LOC", "GPE")):
        return True
    if label == "PERSON" and not _person_evidence(surface, text, start, end, resources):
        return True
    return any(surface.endswith(era) for era in rules["era_names"]) and bool(_YEAR_NUMBER.match(text[end:end + 6]))


_MODEL_WINDOW = 400


def _place_in_context(surface: str, text: str, start: int, end: int, rules: dict) -> bool:
    """A "person" whose only evidence is that it is spelt like a foreign name, standing where a
    place stands: after a place preposition or verb of motion, or before a place word."""
    names = rules["person_names"]
    if "·" in surface or surface[0] in names["surnames"] or _japanese_name(surface, names) or \
            not all(ch in names["transliteration_chars"] for ch in surface):
        return False
    context = rules["place_context"]
    return text.endswith(tuple(context["before"]), 0, start) or text.startswith(tuple(context["after"]), end)


def _windows(start: int, end: int, size: int) -> list[tuple[int, int]]:
    return [(a, min(a + size, end)) for a in range(start, end, size)]


def _person_evidence(surface: str, text: str, start: int, end: int, resources: "EntityResources") -> bool:
    names = resources.rules["person_names"]
    if looks_like_person(surface, names) or resources.word_tags.get(surface, "").startswith("nr"):
        return True
    titles, verbs = tuple(names["titles"]), tuple(names["speech_verbs"])
    return text.endswith(titles, 0, start) or text.startswith(titles, end) or text.startswith(verbs, end)


def looks_like_person(name: str, names: dict) -> bool:
    """A common surname first, a transliterated foreign name, or a name with an interpunct."""
    if "·" in name or "•" in name:
        return True
    if name[:2] in names["compound_surnames"] or (name[0] in names["surnames"] and len(name) <= 4):
        return True
    if _japanese_name(name, names):
        return True
    return all(ch in names["transliteration_chars"] for ch in name)


def _japanese_name(name: str, names: dict) -> bool:
    """坂本龙马, 长谷川町子: a Japanese family name and one to three characters of a given name."""
    return any(name.startswith(s) and 1 <= len(name) - len(s) <= 3 for s in names["japanese_surnames"])


def place_label(name: str, rules: dict) -> str:
    """GPE for polities and their cities, LOC for regions and geographic features, FAC for
    facilities (园区, 机场) and ORG for governments (幕府) the model calls places."""
    if any(name.endswith(s) and len(name) > len(s) for s in rules["suffixed_name_heads"]["FAC"] if len(s) > 1):
        return "FAC"
    if any(name.endswith(s) and len(name) > len(s) for s in rules["model_fac_endings"]):
        return "FAC"
    if any(name.endswith(s) and len(name) > len(s) for s in rules["model_org_endings"]):
        return "ORG"  # 镰仓幕府: a government the model calls a place
    if any(name.endswith(s) for s in rules["gpe_suffixes"]):
        return "GPE"
    if any(name.endswith(s) for s in rules["loc_suffixes"]):
        return "LOC"
    return "GPE"


