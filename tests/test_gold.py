import hashlib
import json
from pathlib import Path

import pytest

from pipeline import gold

ROOT = Path(__file__).resolve().parent.parent
GOLD_DOCS = sorted(p.stem for p in (ROOT / "annotations").glob("*.json"))
TEXT = "2006年9月8日，集安組織在莫斯科簽署了協定。"


def write_pair(tmp_path, data, text=TEXT):
    (tmp_path / "corpus").mkdir(exist_ok=True)
    (tmp_path / "annotations").mkdir(exist_ok=True)
    txt = tmp_path / "corpus" / "doc.txt"
    txt.write_text(text, encoding="utf-8")
    data.setdefault("doc_id", "doc")
    data.setdefault("text_sha256", hashlib.sha256(txt.read_bytes()).hexdigest())
    path = tmp_path / "annotations" / "doc.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def valid():
    return {"entities": [{"id": "T1", "start": 10, "end": 14, "label": "ORG", "text": "集安組織", "canonical": "集体安全条约组织"},
                         {"id": "T2", "start": 15, "end": 18, "label": "GPE", "text": "莫斯科"}],
            "dates": [{"id": "D1", "start": 0, "end": 9, "text": "2006年9月8日", "type": "DATE", "value": "2006-09-08"}],
            "numbers": [],
            "relations": [{"id": "R1", "type": "signed", "args": {"agent": ["T1"], "date": "D1", "place": "T2"}}]}


def test_valid_file_loads(tmp_path):
    annotation = gold.load_annotation(write_pair(tmp_path, valid()))
    assert annotation.entities[0].canonical == "集体安全条约组织"
    assert annotation.relations[0].args["agent"] == ["T1"]


def problems_of(tmp_path, data):
    with pytest.raises(gold.GoldError) as info:
        gold.load_annotation(write_pair(tmp_path, data))
    return info.value.problems


def test_text_mismatch_names_id_and_both_strings(tmp_path):
    data = valid()
    data["entities"][0]["text"] = "集安組"
    (problem,) = problems_of(tmp_path, data)
    assert "T1: text '集安組' but the document has '集安組織' at 10–14" in problem
    assert "doc.json" in problem


def test_unknown_label(tmp_path):
    data = valid()
    data["entities"][1]["label"] = "CITY"
    assert any("T2: unknown label 'CITY'" in p for p in problems_of(tmp_path, data))


def test_missing_relation_argument(tmp_path):
    data = valid()
    data["relations"][0]["args"]["agreement"] = "T9"
    assert any("R1: agreement points to 'T9', which is no id" in p for p in problems_of(tmp_path, data))


def test_argument_in_the_wrong_layer(tmp_path):
    data = valid()
    data["relations"][0]["args"]["date"] = "T2"
    assert any("R1: date points to T2 in entities; expected an id in dates" in p for p in problems_of(tmp_path, data))


def test_changed_text_is_caught_by_sha256(tmp_path):
    data = valid()
    data["text_sha256"] = "0" * 64
    assert any("text_sha256" in p and "changed after annotation" in p for p in problems_of(tmp_path, data))


def test_bad_date_mod_and_number_label(tmp_path):
    data = valid()
    data["dates"][0]["mod"] = "SOON"
    data["numbers"] = [{"id": "N1", "start": 0, "end": 4, "text": "2006", "label": "COUNT", "value": 2006}]
    problems = problems_of(tmp_path, data)
    assert any("D1: unknown mod 'SOON'" in p for p in problems)
    assert any("N1: unknown label 'COUNT'" in p for p in problems)


def test_folder_validation_reports_every_problem(tmp_path):
    data = valid()
    data["entities"][0]["text"] = "集安組"
    data["entities"][1]["label"] = "CITY"
    write_pair(tmp_path, data)
    problems = gold.validate_folder(tmp_path / "annotations", tmp_path / "corpus")
    assert len(problems) == 2


def test_the_gold_set_validates():
    assert len(GOLD_DOCS) >= 9
    assert gold.validate_folder(ROOT / "annotations", ROOT / "corpus") == []


