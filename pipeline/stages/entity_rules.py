"""Entity rules: names that a kind of phrase makes, on the working copy.

Titles in 《》, quoted codenames, named events, names built on a place or organisation, descriptive
organisation names, bare treaty names, deictic 我国, nationality and group words, Latin-script
names. Every word list is in ``data/entity_rules.yaml``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace

from .award_names import award_candidates
from .entity_candidates import DASH, HAN, MODEL, QUOTED, RULE, Candidate
from .event_names import event_candidates
from .latin_names import latin_name_label, latin_names
from .product_names import product_candidates

_TITLE = re.compile(r"《([^《》\n]{1,80})》")
_NUMERALS = "一二三四五六七八九十百零〇两"
# Markup tags left in text taken from a wiki (《<nowiki>结他杂志</nowiki>》) are no part of the title.
_TAG = re.compile(r"<[A-Za-z/][^<>\n]{0,20}>")
_TAG_AT_END = re.compile(_TAG.pattern + "$")


# --- rules --------------------------------------------------------------------------------------

def rule_candidates(text: str, working_tokens, entities: list[Candidate], resources) -> list[Candidate]:
    rules = resources.rules
    found: list[Candidate] = []
    law_suffixes = tuple(rules["law_suffixes"])
    org_titles = tuple(rules["organisation_title_heads"])
    provision = re.compile(rf"第[\d{_NUMERALS}]+[{''.join(rules['provision_words'])}]$")
    for match in _TITLE.finditer(text):
        start, end = match.span(1)
        while tag := _TAG.match(text, start, end):
            start = tag.end()
        while tag := _TAG_AT_END.search(text, start, end):
            end = tag.start()
        title = text[start:end].strip()
        if not title:
            continue
        # A trailing parenthesis (年份, 草案) does not hide what the title is: 《…行动计划（2018—2022）》.
        core = re.sub(r"[（(][^（）()]*[）)]$", "", title)
        label = "LAW" if core.endswith(law_suffixes) or provision.search(text, 0, match.start()) else \
            "ORG" if core.endswith(org_titles) else "WORK_OF_ART"  # 《波士顿环球报》: a newspaper
        found.append(Candidate(start, end, label, text[start:end], "", RULE))
    found = _periodical_titles(text, found, rules)
    # 第十二条（每届任期的首次会议）: a provision's heading in brackets is part of the law too.
    for match in re.finditer(r"[（(]([^\W\d_]{4,40})[）)]", text):
        if provision.search(text, 0, match.start()):
            found.append(Candidate(match.start(1), match.end(1), "LAW", match.group(1), "", RULE))
    found += _titles_again(text, found, {b for token in working_tokens for b in token})
    found += _quoted_facilities(text, rules)
    found += event_candidates(text, working_tokens, entities, rules, resources.word_tags,
                              resources.gazetteer.abbreviations)
    titles = {c.start for c in found}
    found += _suffixed_names(text, working_tokens, entities, rules, resources.word_tags)
    found += _generic_org_bodies(text, entities, rules)
    found += _headed_org_names(text, working_tokens, entities, rules, resources.word_tags, entities + found)
    found += _bare_laws(text, working_tokens, rules, titles)
    found += _named_acts(text, working_tokens, rules, resources.word_tags, titles)
    found += _deictic_places(text)
    found += _numbered_institutions(text, entities, rules)
    found += _numbered_lines(text, entities + found, rules)
    found += _numbered_units(text, working_tokens, entities + found, rules, resources.word_tags)
    found += _group_names(text, working_tokens, entities, rules, resources.gazetteer)
    found += _standalone_bodies(text, working_tokens, entities, rules)
    found += _surnames_with_titles(text, working_tokens, entities, rules, resources.word_tags, resources.gazetteer)
    found += _sovereigns(text, working_tokens, entities, rules, resources.word_tags, resources.gazetteer)
    found += _languages(text, working_tokens, entities + found, rules)
    found += product_candidates(text, working_tokens, entities, rules, resources.word_tags)
    found += award_candidates(text, working_tokens, entities, rules, resources.word_tags)
    found += latin_names(text, entities + found, rules)  # after the rules: a gloss follows any name
    return found


_CLAUSE_END = "，。；！？\n,;!?"


def _periodical_titles(text: str, titles: list[Candidate], rules: dict) -> list[Candidate]:
    """Titles the text calls periodicals are organisations (ORG), in every mention in the document."""
    words = tuple(sorted(rules["periodical_words"], key=len, reverse=True))
    parts = tuple(rules["periodical_part_words"])
    word = "|".join(map(re.escape, words))
    gloss = r"(?:\s*[（(][^（）()\n]{0,40}[）)])?"
    after = re.compile(rf"》{gloss}\s*(?:{word})")
    predicate = re.compile(rf"》{gloss}(?:是|为|為)[^{_CLAUSE_END}]{{0,20}}?(?:{word})(?:之一)?(?=[{_CLAUSE_END}]|$)")
    # A title ending like a law's (《大公报》: 公报) is a periodical only by what follows it: a
    # periodical's word before it may be the paper that printed the law (人民日报《联合公报》).
    periodicals = {text[c.start:c.end] for c in titles if
                   c.label == "WORK_OF_ART" and text.endswith(words, 0, c.start - 1)
                   and not text.startswith(parts, c.end + 1) or
                   c.label in ("WORK_OF_ART", "LAW") and (after.match(text, c.end) or predicate.match(text, c.end))}
    return [replace(c, label="ORG") if c.label in ("WORK_OF_ART", "LAW") and text[c.start:c.end] in periodicals else c
            for c in titles]


def _titles_again(text: str, titles: list[Candidate], token_bounds: set[int]) -> list[Candidate]:
    """A title given once in 《》 and then written without the marks (议事规则) is the same name,
    where it ends a word (not 朝日新闻 inside 朝日新闻社)."""
    marked = {i for c in titles for i in range(c.start - 1, c.end + 1)}
    found = []
    for name, label in {text[c.start:c.end]: c.label for c in titles if c.end - c.start >= 3}.items():
        for m in re.finditer(re.escape(name), text):
            if m.start() not in marked and (m.end() in token_bounds or not HAN.match(text[m.end():m.end() + 1] or " ")):
                found.append(Candidate(m.start(), m.end(), label, name, "", RULE))
    return found


def _quoted_facilities(text: str, rules: dict) -> list[Candidate]:
    """建成「望祭殿」, 「怀抱爽」亭: a quoted name that ends in a building's word, or that one
    follows, is a facility (the name inside the quotes)."""
    endings = tuple(rules["model_fac_endings"])
    codenames = tuple(rules["codename_cues"])
    found = []
    for match in QUOTED.finditer(text):
        inner = match.group()[1:-1]
        if not HAN.search(inner) or text.endswith(codenames, 0, match.start()):
            continue  # 代号为“通道”: an operation's codename, not a road
        if any(inner.endswith(e) and len(inner) > len(e) for e in endings) or \
                (text[match.end():match.end() + 1] in endings and not text.startswith(endings, match.end() + 1)):
            found.append(Candidate(match.start() + 1, match.end() - 1, "FAC", inner, "", RULE))
    return found


_LATIN_BASE = re.compile(r"(?<![A-Za-z0-9.'-])[A-Z][A-Za-z0-9&'-]*(?: [A-Z][A-Za-z0-9&'-]*){0,2}(?![A-Za-z0-9])")


def _suffixed_names(text, working_tokens, entities, rules, word_tags) -> list[Candidate]:
    """香港国际货柜码头有限公司, 慕尼黑工业大学, 美国国防部, 葵青货柜码头, 中亚地区: a place or
    organisation name, up to three noun words, and a head that makes the whole an ORG/FAC/LOC."""
    heads = sorted(((h, label) for label, words in rules["suffixed_name_heads"].items() for h in words),
                   key=lambda item: len(item[0]), reverse=True)
    stop_tags = set(rules["suffixed_name_stop_tags"])
    name_tags = set(rules["name_word_tags"])
    stop_words = set(rules["bare_law_stops"])
    name_verbs = set(rules["name_verbs"])
    meetings = tuple(rules["meeting_words"])
    loose_heads = set(rules["loose_one_character_heads"])
    loose_exceptions = tuple(rules["loose_head_exceptions"])
    role_phrases = tuple(rules["place_role_phrases"])
    place_words = {(c.start, c.end) for c in entities if c.label in ("GPE", "LOC")}
    found = []
    # A name in Latin letters is a base too (KTUU电视台, Rady 儿童医院): one space may stand before the head.
    media_heads = set(rules["organisation_title_heads"])
    generic = set(rules["latin_names"]["generic_acronyms"])
    latin_bases = [Candidate(m.start(), m.end(), "ORG", m.group(), "", RULE)
                   for m in _LATIN_BASE.finditer(text)
                   if m.group() not in generic and HAN.match(text[m.end():m.end() + 2].lstrip(" ")[:1] or " ")
                   and latin_name_label(m.group(), rules["latin_names"]) not in ("FAC", "EVENT")]
    person_law_heads = tuple(rules["person_law_heads"])
    adjacent_heads = set(rules["adjacent_name_heads"])
    area_heads = set(rules["area_heads"]["heads"])
    area_prefixes = tuple(rules["area_heads"]["region_prefixes"])
    token_end_at_start = dict(working_tokens)
    for k, c in enumerate([*entities, *latin_bases]):
        from_latin = k >= len(entities)
        # One-character abbreviations (俄—白防空集团) modify a description, they do not start a name.
        if c.label not in ("GPE", "LOC", "ORG", "PERSON") or c.end - c.start < 2:
            continue
        best = None
        latin = text[c.end - 1].isascii() and text[c.end - 1].isalnum()
        walk_from = c.end + 1 if latin and text[c.end:c.end + 1] == " " else c.end
        for s, e in _words_after(working_tokens, walk_from):
            word = text[s:e]
            head = next(((h, lab) for h, lab in heads if word.endswith(h)), None)
            if head is None and latin and word in media_heads:
                head = (word, "ORG")  # NBC 新闻, KTUU电视台: a broadcaster or paper named in Latin letters
            if c.label == "PERSON":
                head = (word, "LAW") if word.endswith(person_law_heads) else None
            if head and len(head[0]) == 1 and word != head[0] and word_tags.get(word) not in name_tags \
                    and (head[0] not in loose_heads or word.endswith(loose_exceptions)):
                head = None
            if head and len(head[0]) < len(word) and (s, e) in place_words and c.label != "ORG":
                break  # 中国|香港: a place whose name ends like a head (港) is a second place
            if head and text.endswith(role_phrases, c.start, e):
                break  # 罗马帝国政治中心: the place's role, not a body's name
            if head and word == head[0] and _verb_not_head(text, e, word, token_end_at_start, word_tags):
                break  # 在威灵组织了集会: the head word is the verb of the sentence
            if head and head[0] in area_heads and not text.startswith(area_prefixes, c.start):
                break  # 非洲|地区, 几内亚|地区: the place itself, not a name (but 中亚地区, 华北地区)
            if head and head[0] in adjacent_heads and (s != walk_from or _verb_before_head(word, head[0], stop_words,
                                                                                         word_tags)):
                break  # 奥斯陆协议, but not 深圳|签了|合作协议 or 维也纳|达成协议: an agreement named after the place itself
            if head:
                best = (e, head[1])
            elif from_latin and word_tags.get(word) not in ("n", "vn"):
                break  # NBA|辛辛那提皇家队: a league in Latin letters before a team's name is no part of it
            elif not HAN.fullmatch(word[0]) or word in stop_words or \
                    (word_tags.get(word) in stop_tags and word not in name_verbs):
                break
        if best and from_latin and best[1] not in ("ORG", "FAC"):
            best = None
        if best:
            end, label = best
            start = c.end if text.startswith(meetings, end) and c.label != "ORG" else c.start
            found.append(Candidate(start, end, label, text[start:end], "", RULE))
    return found


def _verb_before_head(word: str, head: str, stop_words: set, word_tags: dict) -> bool:
    """A word that is a verb and its object (达成协议, 签订条约): the head is what is acted on."""
    before = word[:len(word) - len(head)]
    return bool(before) and (before in stop_words or word_tags.get(before) == "v")


def _verb_not_head(text: str, end: int, word: str, token_end_at_start: dict, word_tags: dict) -> bool:
    """A head word the dictionary knows as a verb (组织) is the verb of the clause when an aspect
    particle (在威灵组织了多场集会) or its object (西弗吉尼亚组织集会) follows it."""
    if word_tags.get(word) != "v":
        return False
    following = text[end:token_end_at_start.get(end, end)]
    return text[end:end + 1] in ("了", "着", "过") or word_tags.get(following) in ("n", "vn")


def _headed_org_names(text, working_tokens, entities, rules, word_tags, names_so_far) -> list[Candidate]:
    """紧急状态协调委员会, 国家奈米元件实验室: noun words ending in an organisation head; a bureau
    named after two fields joined by 及 (运输及房屋局); a school's units named by their field.

    A name already found stops the walk back (杜尚别 | 集体安全委员会): names built on a place are
    the business of :func:`_suffixed_names`."""
    named = {i for c in entities if c.label in ("GPE", "LOC") or c.source != MODEL for i in range(c.start, c.end)}
    heads = tuple(sorted(rules["standalone_org_heads"], key=len, reverse=True))
    stop_tags = set(rules["suffixed_name_stop_tags"])
    stop_words = set(rules["bare_law_stops"]) | set(rules["generic_org_heads"])
    name_verbs = set(rules["name_verbs"])
    bureau_heads = tuple(rules["joined_field_bodies"]["heads"])
    joiners = set(rules["joined_field_bodies"]["joiners"])
    units = rules["academic_units"]
    unit_heads = tuple(sorted(units["heads"], key=len, reverse=True))
    # 资讯学院, 法学部: a school's units are named by their field alone, in a text about the school
    names_a_school = any(c.label == "ORG" and text.endswith(tuple(units["school_heads"]), c.start, c.end)
                         for c in names_so_far)
    found = []
    for k, (start, end) in enumerate(working_tokens):
        if names_a_school and (unit := _school_unit(text, working_tokens, k, entities, named, word_tags,
                                                    units, unit_heads)):
            found.append(unit)
            continue
        headed = text.endswith(heads, start, end)
        bureau = text.endswith(bureau_heads, start, end) and word_tags.get(text[start:end], "n") in ("n", "nt", "nz")
        if not headed and not bureau:
            continue
        first, crossed = k, False
        while first > 0 and k - first < 5:
            s, e = working_tokens[first - 1]
            word = text[s:e]
            field = text[working_tokens[first - 2][0]:working_tokens[first - 2][1]] if first >= 2 else ""
            joined = bureau and word in joiners and word_tags.get(field) in ("n", "vn") and \
                not field.endswith(bureau_heads)  # not 保安局|及|入境事务处: two bodies
            if not joined and (not all(HAN.match(ch) for ch in word) or word in stop_words or s in named or
                               (word_tags.get(word) in stop_tags and word not in name_verbs)):
                break  # 运输及房屋局: a bureau named after two fields joined by 及
            crossed = crossed or joined
            first -= 1
        name_start = working_tokens[first][0]
        if not headed and not crossed:
            continue  # a bureau's head alone makes no name here (交通局): only one the joiner marks
        if (first < k or end - start > 4) and end - name_start >= 5:
            found.append(Candidate(name_start, end, "ORG", text[name_start:end], "", RULE))
    return found


def _school_unit(text, working_tokens, k, entities, named, word_tags, units, unit_heads) -> Candidate | None:
    """The unit of a school that the word at ``k`` ends, if it ends in a unit head: the field
    words before a head that is a word of its own (电脑|学系, 产学|创新|研究|学院), or one dictionary
    word ending in the head (、法科大学以及), unless a name's word stands before it (吉佳利|科技学院)."""
    start, end = working_tokens[k]
    unit = next((h for h in unit_heads if text.endswith(h, start, end)), None)
    if unit is None or any(c.start < end and start <= c.end for c in entities):
        return None  # 印第安那大学教育学院: a longer name found holds it (or stands right before it)
    if end - start == len(unit):
        first = k
        while first > 0 and k - first < 3 and working_tokens[first - 1][0] not in named and \
                word_tags.get(text[working_tokens[first - 1][0]:working_tokens[first - 1][1]]) in units["field_tags"]:
            first -= 1
        if first < k:
            name_start = working_tokens[first][0]
            return Candidate(name_start, end, "ORG", text[name_start:end], "", RULE)
        return None
    if word_tags.get(text[start:end]) in ("nt", *units["field_tags"]) and start not in named and \
            not (k and _name_word(text[working_tokens[k - 1][0]:start], word_tags, units["name_tags_before"])):
        return Candidate(start, end, "ORG", text[start:end], "", RULE)
    return None


