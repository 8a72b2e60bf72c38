"""What the entity stage makes of a learned model's names (``ner_backends``): each span trimmed to
where a name can begin and end (white space, brackets, a title after it, a time word or a locative
inversion before it, the word edges of the segmenter), its label checked against what names of
that kind look like (a person's, a place's, a facility's, a group's) and against the context
(在萨克森, 萨克森公爵), and one label per name in a document.

The model reads the working copy sentence by sentence, long sentences in windows.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from .date_words import date_tables
from .entity_candidates import HAN, MODEL, Candidate, country_navy
from .normalize import TextView

if TYPE_CHECKING:
    from .entities import EntityResources

def model_candidates(view: TextView, sentences, token_bounds: set[int], resources: EntityResources) -> list[Candidate]:
    rules, gazetteer = resources.rules, resources.gazetteer
    stoplist = set(rules["model_stoplist"])
    person_names = rules["person_names"]
    trailing_titles = tuple(sorted(person_names["trailing_titles"] + person_names["titles"], key=len, reverse=True))
    continuation = continuation_pattern(person_names)
    generic_nouns = set(rules["model_generic_nouns"])
    not_person_endings = tuple(person_names["not_person_endings"])
    edge_particles = set(rules["model_edge_particles"])
    leading_classifiers = set(rules["model_leading_classifiers"])
    group_heads = tuple(rules["model_group_heads"])
    regions = rules["region_abbreviations"]
    polities = set(rules["one_character_polities"])
    group_bases = tuple(rules["group_names"]["person_base_suffixes"])
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
            if label == "PERSON" and ("的" in surface or surface.endswith(not_person_endings)):
                continue  # 大象的意思, 沧龙亚科: a phrase or a taxon, no person's name
            if label != "PERSON" and _group_word_after(view.working, end, token_bounds, resources.word_tags, group_heads):
                end += 2  # 奥罗|克族: the segmenter's word after the name ends a people's name
                surface = view.working[start:end]
            if label in ("GPE", "LOC", "PLACE", "ORG") and _INTERPUNCT_NAME.search(surface):
                label = "PERSON"  # 米捷图·干沙利斯: an interpunct between transliterated parts joins a person's names
            if surface.endswith(group_heads) and len(surface) > 2 and label != "PERSON":
                label = "NORP"  # 奥罗奇族, 汉族: an ethnic group, not an organisation
            if _not_a_name(surface, label, view.working, start, end, resources):
                continue
            if country_navy(view.working, start, end, gazetteer.names):
                found.append(Candidate(start, end + 1, "ORG", view.working[start:end + 1], "", MODEL))
                continue  # 日本海|军: the country's navy, not the Sea of Japan
            entry = gazetteer.names.get(surface)
            if entry is None and 2 <= len(surface) <= 4 and label in ("GPE", "LOC", "PLACE") and \
                    all(ch in gazetteer.abbreviations or ch in regions for ch in surface) and surface[0] not in directions:
                # 英法, 美日, 欧亚非: countries and continents by their one-character names, one each
                # (but a direction before one names a state of its own: 西德, 南韩).
                found += [_one_character_place(view.working, i, gazetteer, regions) for i in range(start, end)]
                continue
            if entry is None and len(surface) == 1 and label in ("GPE", "LOC", "PLACE"):
                if surface in regions:
                    found.append(_one_character_place(view.working, start, gazetteer, regions))
                    continue
                if surface in gazetteer.abbreviations:
                    entry = gazetteer.abbreviations[surface][0]  # 美: a country's one-character name
                elif surface in polities or view.working.startswith(group_bases, end):
                    label = "GPE"  # 苏, 沪, 吴: a polity's short name; 匈|人: the base of a people's name
                else:
                    continue  # 殿, 临: a character the model took for a place
            if entry is not None:
                found.append(Candidate(start, end, entry.label, entry.canonical, entry.kb_id, MODEL))
                continue
            if label != "PERSON" and looks_like_person(surface, person_names) and \
                    (continuation.match(view.working, end) or _regnal_base(surface, continuation)):
                label = "PERSON"  # 查士丁尼一世, 瓦伦丁尼安|三世: a regnal number or epithet makes a ruler
            if label == "PERSON" and _place_in_context(surface, view.working, start, end, rules):
                label = "GPE"  # 在萨克森, 米尔豪森附近: a transliterated name used as a place
            if label in ("PLACE", "LOC") and _japanese_name(surface, rules["person_names"]) and \
                    surface[-1] in rules["person_names"]["japanese_given_name_endings"]:
                label = "PERSON"  # 长谷川町子: the model reads the 町 of a given name as a place
            elif label == "PLACE":
                label = place_label(surface, rules)
            elif len(surface) > 2 and place_label(surface, rules) == "FAC" and \
                    not (label == "PERSON" and looks_like_person(surface, person_names)):
                label = "FAC"  # 翔鸾阁, 信乐寺: a building, whatever else the model called it
            if label == "PERSON":
                start = _surname_start(view.working, start, rules["person_names"]["japanese_surnames"])
                start = _transliteration_start(view.working, start, bounds, token_bounds, rules["person_names"],
                                               gazetteer.names, resources.word_tags)
                end = _before_trailing_title(view.working, start, end, trailing_titles)
                end = _name_continued(view.working, end, continuation, bounds, resources.word_tags)
                if end - start < 2:
                    continue  # 吴丞相: a place's chancellor, no name
                surface = view.working[start:end]
            found.append(Candidate(start, end, label, surface, "", MODEL))
    return one_label_per_name(view.working, found, rules)


def continuation_pattern(person_names: dict) -> re.Pattern:
    """A regnal number (三世) or an epithet (大帝) after a person's name."""
    return _continuation(tuple(person_names["regnal_suffixes"]), tuple(person_names["epithets"]))


