"""Named events, on the working copy: codenames and names in quotes (代号为“通道”, “防线”演习),
a chain of names and an event head (明斯克峰会, 第37届东盟峰会), a word ending in an event head with
its numbering or year (举重世锦赛, 2016年总统大选), and observance days (世界邮政日). Every word list
is in ``data/entity_rules.yaml``.
"""
from __future__ import annotations

import re

from .entity_candidates import DASH, HAN, QUOTED, RULE, Candidate


def event_candidates(text: str, working_tokens, entities: list[Candidate], rules: dict, word_tags: dict,
                     abbreviations=frozenset()) -> list[Candidate]:
    return [*_quoted_events(text, rules), *_named_events(text, entities, rules),
            *_headed_events(text, working_tokens, entities, rules, word_tags, abbreviations),
            *_observance_days(text, working_tokens, rules, word_tags)]


def _quoted_events(text: str, rules: dict) -> list[Candidate]:
    """代号为“通道”, “防线”演习, 司令部推演“联盟盾牌—2005”: the name inside the quotes."""
    cues = tuple(sorted(rules["codename_cues"], key=len, reverse=True))
    heads = tuple(sorted(rules["quoted_event_heads"], key=len, reverse=True))
    found = []
    event_heads = tuple(rules["event_heads"] + rules["headed_events"]["heads"] + rules["quoted_event_endings"])
    speech = rules["quoted_speech_words"]
    for match in QUOTED.finditer(text):
        inner = match.group()[1:-1]
        if text.endswith(cues, 0, match.start()) or text.endswith(heads, 0, match.start()) or \
                text.startswith(heads, match.end()) or \
                (len(inner) > 2 and inner.endswith(event_heads) and not any(w in inner for w in speech)):
            found.append(Candidate(match.start() + 1, match.end() - 1, "EVENT", match.group()[1:-1], "", RULE))
    return found


_ORDINAL = r"第[\d零〇一二三四五六七八九十百]+[届次]"
_ORDINAL_AT_END = re.compile(rf"{_ORDINAL}$")  # 第37届 | 东盟峰会: numbering written before a name


def _named_events(text: str, entities: list[Candidate], rules: dict) -> list[Candidate]:
    """明斯克峰会, 伊斯坦堡北约峰会, 第37届东盟峰会, 汉光35号演习, 金砖国家领导人第六次会晤:
    a chain of place or organisation names, optional numbering, and an event head."""
    heads = "|".join(map(re.escape, sorted(rules["event_heads"], key=len, reverse=True)))
    infixes = "|".join(map(re.escape, rules["event_infixes"]))
    after = re.compile(rf"(?:{infixes})?(?:{_ORDINAL}|\d+号)?(?:{heads})")
    by_end = {c.end: c for c in entities if c.label in ("GPE", "LOC", "ORG")}
    verb_heads = tuple(rules["event_heads_also_verbs"])
    prepositions = tuple(rules["place_context"]["before"])
    found = []
    for c in entities:
        if c.label not in ("GPE", "LOC", "ORG"):
            continue
        match = after.match(text, c.end)
        if match is None:
            continue
        start = c.start
        while True:  # 伊斯坦堡北约峰会, 中国—东盟领导人会议: chain back over adjacent names
            joint = start - 1 if start and text[start - 1] in DASH and start - 1 in by_end else start
            if joint in by_end and by_end[joint].start < start:
                start = by_end[joint].start
            else:
                break
        numbered = _ORDINAL_AT_END.search(text, max(0, start - 6), start)
        if numbered:
            start = numbered.start()
        elif text.endswith(verb_heads, 0, match.end()) and text.endswith(prepositions, 0, start) and \
                not text.startswith(tuple(rules["event_noun_followers"]), match.end()):
            continue  # 在布鲁塞尔会谈: they met in Brussels (a verb); but 在新加坡会谈中, the talks
        start = _event_year(text, start)
        found.append(Candidate(start, match.end(), "EVENT", text[start:match.end()], "", RULE))
    return found


_EVENT_YEAR = re.compile(r"(?<!\d)\d{4} ?年? ?$")  # 2016年总统大选, 2017世界大学运动会
_COORDINATED_YEAR = re.compile(r"年[和与及、至到—–-]$")


def _event_year(text: str, start: int) -> int:
    """2016年总统大选, 1996 年雅典奥运: a year written before an event's name belongs to the name,
    unless it is one of several (1996年和2000年奥运会: the years are dates)."""
    m = _EVENT_YEAR.search(text, max(0, start - 7), start)
    if not m or _COORDINATED_YEAR.search(text, max(0, m.start() - 2), m.start()):
        return start
    return m.start()


