"""Builds the spaCy ``Language``: a blank ``zh`` whose tokenizer normalises and segments, and whose
components are the stages, registered as factories with versioned names.

The tokenizer owns normalisation and segmentation, as spaCy's own Chinese tokenizer owns jieba:
a ``Doc`` is made of tokens, so the text must be segmented before any component runs. Everything
after it is a component a user can remove, replace or reorder (``nlp.remove_pipe("zhpipe_dates")``).
Component order comes from ``DEFAULT_STAGES`` (or the caller), never from import order.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

from . import gazetteer as gazetteer_module
from .resources import cache_dir, load_yaml
from .stages.normalize import Normalizer
from .stages.segment import Segmenter
from .stages.sentences import split_sentences

DEFAULT_STAGES = ("sentences", "entities", "dates", "numbers", "relations")
# "dependencies" is optional: added before relations when a parser is given (load(dep=...)).
FACTORIES = {stage: f"zhpipe_{stage}_v1" for stage in (*DEFAULT_STAGES, "dependencies")}


def _declare_extensions() -> None:
    """The Doc/Span attributes the stages write. Declared once, when this module loads."""
    for name, default in (("view", None), ("doc_id", None), ("doc_date", None), ("script", None),
                          ("sentence_spans", None), ("entities", None), ("dates", None),
                          ("numbers", None), ("relations", None), ("dependencies", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name in ("canonical", "source"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


_declare_extensions()


@dataclass
class Resources:
    """What the stages share: built once per pipeline by :func:`build_resources`."""

    normalizer: Normalizer
    segmenter: Segmenter
    gazetteer: gazetteer_module.Gazetteer
    entity_rules: dict
    relation_patterns: list


def build_resources(gazetteers: Sequence[str | Path] = (), patterns: Sequence[str | Path] = ()) -> Resources:
    user_names = [name for path in gazetteers for name in gazetteer_module.read_name_file(path, "user")]
    builtin, abbreviations = gazetteer_module.builtin_names()
    normalizer = Normalizer(gazetteer_module.protected_forms(builtin + user_names))
    gazetteer = gazetteer_module.build(normalizer.convert, user_names, builtin, abbreviations)
    segmenter = Segmenter(cache_dir(), user_words=[n for n in gazetteer.names if len(n) > 1])
    from .stages.relation_patterns import load_patterns

    entity_rules = {**load_yaml("entity_rules.yaml"), "person_names": load_yaml("person_names.yaml")}
    return Resources(normalizer, segmenter, gazetteer, entity_rules, load_patterns(patterns, normalizer.convert))


class ZhTokenizer:
    """Original text → ``Doc`` of segmented tokens, with the aligned working copy on ``doc._.view``."""

    def __init__(self, vocab, resources: Resources):
        self.vocab = vocab
        self.resources = resources

    def __call__(self, text: str) -> Doc:
        view = self.resources.normalizer.normalize(text)
        spans = self.resources.segmenter.segment(view)
        doc = Doc(self.vocab, words=[text[s:e] for s, e in spans], spaces=[False] * len(spans))
        for token, (start, end) in zip(doc, spans):
            ws, we = view.to_working(start, end)
            token.norm_ = view.working[ws:we]
        doc._.view = view
        doc._.script = view.script
        return doc

    # spaCy calls these when saving a pipeline; the resources are rebuilt from data files instead.
    def to_bytes(self, **kwargs):
        return b""

    def from_bytes(self, data, **kwargs):
        return self

    def to_disk(self, path, **kwargs):
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path, **kwargs):
        return self


# --- components ---------------------------------------------------------------------------------
# Each is a thin wrapper: read what earlier stages wrote, call the stage's plain function, write.

class SentencesComponent:
    def __init__(self, nlp):
        pass

    def __call__(self, doc: Doc) -> Doc:
        spans = split_sentences(doc.text)
        starts = {s for s, _ in spans}
        # One array write: setting token.is_sent_start token by token rescans the doc each time.
        flags = numpy.array([[1 if token.i == 0 or token.idx in starts else -1] for token in doc], dtype="int32")
        if len(doc):
            doc.from_array([SENT_START], flags.reshape(-1, 1).astype("uint64"))
        doc._.sentence_spans = spans
        return doc


class EntitiesComponent:
    def __init__(self, nlp, ner: str = "lac"):
        from .stages.entities import EntityResources

        self.resources = nlp.zhpipe_resources
        self.entity_resources = EntityResources(self.resources.gazetteer, self.resources.entity_rules)
        self.ner = ner

    def initialize(self):
        if not self.entity_resources.word_tags:
            self.entity_resources.word_tags = self.resources.segmenter.word_tags()
        if self.ner != "none" and self.entity_resources.model is None:
            from .stages.ner_backends import load_backend

            self.entity_resources.model = load_backend(self.ner)

    def __call__(self, doc: Doc) -> Doc:
        from .stages.entities import find_entities

        self.initialize()
        mentions = find_entities(doc._.view, [(t.idx, t.idx + len(t)) for t in doc],
                                 sentence_spans(doc), self.entity_resources)
        _split_tokens_at(doc, {b for m in mentions for b in (m.start, m.end)})
        ents = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, label=m.label, kb_id=m.kb_id)
            span._.canonical, span._.source = m.canonical, m.source
            ents.append(span)
        doc.ents = ents
        doc._.entities = mentions
        return doc


def _working_words(doc: Doc) -> list[tuple[int, int]]:
    """The doc's tokens (the segmenter's words, cut at entity edges) as working-copy spans."""
    return [doc._.view.to_working(t.idx, t.idx + len(t)) for t in doc]


class DatesComponent:
    def __init__(self, nlp):
        pass

    def __call__(self, doc: Doc) -> Doc:
        from .stages.dates import find_dates

        # A year inside an event's name (2016年总统大选) belongs to the name.
        events = [e for e in doc._.entities or [] if e.label == "EVENT"]
        view = doc._.view
        word_starts = {start for start, _ in _working_words(doc)}
        places = [e for e in doc._.entities or [] if e.label in ("GPE", "LOC")]
        doc._.dates = find_dates(view, sentence_spans(doc), doc_date=doc._.doc_date, names=events,
                                 word_starts=word_starts, places=places)
        return doc


class NumbersComponent:
    def __init__(self, nlp):
        self.resources = nlp.zhpipe_resources

    def __call__(self, doc: Doc) -> Doc:
        from .stages.numbers import find_numbers

        view, tags = doc._.view, self.resources.segmenter.word_tags()
        words = [(start, end, tags.get(view.working[start:end], "")) for start, end in _working_words(doc)]
        doc._.numbers = find_numbers(view, dates=doc._.dates or [], entities=doc._.entities or [], words=words)
        return doc


class DependenciesComponent:
    """``parser``: ``hanlp:MODEL``, or ``ner`` for the entity model's own parser."""

    def __init__(self, nlp, parser: str):
        self.nlp, self.parser_name, self.parser = nlp, parser, None

    def initialize(self):
        if self.parser is not None:
            return
        if self.parser_name == "ner":
            model = self.nlp.get_pipe("zhpipe_entities").entity_resources.model
            self.parser = getattr(model, "parser", None)
            if self.parser is None:
                raise ValueError("the dependencies stage has no parser: pass dep='hanlp:MODEL' "
                                 "(zhpipe run --dep hanlp:MODEL)")
        elif self.parser_name.startswith("hanlp:") and len(self.parser_name) > len("hanlp:"):
            from .stages.dependencies import HanlpParser

            self.parser = HanlpParser(self.parser_name[len("hanlp:"):])
        else:
            raise ValueError(f"unknown parser {self.parser_name!r}; use hanlp:NAME or hanlp:FOLDER")

    def __call__(self, doc: Doc) -> Doc:
        from .stages.dependencies import parse_words

        self.initialize()
        groups: list[list[int]] = []
        starts = [s for s, _ in sentence_spans(doc)]
        for token in doc:
            k = bisect.bisect_right(starts, token.idx) - 1
            while len(groups) <= max(k, 0):
                groups.append([])
            groups[max(k, 0)].append(token.i)
        arcs = parse_words([[doc[i].norm_ for i in group] for group in groups], self.parser)
        heads, deps = list(range(len(doc))), ["ROOT"] * len(doc)
        dependencies = [None] * len(doc)
        for group, sentence in zip(groups, arcs):
            for i, (head, rel) in zip(group, sentence):
                dependencies[i] = (group[head] if head >= 0 else None, rel)
                heads[i], deps[i] = (group[head], rel) if head >= 0 else (i, "ROOT")
        doc._.dependencies = dependencies
        _set_parse(doc, heads, deps)
        return doc