@pytest.mark.parametrize("doc_id", GOLD_DOCS)
def test_brat_round_trip_is_identical(doc_id):
    text = gold.read_corpus_text(ROOT / "corpus" / f"{doc_id}.txt")
    annotation = gold.load_annotation(ROOT / "annotations" / f"{doc_id}.json", corpus_path=ROOT / "corpus" / f"{doc_id}.txt")
    back = gold.from_brat(gold.to_brat(annotation, text), text, doc_id, annotation.text_sha256)
    assert back.to_dict() == annotation.to_dict()


def test_brat_folder_export_and_import(tmp_path):
    n = gold.export_brat_folder(ROOT / "annotations", tmp_path / "brat", ROOT / "corpus")
    assert n == len(GOLD_DOCS)
    assert gold.import_brat_folder(tmp_path / "brat", tmp_path / "back") == n
    for doc_id in GOLD_DOCS:
        original = json.loads((ROOT / "annotations" / f"{doc_id}.json").read_text(encoding="utf-8"))
        again = json.loads((tmp_path / "back" / f"{doc_id}.json").read_text(encoding="utf-8"))
        assert gold.Annotation.from_dict(again).to_dict() == gold.Annotation.from_dict(original).to_dict()


def test_annotations_readme_counts_are_current():
    readme = (ROOT / "annotations" / "README.md").read_text(encoding="utf-8")
    assert gold.counts_markdown(ROOT / "annotations", ROOT / "corpus") in readme


LONG_NAME = "中华人民共和国和某国关于两国边界东段走向的协定"  # our own, 23 characters


def _corpus_annotation(tmp_path, long_span: dict, corpus: str | None = "mine"):
    """An annotation of a document of a JSONL corpus (the real-text gold's layout) holding one long span."""
    text = f"两国于2001年签订了《{LONG_NAME}》。"
    folder = tmp_path / "corpora" / "mine"
    folder.mkdir(parents=True)
    (folder / "docs.jsonl").write_text(json.dumps({"id": "mine-1", "text": text}, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    start = text.index(LONG_NAME)
    data = {"doc_id": "mine-1", **({"corpus": corpus} if corpus else {}),
            "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "entities": [{"id": "T1", "start": start, "end": start + len(LONG_NAME), "label": "LAW", **long_span}],
            "dates": [{"id": "D1", "start": 3, "end": 8, "type": "DATE", "value": "2001"}], "numbers": [],
            "relations": []}
    (tmp_path / "gold").mkdir()
    path = tmp_path / "gold" / "mine-1.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_long_span_of_a_corpus_document_takes_its_text_from_the_corpus(tmp_path):
    from pipeline.corpora import Texts

    path = _corpus_annotation(tmp_path, {})
    with pytest.raises(gold.GoldError) as caught:  # the short date span still needs its text
        gold.load_annotation(path, texts=Texts(tmp_path / "corpora"))
    assert "D1: missing text" in str(caught.value) and "T1" not in str(caught.value)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["dates"][0]["text"] = "2001年"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    annotation = gold.load_annotation(path, texts=Texts(tmp_path / "corpora"))
    assert annotation.entities[0].text == LONG_NAME and annotation.dates[0].text == "2001年"


def test_a_long_span_that_gives_its_text_is_still_checked(tmp_path):
    from pipeline.corpora import Texts

    path = _corpus_annotation(tmp_path, {"text": LONG_NAME[1:] + "。"})
    data = json.loads(path.read_text(encoding="utf-8"))
    data["dates"][0]["text"] = "2001年"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(gold.GoldError, match="T1: text"):
        gold.load_annotation(path, texts=Texts(tmp_path / "corpora"))


def test_outside_a_corpus_every_span_carries_its_text():
    long_span = {"id": "T9", "start": 0, "end": 20, "label": "ORG"}
    problems = gold.validate({"entities": [long_span]}, "字" * 30, "doc.json")
    assert len(problems) == 1 and problems[0].startswith("doc.json: T9: missing text")


def test_no_real_gold_file_holds_a_long_span_text():
    for path in (ROOT / "benchmarks" / "real").glob("*/*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for layer in ("entities", "dates", "numbers"):
            for item in data[layer]:
                assert len(item.get("text", "")) < gold.LONG_SPAN, (path.name, item["id"])
