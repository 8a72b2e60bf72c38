from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def nlp():
    """The real pipeline (LAC model, OpenCC, jieba, gazetteers), built once for the whole run."""
    import pipeline

    return pipeline.load()


@pytest.fixture(scope="session")
def run(nlp):
    """Annotate a text with the real pipeline and return the spaCy Doc."""
    from pipeline.runner import run_document
    from pipeline.textio import Document

    def annotate(text: str, doc_date: str | None = None):
        return run_document(nlp, Document("test", text), doc_date)

    return annotate


@pytest.fixture(scope="session")
def run_ours():
    """Like ``run``, with our own entity model (``--ner ours``)."""
    import pipeline
    from pipeline.runner import run_document
    from pipeline.textio import Document

    nlp = pipeline.load(ner="ours")
    return lambda text, doc_date=None: run_document(nlp, Document("test", text), doc_date)


@pytest.fixture(scope="session")
def sample_doc(run):
    text = (ROOT / "corpus" / "csto-overview.txt").read_text(encoding="utf-8")
    return run(text)