def _name_word(word: str, word_tags: dict, name_tags) -> bool:
    """A word of a name's: tagged so by the dictionary, or three characters or more it does not know
    (吉佳利: the segmenter's guess at a name; not 另有)."""
    tag = word_tags.get(word)
    return tag in name_tags if tag is not None else len(word) >= 3 and all(HAN.match(ch) for ch in word)


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


def _generic_org_bodies(text: str, entities: list[Candidate], rules: dict) -> list[Candidate]:
    """组织秘书处: a generic head + a body names the body of the organisation last named."""
    heads = "|".join(map(re.escape, sorted(rules["generic_org_heads"], key=len, reverse=True)))
    bodies = "|".join(map(re.escape, sorted(rules["generic_org_bodies"], key=len, reverse=True)))
    orgs = sorted((c for c in entities if c.label == "ORG"), key=lambda c: c.end)
    org_ends = [c.end for c in orgs]
    found = []
    for match in re.finditer(rf"(?:{heads})({bodies})", text):
        k = bisect.bisect_right(org_ends, match.start())
        canonical = orgs[k - 1].canonical + match.group(1) if k else match.group()
        found.append(Candidate(match.start(), match.end(), "ORG", canonical, "", RULE))
    return found


_TIME_WORD_ENDINGS = ("年", "月", "日", "年前", "年后", "世纪", "年代")