@lru_cache(maxsize=4)
def _continuation(regnal_suffixes: tuple, epithets: tuple) -> re.Pattern:
    regnal = "|".join(map(re.escape, regnal_suffixes))
    return re.compile("|".join([rf"[一二三四五六七八九十]+(?:{regnal})", *map(re.escape, epithets)]))


def _regnal_base(surface: str, continuation: re.Pattern) -> str:
    """查士丁尼一世 → 查士丁尼, 君士坦丁大帝 → 君士坦丁: the name before a regnal number or epithet
    that ends ``surface`` (two characters at least), or "" where none does."""
    return next((surface[:k] for k in range(2, len(surface) - 1) if continuation.fullmatch(surface, k)), "")


def _group_word_after(text: str, end: int, token_bounds: set[int], word_tags: dict, group_heads: tuple) -> bool:
    """A two-character word ending in a group head that the dictionary does not know or knows as a
    name, right after a name (奥罗|克族, 鄂罗|克族): the two are one people's name. Not 民族, 家族
    (common nouns)."""
    word = text[end:end + 2]
    return end in token_bounds and end + 2 in token_bounds and len(word) == 2 and word.endswith(group_heads) and \
        word_tags.get(word) in (None, "nz", "nr", "ns") and HAN.match(word[0]) is not None


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


def _transliteration_start(text: str, start: int, bounds: list[int], bounds_set: set[int], names: dict, places,
                           word_tags: dict) -> int:
    """君士坦|丁大帝 → 君士坦丁大帝, 别|林斯基 → 别林斯基: a transliterated name the model began too
    late begins where the run of transliteration characters before it begins: the rest of the
    segmenter's word it began inside (君士坦|丁), or one character that is a word of its own (别|林斯基),
    never part of another word (宣布), a function word (比, 和) or a name of its own (阿拉斯加|瓦西拉)."""
    chars, blocked = names["transliteration_chars"], set(names["transliteration_start_blocked"])
    verb_tags = set(names["transliteration_start_blocked_tags"])
    if text[start:start + 1] not in chars:
        return start
    while start > 0 and text[start - 1] in chars:
        word_start = bounds[bisect.bisect_right(bounds, start - 1) - 1]
        piece = text[word_start:start]
        if len(piece) == 1 and start in bounds_set and word_tags.get(piece) in verb_tags:
            break  # 爱|玛丽, 约|玛丽娜: a one-character verb or adverb before the name
        whole_word_before = start in bounds_set and len(piece) > 1
        if piece in blocked or piece in places or whole_word_before or not all(ch in chars for ch in piece):
            break  # 阿拉斯加|瓦西拉: a whole word before the name is a name of its own
        start = word_start
    return start


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
        weight, label = 1, c.label
        if c.label == "PERSON" and (text.endswith(titles, 0, c.start) or text.startswith(verbs, c.end)):
            weight = 2
        elif c.label != "PERSON" and text.endswith(titles, 0, c.start) and \
                looks_like_person(text[c.start:c.end], names):
            weight, label = 2, "PERSON"  # 首领阿拉里克: a title before a foreign name says person, whatever the model said
        elif c.label == "GPE" and (text.endswith(tuple(context["before"]), 0, c.start) or
                                   text.startswith(tuple(context["after"]), c.end)):
            weight = 2
        tally = votes.setdefault(text[c.start:c.end], {})
        tally[label] = tally.get(label, 0) + weight
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


