"""Dependencies: a syntactic parse of each sentence's words, for relation patterns that ask for it.

Optional: the stage runs when a parser is given (``zhpipe run --dep hanlp:MODEL``, or a HanLP
multi-task model given as ``--ner hanlp:MODEL`` that has a ``dep`` task). It parses the words of
the working copy (jieba's, split at entity edges), sentence by sentence, and gives every word its
head word and relation; spaCy's own ``token.head`` / ``token.dep_`` are set from it.

:func:`parse_words` is the plain function; the parsers behind it are HanLP components on disk,
never downloaded (``ner_backends.hanlp_model_path`` finds them).
"""
from __future__ import annotations

import os
from typing import Sequence

Arc = tuple[int, str]  # (head: index of the head word in the sentence, -1 for the root; relation)


def parse_words(sentences: Sequence[Sequence[str]], parser) -> list[list[Arc]]:
    """Each sentence's arcs, one per word. White-space words are not shown to the parser: they
    hang on the next word (or the previous, at the end) as ``dep``."""
    shown, keep = [], []
    for words in sentences:
        index = [i for i, w in enumerate(words) if w.strip()]
        keep.append(index)
        shown.append([words[i] for i in index])
    parsed = parser.parse([s for s in shown if s]) if any(shown) else []
    out, k = [], 0
    for words, index, visible in zip(sentences, keep, shown):
        arcs: list[Arc] = []
        if visible:
            heads = parsed[k]
            k += 1
            position = {j: i for j, i in enumerate(index)}
            by_word = {index[j]: (position[h] if h >= 0 else -1, rel) for j, (h, rel) in enumerate(heads)}
        else:
            by_word = {}
        for i in range(len(words)):
            if i in by_word:
                arcs.append(by_word[i])
            else:
                neighbour = next((j for j in index if j > i), next((j for j in reversed(index) if j < i), -1))
                arcs.append((neighbour, "dep"))
        out.append(arcs)
    return out


class HanlpParser:
    """A HanLP dependency parser (``BiaffineDependencyParser`` and the like: words in, CoNLL out)
    or a multi-task model with a ``dep`` task, run on our words."""

    def __init__(self, identifier: str | None = None, component=None):
        if component is None:
            from .ner_backends import hanlp_model_path

            folder = hanlp_model_path(identifier)
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import hanlp

            component = hanlp.load(folder, devices=-1)
        self.component = component
        self.multitask = type(component).__name__ == "MultiTaskLearning"
        if self.multitask and not has_dep_task(component):
            from .ner_backends import ModelUnavailable

            raise ModelUnavailable(f"{identifier}: this HanLP multi-task model has no dependency task (dep)")

    def parse(self, sentences: list[list[str]]) -> list[list[Arc]]:
        if not sentences:
            return []
        if self.multitask:
            document = self.component(sentences, tasks="dep", skip_tasks="tok*")
            parsed = document["dep"]
        else:
            parsed = [[(word.head, word.deprel) for word in sentence] for sentence in self.component(sentences)]
        # HanLP heads are 1-based with 0 for the root.
        return [[(head - 1, rel) for head, rel in sentence] for sentence in parsed]


def has_dep_task(component) -> bool:
    tasks = getattr(component, "tasks", None) or {}
    return any(name == "dep" or name.startswith("dep/") for name in tasks)