def _bare_laws(text: str, working_tokens, rules: dict, taken_starts: set[int]) -> list[Candidate]:
    """Treaty names without 《》: the noun phrase that ends in 条约/协定/公约… (无核武区条约)."""
    heads = set(rules["bare_law_heads"])
    stops = set(rules["bare_law_stops"])
    descriptions = set(rules["law_descriptions"])
    found = []
    for index, (start, end) in enumerate(working_tokens):
        word = text[start:end]
        if word not in heads and not any(word.endswith(h) and len(word) > len(h) for h in heads) or \
                (word in descriptions and word not in heads):
            continue  # 该条约: an anaphor, not a name
        first = index
        while first > 0:
            s, e = working_tokens[first - 1]
            prev = text[s:e]
            if prev in stops or not all(HAN.match(ch) or ch in DASH for ch in prev) or end - s > 30 or \
                    prev.endswith(_TIME_WORD_ENDINGS):
                break  # 五十年前 | 大清帝俄同盟条约: a date is not the front of a name
            first -= 1
        name_start = working_tokens[first][0]
        name = text[name_start:end]
        if len(name) >= 5 and name not in descriptions and name_start not in taken_starts \
                and not any(name.endswith(d) and len(d) >= len(name) - 1 for d in descriptions if len(d) > 2):
            found.append(Candidate(name_start, end, "LAW", name, "", RULE))
    return found


