"""zhpipe: Chinese information extraction into tidy tables.

    import pipeline
    nlp = pipeline.load()                       # a spaCy Language
    tables = pipeline.extract(["corpus/"])      # dict of pandas DataFrames

Importing this package is instant and has no side effects: spaCy, the model and the dictionaries
load on the first call to :func:`load`.
"""
from __future__ import annotations

__version__ = "0.1.0"


def load(stages=None, gazetteers=(), patterns=(), ner="lac", use_model=None, dep=None):
    """The pipeline as a spaCy ``Language`` (blank ``zh``, our tokenizer and stages).

    ``ner`` chooses the entity model: ``lac`` (default), ``ours`` (shipped BiLSTM-CRF), ``ours+lac``, ``none`` or
    ``hanlp:MODEL``; ``use_model=False`` is the older spelling of ``ner="none"``. ``dep="hanlp:MODEL"`` adds a
    dependency parse for relation patterns with ``dep`` conditions."""
    from .language import DEFAULT_STAGES, build_language

    if use_model is False:
        ner = "none"
    return build_language(stages or DEFAULT_STAGES, gazetteers=gazetteers, patterns=patterns, ner=ner, dep=dep)


def extract(paths_or_texts, nlp=None, **options):
    """Run the pipeline over files, folders or texts; return the tables as pandas DataFrames."""
    from .runner import extract as _extract

    return _extract(paths_or_texts, nlp=nlp, **options)


__all__ = ["load", "extract", "__version__"]