_INTERPUNCT_NAME = re.compile(r"[\u3400-\u9fff]·[\u3400-\u9fff]")  # 米捷图·干沙利斯
_COUNTED_PLACES = re.compile(r"^[\d一二两三四五六七八九十百千数多各诸全该此本]+[国方省市州]$")
_YEAR_NUMBER = re.compile(r"^(?:[\d一二三四五六七八九十百千〇零]+|元)年")
_ERA_PERIOD = re.compile(r"^(?:年间|时期|时代|时(?![间常候刻]))")  # not 时常 (often), 时候
_GLOSSED_ERA_YEAR = re.compile(r"^(?:[一二三四五六七八九十]+|元)年[^（(\n，。]{0,12}[（(]\d{2,4}年")


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


def _one_character_place(text: str, i: int, gazetteer, regions: dict) -> Candidate:
    """The country (GPE) or continent (LOC) a one-character name at ``i`` stands for."""
    if text[i] in regions:
        return Candidate(i, i + 1, "LOC", regions[text[i]], "", MODEL)
    e = gazetteer.abbreviations[text[i]][0]
    return Candidate(i, i + 1, e.label, e.canonical, e.kb_id, MODEL)


def _not_a_name(surface: str, label: str, text: str, start: int, end: int, resources: "EntityResources") -> bool:
    """Model spans that are counts (五国), single characters other than places, phrases called
    persons (澜湄合作), or an era name before a year (民国95年: a date)."""
    rules = resources.rules
    if _COUNTED_PLACES.match(surface) or (len(surface) == 1 and label not in ("PLACE", "LOC", "GPE")):
        return True
    if label == "PERSON" and not _person_evidence(surface, text, start, end, resources):
        return True
    if surface in rules["compass_words"] and \
            text.startswith(tuple(rules["compass_followers"]), _COMPASS_AFTER.match(text, end).end()):
        return True  # 西北方向, 东北 (B) 口: a direction, not the region
    return reign_era(surface, text, end, rules, label)


_COMPASS_AFTER = re.compile(r"\s*(?:[（(][^（）()]{0,8}[）)]\s*)?")  # matches everywhere (all optional)


@lru_cache(maxsize=1)
def _date_eras() -> tuple[str, ...]:
    return tuple(date_tables().eras)


def reign_era(surface: str, text: str, end: int, rules: dict, label: str = "") -> bool:
    """A reign era, not a name: an era the dates stage knows before a year or a period word (民国95年,
    康熙时, 雍正五年), any name before a year in Chinese numerals that a Gregorian year glosses
    (永安五年（262年）, 太平元年（256年）), and any but an organisation's before 元年 (华为元年 stays)."""
    after = text[end:end + 24]
    if (surface.endswith(tuple(rules["era_names"])) or surface.endswith(_date_eras())) and (_YEAR_NUMBER.match(after) or _ERA_PERIOD.match(after)):
        return True
    if _GLOSSED_ERA_YEAR.match(after):
        return True
    return after.startswith("元年") and label != "ORG"  # 华为元年: a company's "year one"


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
    surface = _regnal_base(surface, continuation_pattern(names)) or surface  # 查士丁尼|一世
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
    if any(name.endswith(s) and len(name) > len(s) for s in rules["model_org_over_fac_endings"]):
        return "ORG"  # 北洋武备学堂: a school, though 堂 ends buildings' names
    if any(name.endswith(s) and len(name) > len(s) for s in rules["model_fac_endings"]):
        return "FAC"
    if len(name) >= 3 and name.endswith(tuple(rules["model_road_endings"])) and \
            not name.endswith(tuple(rules["model_fac_ending_exceptions"])):
        return "FAC"  # 大环道, 佛光街: a road, not 北海道
    if any(name.endswith(s) and len(name) > len(s) for s in rules["model_org_endings"]):
        return "ORG"  # 镰仓幕府: a government the model calls a place
    if any(name.endswith(s) for s in rules["gpe_suffixes"]):
        return "GPE"
    if any(name.endswith(s) for s in rules["loc_suffixes"]):
        return "LOC"
    return "GPE"