def _named_acts(text: str, working_tokens, rules: dict, word_tags, taken_starts: set[int]) -> list[Candidate]:
    """Laws named without 《》: a word of three or more characters ending in 法/法案/条例 (婚姻法,
    基本法), with up to two noun words before it (同性婚姻法). Words for methods and skills that
    end the same way (疗法, 语法, 书法) are not laws."""
    spec = rules["named_acts"]
    heads, not_laws = tuple(spec["heads"]), tuple(spec["not_law_endings"])
    word_classes = set(spec["modifier_tags"])
    found = []
    for k, (start, end) in enumerate(working_tokens):
        word = text[start:end]
        if end - start < 3 or not word.endswith(heads) or word.endswith(not_laws) or not HAN.fullmatch(word[0]):
            continue
        first = k
        while first > 0 and k - first < 2:
            s, e = working_tokens[first - 1]
            if word_tags.get(text[s:e]) not in word_classes:
                break
            first -= 1
        name_start = working_tokens[first][0]
        if name_start not in taken_starts:
            found.append(Candidate(name_start, end, "LAW", text[name_start:end], "", RULE))
    return found


def _numbered_institutions(text: str, entities: list[Candidate], rules: dict) -> list[Candidate]:
    """第三高等学校, 北京市第四中学, 第一人民医院: schools and hospitals named by a number (with
    the place or organisation written right before them)."""
    heads = "|".join(map(re.escape, sorted(rules["numbered_institution_heads"], key=len, reverse=True)))
    before = {c.end: c for c in entities if c.label in ("GPE", "ORG")}
    found = []
    modifiers = "|".join(map(re.escape, rules["numbered_institution_modifiers"]))
    for m in re.finditer(rf"第[\d{_NUMERALS}]+(?:{modifiers})?(?:{heads})", text):
        if any(c.label == "ORG" and c.start <= m.start() and m.end() <= c.end for c in entities):
            continue  # 北京市第四中学, found whole
        start = before[m.start()].start if m.start() in before else m.start()
        found.append(Candidate(start, m.end(), "ORG", text[start:m.end()], "", RULE))
    return found