def _set_parse(doc: Doc, heads: list[int], deps: list[str]) -> None:
    """spaCy's own token.head / token.dep_, where the parse is a tree spaCy accepts."""
    from spacy.attrs import DEP, HEAD

    values = numpy.array([[(h - i) % (1 << 64), doc.vocab.strings.add(d)] for i, (h, d) in enumerate(zip(heads, deps))],
                         dtype="uint64")
    try:
        doc.from_array([HEAD, DEP], values.reshape(-1, 2))
    except (ValueError, IndexError):
        pass  # a parser that gives a cycle: the arcs stay in doc._.dependencies only


class RelationsComponent:
    def __init__(self, nlp):
        self.resources = nlp.zhpipe_resources

    def __call__(self, doc: Doc) -> Doc:
        from .stages.relations import find_relations

        arcs = None
        if doc._.dependencies is not None:  # (start, end, head word index | None, relation) per word
            arcs = [(t.idx, t.idx + len(t), *doc._.dependencies[t.i]) for t in doc]
        doc._.relations = find_relations(doc._.view, [(t.idx, t.idx + len(t)) for t in doc], sentence_spans(doc),
                                         doc._.entities or [], doc._.dates or [], self.resources.relation_patterns,
                                         dependencies=arcs)
        return doc


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Sentence spans from the sentences stage, or one sentence per line when it was removed."""
    if doc._.sentence_spans is not None:
        return doc._.sentence_spans
    return split_sentences(doc.text)


def _split_tokens_at(doc: Doc, offsets: set[int]) -> None:
    """Split tokens so that every offset is a token boundary (an entity inside a jieba word)."""
    cuts_in: dict[int, list[int]] = {}
    starts = [t.idx for t in doc]
    for offset in offsets:
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and starts[i] < offset < starts[i] + len(doc[i]):
            cuts_in.setdefault(i, []).append(offset - starts[i])
    if not cuts_in:
        return
    view = doc._.view
    with doc.retokenize() as retokenizer:
        for i, inner in cuts_in.items():
            token = doc[i]
            cuts = [0, *sorted(inner), len(token)]
            orths = [token.text[a:b] for a, b in zip(cuts, cuts[1:])]
            retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))
    for token in doc:
        ws, we = view.to_working(token.idx, token.idx + len(token))
        token.norm_ = view.working[ws:we]


Language.factory(FACTORIES["sentences"], assigns=["token.is_sent_start", "doc._.sentence_spans"])(
    lambda nlp, name: SentencesComponent(nlp))
Language.factory(FACTORIES["entities"], default_config={"ner": "lac"},
                 requires=["doc._.view"], assigns=["doc.ents", "doc._.entities", "span._.canonical"])(
    lambda nlp, name, ner: EntitiesComponent(nlp, ner))
Language.factory(FACTORIES["dates"], requires=["doc._.view"], assigns=["doc._.dates"])(
    lambda nlp, name: DatesComponent(nlp))
Language.factory(FACTORIES["numbers"], requires=["doc._.view", "doc._.dates", "doc._.entities"], assigns=["doc._.numbers"])(
    lambda nlp, name: NumbersComponent(nlp))
Language.factory(FACTORIES["relations"], requires=["doc._.entities", "doc._.dates"], assigns=["doc._.relations"])(
    lambda nlp, name: RelationsComponent(nlp))
Language.factory(FACTORIES["dependencies"], default_config={"parser": "ner"}, requires=["doc._.view"],
                 assigns=["token.dep", "token.head", "doc._.dependencies"])(
    lambda nlp, name, parser: DependenciesComponent(nlp, parser))


@registry.tokenizers("zhpipe.ZhTokenizer.v1")
def _tokenizer_factory():
    def create(nlp):
        return ZhTokenizer(nlp.vocab, nlp.zhpipe_resources)

    return create


def build_language(stages: Iterable[str] = DEFAULT_STAGES, gazetteers: Sequence[str | Path] = (),
                   patterns: Sequence[str | Path] = (), ner: str = "lac", dep: str | None = None) -> Language:
    """A blank ``zh`` Language with our tokenizer and the named stages, in that order.

    ``dep`` (``hanlp:MODEL``) adds the dependencies stage before relations; a HanLP multi-task
    ``ner`` model with a ``dep`` task adds it by itself, parsing with the same model."""
    import spacy

    stages = list(stages)
    if dep and "dependencies" not in stages and "relations" in stages:
        stages.insert(stages.index("relations"), "dependencies")
    unknown = [s for s in stages if s not in FACTORIES]
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(unknown)}; known: {', '.join(FACTORIES)}")
    missing = [f"{stage} needs {need}" for stage, needs in _NEEDS.items() if stage in stages
               for need in needs if need not in stages[:stages.index(stage)]]
    if missing:
        raise ValueError("stage order is incomplete: " + "; ".join(missing))
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    # What built it, for a run's settings fingerprint (``incremental``): spaCy's config does not
    # hold the gazetteer and pattern files.
    nlp.zhpipe_options = {"stages": stages, "gazetteers": [str(g) for g in gazetteers],
                          "patterns": [str(p) for p in patterns], "ner": ner, "dep": dep}
    nlp.zhpipe_resources = build_resources(gazetteers, patterns)
    nlp.tokenizer = ZhTokenizer(nlp.vocab, nlp.zhpipe_resources)
    for stage in stages:
        config = {"ner": ner} if stage == "entities" else {"parser": dep or "ner"} if stage == "dependencies" else {}
        nlp.add_pipe(FACTORIES[stage], name=f"zhpipe_{stage}", config=config)
    nlp.zhpipe_resources.segmenter.initialize()
    for _, component in nlp.pipeline:
        if hasattr(component, "initialize"):
            component.initialize()
    if not dep and "relations" in stages and "dependencies" not in stages and "entities" in stages:
        model = nlp.get_pipe("zhpipe_entities").entity_resources.model
        if getattr(model, "parser", None) is not None:  # a HanLP multi-task model with a dep task
            nlp.add_pipe(FACTORIES["dependencies"], name="zhpipe_dependencies", before="zhpipe_relations",
                         config={"parser": "ner"})
            nlp.get_pipe("zhpipe_dependencies").initialize()
    return nlp


# What each stage reads from the ones before it (all missing requirements are reported at once).
_NEEDS = {"numbers": ["entities", "dates"], "relations": ["entities", "dates"], "dependencies": ["entities"]}