def _headed_events(text, working_tokens, entities, rules, word_tags, abbreviations=frozenset()) -> list[Candidate]:
    """举重世锦赛, 中美贸易战, 第九届全国运动会, 2016年总统大选, 慕尼黑政变: a word ending in an event
    head (or the head after up to two name words), with the numbering or year written before it.
    A head alone (一场战争, 这次大选) is no name; a war, revolution, incident or movement needs a
    name before it (鸦片战争, 中美贸易战, 南京大屠杀, not 综合战役 or 体育运动)."""
    spec = rules["headed_events"]
    heads = tuple(sorted(spec["heads"], key=len, reverse=True))
    needs_name = tuple(spec["heads_needing_a_name"])
    word_classes, name_classes = set(spec["name_word_tags"]) | {"?"}, set(rules["name_word_tags"]) | {"nr", "j", "?"}
    stop_words = set(spec["modifier_stops"])
    names_by_end = {c.end: c for c in entities if c.label in ("GPE", "LOC", "ORG", "FAC") and c.end > c.start}
    found = []
    head_set = set(heads)
    for k, (start, end) in enumerate(working_tokens):
        word = text[start:end]
        head = next((h for h in heads if word.endswith(h)), None)
        if head is None and k and text[working_tokens[k - 1][0]:end] in head_set:
            k, start = k - 1, working_tokens[k - 1][0]  # 总统|选举: a head the segmenter cut in two
            word = head = text[start:end]
        if head is None:
            continue
        # A word the dictionary does not know (寺田屋, 元弘之乱: the segmenter's guess) is a name's.
        first, named = k, len(word) > len(head) and word_tags.get(word, "?") in name_classes
        # 日俄战争, 中美贸易战: countries' one-character names before the head are a name
        named = named or (len(word) - len(head) >= 2 and all(ch in abbreviations for ch in word[:-len(head)]))
        # Before a word that is a whole name (甲午战争), only names extend it, not a common noun
        # (1897年利用|甲午战争: 利用 is "using").
        before_classes = name_classes if named else word_classes
        while first > 0 and k - first < 2:
            s, e = working_tokens[first - 1]
            prev = text[s:e]
            if not all(HAN.match(ch) for ch in prev) or prev in stop_words or \
                    word_tags.get(prev, "?") not in before_classes:
                break
            named = named or word_tags.get(prev, "?") in name_classes
            first -= 1
        name_start = working_tokens[first][0]
        while name_start in names_by_end:  # 中美贸易战: names before the words are in it
            name_start, named = names_by_end[name_start].start, True
        numbered = _ORDINAL_AT_END.search(text, max(0, name_start - 6), name_start)
        prefixed = _event_year(text, numbered.start() if numbered else name_start)
        bare = first == k and len(word) == len(head) and name_start == start and prefixed == start
        if bare or (head.endswith(needs_name) and not named):
            continue  # 大选 alone is no name; 2016年总统大选 and 第九届全国运动会 are
        name_start = prefixed
        found.append(Candidate(name_start, end, "EVENT", text[name_start:end], "", RULE))
    return found


def _observance_days(text: str, working_tokens, rules: dict, word_tags: dict) -> list[Candidate]:
    """世界邮政日, 国际劳动节, 全国科普日: a day, week or festival named for the world or the nation:
    a scope word, one to three noun words and the head as a word of its own (not 国际社会|日益)."""
    spec = rules["observance_days"]
    scopes, heads, tags = tuple(spec["scopes"]), set(spec["heads"]), set(spec["word_tags"])
    found = []
    for k, (start, end) in enumerate(working_tokens):
        word = text[start:end]
        if word.startswith(scopes) and len(word) > 3 and word[-1] in heads and \
                word_tags.get(word) in tags and word[-2] not in spec["not_days"]:
            found.append(Candidate(start, end, "EVENT", word, "", RULE))  # 国际妇女节, one word
            continue
        if word not in scopes and not (word.startswith(scopes) and word_tags.get(word) in tags):
            continue  # 世界|邮政|日, or 世界卫生|日 where the segmenter joined the scope to the next word
        for last in range(k + 1, min(k + 4, len(working_tokens))):
            s, e = working_tokens[last]
            word = text[s:e]
            if (last > k + 1 or text[start:end] not in scopes) and word in heads:
                found.append(Candidate(start, e, "EVENT", text[start:e], "", RULE))  # 世界|邮政|日
                break
            if word_tags.get(word) not in tags:
                break
            if len(word) >= 2 and word[-1] in heads and word[-2] not in spec["not_days"]:
                found.append(Candidate(start, e, "EVENT", text[start:e], "", RULE))  # 国际|劳动节
                break
    return found