def _numbered_lines(text: str, entities: list[Candidate], rules: dict) -> list[Candidate]:
    """8号线, 北京地铁10号线: a transit line named by its number (FAC), with the network the text
    names right before it (a facility or place ending in one of numbered_line_networks)."""
    heads = "|".join(map(re.escape, rules["numbered_line_heads"]))
    networks = tuple(rules["numbered_line_networks"])
    before = {c.end: c for c in entities if c.label in ("FAC", "GPE", "ORG") and text.endswith(networks, c.start, c.end)}
    found = []
    for m in re.finditer(rf"(?<![\d{_NUMERALS}])[\d{_NUMERALS}]+(?:{heads})", text):
        start = before[m.start()].start if m.start() in before else m.start()
        found.append(Candidate(start, m.end(), "FAC", text[start:m.end()], "", RULE))
    return found


def _numbered_units(text: str, working_tokens, entities: list[Candidate], rules: dict,
                    word_tags: dict) -> list[Candidate]:
    """陆军第三镇, 国民革命军第十三路军, 新军陆军第四镇: a military unit named by its number after
    the army's name (words or an organisation ending in 军): one ORG from the army's name."""
    heads = "|".join(map(re.escape, sorted(rules["numbered_unit_heads"], key=len, reverse=True)))
    army = tuple(rules["army_words"])
    starts_at_end: dict[int, set[int]] = {}
    for s, e in working_tokens:
        starts_at_end.setdefault(e, set()).add(s)
    for c in entities:
        if c.label == "ORG":
            starts_at_end.setdefault(c.end, set()).add(c.start)
    found = []
    for m in re.finditer(rf"第[\d{_NUMERALS}]+(?:{heads})", text):
        start = m.start()
        while True:  # back over each army word before it
            before = [s for s in starts_at_end.get(start, ()) if text.endswith(army, s, start) and start - s >= 2]
            if not before:
                break
            end, start = start, min(before)
            if end - start >= 3 and text[start] in word_tags and text[start + 1:end] in word_tags:
                start += 1  # 任|陆军, one word of the segmenter's: a word glued to the army's name
                break
        if start < m.start():
            found.append(Candidate(start, m.end(), "ORG", text[start:m.end()], "", RULE))
    return found


def _deictic_places(text: str) -> list[Candidate]:
    """我国, 我市, 我镇: GPE whose referent the text implies (annotation-format.md: deictic names)."""
    return [Candidate(m.start(), m.end(), "GPE", m.group(), "", RULE)
            for m in re.finditer(r"(?<![自本])我(国|省|市|县|镇|乡|村)", text)]


def _group_names(text: str, working_tokens, entities: list[Candidate], rules: dict, gazetteer) -> list[Candidate]:
    """美国人, 库尔德人, 民主党人士, 土耳其裔德国人, 英籍, 穆斯林: nationalities and groups are NORP.

    A place (or a party) followed by a group word is one NORP; so is a country abbreviation
    followed by 籍/裔, and a religious group by name."""
    spec = rules["group_names"]
    suffixes = sorted(spec["suffixes"], key=len, reverse=True)
    blocked = spec["blocked_followers"]
    places = {c.start: c for c in entities if c.label in ("GPE", "LOC")}
    found = []
    person_bases = tuple(spec["person_base_suffixes"])
    for c in entities:
        party = c.label == "ORG" and text.endswith(tuple(spec["party_heads"]), c.start, c.end)
        # 汪达尔人, 哥德人: a people named after a name the model took for a person's
        people = c.label == "PERSON" and text.startswith(person_bases, c.end) and "·" not in text[c.start:c.end]
        if c.label not in ("GPE", "LOC") and not party and not people:
            continue
        end = c.end
        origin = spec["origin_word"]
        if text.startswith(origin, end) and end + len(origin) in places:  # 土耳其裔 + 德国人
            end = places[end + len(origin)].end
        for suffix in suffixes:
            after = end + len(suffix)
            if text.startswith(suffix, end) and text[after:after + 1] not in blocked.get(suffix, ()):
                found.append(Candidate(c.start, after, "NORP", text[c.start:after], "", RULE))
                break
    abbreviation_suffixes = tuple(spec["abbreviation_suffixes"])
    starts = {s for s, _ in working_tokens}
    ends = {e for _, e in working_tokens}
    for i, ch in enumerate(text[:-1]):
        if ch in gazetteer.abbreviations and i in starts and text.startswith(abbreviation_suffixes, i + 1):
            found.append(Candidate(i, i + 2, "NORP", text[i:i + 2], "", RULE))  # 英籍, 华裔
    peoples = set(spec["peoples"])
    person_base = tuple(spec["person_base_suffixes"])
    for start, end in working_tokens:
        word = text[start:end]
        base = word[:-1] if word.endswith(person_base) and word[:-1] in peoples else word
        if base in peoples and not any(c.start <= start and end < c.end or c.start < start < c.end
                                       for c in entities):  # not inside a longer name found
            end = end + 1 if word == base and text.startswith(person_base, end) and end + 1 in ends else end
            found.append(Candidate(start, end, "NORP", text[start:end], "", RULE))  # 契丹, 契丹人
    groups = "|".join(map(re.escape, sorted(spec["religious_groups"], key=len, reverse=True)))
    orgs_by_end = {c.end: c for c in entities if c.label == "ORG"}
    for m in re.finditer(groups, text):
        start = orgs_by_end[m.start()].start if m.start() in orgs_by_end else m.start()  # 圣公会基督教徒
        found.append(Candidate(start, m.end(), "NORP", text[start:m.end()], "", RULE))
    religions = "|".join(map(re.escape, sorted(spec["religions"], key=len, reverse=True)))
    religion_blocked = tuple(spec["religion_blocked_followers"])
    for m in re.finditer(religions, text):
        if m.start() in starts and not text.startswith(religion_blocked, m.end()) and not any(c.start <= m.start() and m.end() <= c.end and c.end - c.start > len(m.group())
                                           for c in entities if c.label in ("ORG", "FAC", "EVENT", "WORK_OF_ART")):
            found.append(Candidate(m.start(), m.end(), "NORP", m.group(), "", RULE))  # 佛教, not 中国佛教协会
    return found


def _standalone_bodies(text: str, working_tokens, entities: list[Candidate], rules: dict) -> list[Candidate]:
    """秘书处 on its own: the body of the organisation last named (its canonical follows it)."""
    bodies = set(rules["standalone_org_bodies"])
    orgs = sorted((c for c in entities if c.label == "ORG"), key=lambda c: c.end)
    org_ends = [c.end for c in orgs]
    named = {i for c in entities for i in range(c.start, c.end)}
    found = []
    for start, end in working_tokens:
        if text[start:end] in bodies and start not in named and start - 1 not in named:
            k = bisect.bisect_right(org_ends, start)  # the last organisation that ends before it
            canonical = (orgs[k - 1].canonical + text[start:end]) if k else text[start:end]
            found.append(Candidate(start, end, "ORG", canonical, "", RULE))
    return found


def _surnames_with_titles(text: str, working_tokens, entities: list[Candidate], rules: dict,
                          word_tags: dict, gazetteer) -> list[Candidate]:
    """梁议员, 陈先生: a surname alone before a title is a person (data: person_names.yaml); a
    country's one-character name before a title is that country's (韩总统, 美大使)."""
    spec = rules["person_names"]
    surnames = set(spec["surnames"]) - set(gazetteer.abbreviations)
    titles = set(spec["surname_titles"])
    blocked = set(spec["surname_blocked_tags"])
    named = {i for c in entities for i in range(c.start, c.end)}
    tokens = list(working_tokens)
    found = []
    for k, (start, end) in enumerate(tokens):
        word = text[start:end]
        if word[0] not in surnames or start in named or word_tags.get(word[0]) in blocked:
            continue
        if len(word) == 1:
            if k + 1 >= len(tokens) or text[tokens[k + 1][0]:tokens[k + 1][1]] not in titles:
                continue
        elif word[1:] not in titles:
            continue
        if k and start - 1 in named:
            continue  # 梁君彦 found, then 议员: no second name
        if k and tokens[k - 1][1] - tokens[k - 1][0] == 1 and HAN.match(text[start - 1]) and \
                word_tags.get(text[start - 1]) in (None, "nr", "ng", "n"):
            continue  # 涂|谨|申|议员: the end of a name the segmenter cut up
        found.append(Candidate(start, start + 1, "PERSON", word[0], "", RULE))
    return found


def _sovereigns(text: str, working_tokens, entities: list[Candidate], rules: dict, word_tags: dict,
                gazetteer) -> list[Candidate]:
    """明治天皇, 后醍醐天皇: a reign or posthumous name + a sovereign's title is a person (also where
    the model gave the whole name another label)."""
    spec = rules["person_names"]
    allowed, prefixes = set(spec["sovereign_name_tags"]), tuple(spec["sovereign_name_prefixes"])
    descriptions = set(spec["sovereign_descriptions"])
    ending_at = {e: s for s, e in working_tokens}
    model_spans = {(c.start, c.end) for c in entities if c.source == MODEL}  # relabelled when they are the name
    named = {i for c in entities for i in range(c.start, c.end) if (c.start, c.end) not in model_spans}
    titles = "|".join(map(re.escape, sorted(spec["sovereign_titles"], key=len, reverse=True)))
    found = []
    for m in re.finditer(titles, text):
        start = ending_at.get(m.start())
        word = text[start:m.start()] if start is not None else None
        if start is None and m.end() in ending_at and ending_at[m.end()] < m.start():
            start = ending_at[m.end()]  # 明治天皇: one word with its title
            word = text[start:m.end()]
        if start is None or not 2 <= m.start() - start <= spec["sovereign_name_max_chars"] or \
                word_tags.get(word) not in allowed or any(i in named for i in range(start, m.end())) or \
                text[start:m.start()] in gazetteer.names or text[start:m.start()] in descriptions:
            continue  # 日本天皇, 女性天皇: a country's sovereign or a kind of sovereign, not a name
        prefix = next((p for p in prefixes if text.endswith(p, 0, start)), None)
        if prefix and text[start - len(prefix) - 1:start] not in word_tags:
            start -= len(prefix)  # 后|醍醐天皇, but 战后|昭和天皇
        found.append(Candidate(start, m.end(), "PERSON", text[start:m.end()], "", RULE))
    return found


def _languages(text: str, working_tokens, entities: list[Candidate], rules: dict) -> list[Candidate]:
    """鄂罗克语 after 鄂罗克族, 阿尔泰语系, 通古斯语族: a people's or a place's name + 语 is its
    language, and a word ending in 语系/语族 names a language family."""
    spec = rules["language_words"]
    families = tuple(spec["family_heads"])
    suffixes = tuple(spec["suffixes"])
    stems = {text[c.start:c.end].removesuffix(g) for c in entities if c.label in ("NORP", "GPE", "LOC")
             for g in ("", *spec["group_suffixes"]) if text.endswith(g, c.start, c.end)}
    stems = {x for x in stems if len(x) >= 2}
    found = []
    for k, (start, end) in enumerate(working_tokens):
        word = text[start:end]
        if len(word) >= 4 and word.endswith(families) and HAN.fullmatch(word[0]):
            found.append(Candidate(start, end, "LANGUAGE", word, "", RULE))
        elif word in families and k and len(text[working_tokens[k - 1][0]:start]) >= 2 and \
                HAN.fullmatch(text[start - 1]):  # 阿尔泰 | 语系
            s0 = working_tokens[k - 1][0]
            found.append(Candidate(s0, end, "LANGUAGE", text[s0:end], "", RULE))
        elif len(word) >= 3 and word.endswith(suffixes) and word[:-1] in stems:
            found.append(Candidate(start, end, "LANGUAGE", word, "", RULE))
        elif word in stems and k + 1 < len(working_tokens) and \
                text[working_tokens[k + 1][0]:working_tokens[k + 1][1]] in suffixes:  # 毛利 | 文
            found.append(Candidate(start, working_tokens[k + 1][1], "LANGUAGE",
                                   text[start:working_tokens[k + 1][1]], "", RULE))
    return found
