"""Relations: table-driven over tests/cases/relations.yaml with the real pipeline, plus the pattern
files (validation, a user-defined `visited` type end to end through the CLI)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.stages.relations import PatternError, Relation, find_relations, load_patterns

CASES_FILE = Path(__file__).parent / "cases" / "relations.yaml"
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))

# Cases the pipeline still gets wrong, by index in relations.yaml, with the reason. strict: a case
# that starts passing fails the run, so this list stays honest.
KNOWN_MISSES = {
    # Entity errors (stages/entities.py), which the relation patterns cannot repair. Each of these
    # cases passes when the expected argument spans are given as entities.
    7: "entities: 德國電信 is found as the GPE 德國, not one ORG",
    8: "entities: 上合組織秘書處 is found as 組織秘書處",
    14: "entities: 布达佩斯安全保障备忘录 is not found as a LAW (only 布达佩斯)",
    17: "entities: 東協宣言 is not found as a LAW (only the ORG 東協)",
    20: "entities: the PERSON 川普 is not found",
    24: "entities: 國立臺灣大學 is found as 臺灣大學, and the description 學術交流協定 as a LAW",
    28: "entities: the ORG 中亞地區集體快速部署部隊 is not found (only the LOC 中亞地區)",
    30: "entities: the PERSON 張忠謀 is found as 張忠",
    36: "entities: the ORG 集体快速反应部队 is not found",
    56: "entities: the EVENT 十一届三中全会 is not found",
    58: "entities: the EVENT 梅竹賽 is not found",
}


def _surface(doc, arg) -> str:
    if arg.kind == "entity":
        return doc._.entities[arg.index].text
    if arg.kind == "date":
        return doc._.dates[arg.index].text
    return arg.value


def _as_comparable(doc, relation: Relation) -> tuple[str, dict]:
    """(type, {role: surface or sorted surfaces}) — the shape of the cases file. A `date` that is a SET
    (每年) is dropped: the case file gives none for recurring events, the gold documents do."""
    args: dict[str, list[str]] = {}
    for arg in relation.args:
        if arg.kind == "date" and doc._.dates[arg.index].type == "SET":
            continue
        args.setdefault(arg.role, []).append(_surface(doc, arg))
    return relation.type, {role: sorted(v) for role, v in args.items()}


def _expected(case) -> list[tuple[str, dict]]:
    out = []
    for rel in case["relations"]:
        args = {role: sorted(v if isinstance(v, list) else [v]) for role, v in rel["args"].items()}
        out.append((rel["type"], args))
    return out


def _case_params():
    for i, case in enumerate(CASES):
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[i])] if i in KNOWN_MISSES else []
        yield pytest.param(case, id=f"{i:02d}-{case['sentence'][:14]}", marks=marks)


@pytest.mark.parametrize("case", list(_case_params()))
def test_case(run, case):
    doc = run(case["sentence"])
    asserted = [r for r in doc._.relations if r.modality == "asserted"]
    got = sorted((_as_comparable(doc, r) for r in asserted), key=repr)
    want = sorted(_expected(case), key=repr)
    assert got == want, f"entities: {[(m.text, m.label) for m in doc._.entities]}"


@pytest.mark.parametrize("sentence, rtype, modality", [
    ("印度至今未簽署《全面禁止核試驗條約》。", "signed", "negated"),
    ("以色列一直拒絕簽署《不擴散核武器條約》。", "signed", "negated"),
    ("梵蒂冈至今没有加入联合国。", "joined", "negated"),
    ("紐西蘭與新加坡將於明年簽署數位經濟協定。", "signed", "planned"),
    ("乌克兰计划于明年加入欧盟。", "joined", "planned"),
    ("如果土耳其加入欧盟，欧洲的版图将发生重大变化。", "joined", "planned"),
    ("腾讯与京东有望在下个月签约。", "signed", "planned"),
])
def test_non_asserted_acts_keep_their_modality(run, sentence, rtype, modality):
    doc = run(sentence)
    assert [(r.type, r.modality) for r in doc._.relations] == [(rtype, modality)]


def test_relation_fields(run):
    text = "柬埔寨于1999年4月加入东盟，成为该组织第十个成员国。"
    doc = run(text)
    [relation] = doc._.relations  # two cues, one statement
    assert (relation.type, relation.modality) == ("joined", "asserted")
    assert 0 <= relation.evidence_start < relation.evidence_end <= len(text)
    assert 0.0 <= relation.confidence <= 1.0
    roles = {a.role: a for a in relation.args}
    assert doc._.entities[roles["member"].index].text == "柬埔寨"
    assert doc._.entities[roles["org"].index].text == "东盟"
    assert doc._.dates[roles["date"].index].value == "1999-04"


def test_anaphor_is_marked_coref(run):
    doc = run("《全面经济合作框架协议》是双方自贸区建设的基础，该协议于2002年11月由中国与东盟在金边签署。")
    [relation] = doc._.relations
    [agreement] = relation.role("agreement")
    assert agreement.coref and doc._.entities[agreement.index].text == "全面经济合作框架协议"
    assert not any(a.coref for a in relation.role("agent"))


def test_rows_reach_the_tables(run):
    from pipeline.tables import doc_rows

    doc = run("越南及寮國於1977年7月18日在永珍簽訂了《越老友好合作條約》。")
    rows = doc_rows(doc, "t")
    [rel] = rows["relations"]
    assert rel["type"] == "signed" and rel["evidence"].startswith("越南")
    args = {(r["role"], r["text"]) for r in rows["relation_args"]}
    assert args == {("agent", "越南"), ("agent", "寮國"), ("agreement", "越老友好合作條約"),
                    ("date", "1977年7月18日"), ("place", "永珍")}


# --- pattern files --------------------------------------------------------------------------------

VISITED = """\
type: visited
description: a visitor visits a place
triggers:
  - words: [訪問, 出訪, 到訪]          # either script: matched on the working form
    unless_after: [團, 學者]
roles:
  visitor:     {labels: [PERSON, GPE, ORG], position: before, many: true}
  destination: {labels: [GPE, LOC], position: after}
  date:        {kind: date}
requires: [visitor, destination]
"""


def test_builtin_patterns_load():
    patterns = load_patterns()
    assert {p.type for p in patterns} == {"signed", "established", "joined", "held"}
    assert all(p.triggers and p.roles for p in patterns)


def test_user_pattern_file_adds_a_type(run, tmp_path):
    path = tmp_path / "visited.yaml"
    path.write_text(VISITED, encoding="utf-8")
    patterns = load_patterns([path])
    assert [p.type for p in patterns][-1] == "visited"
    doc = run("2023年3月20日，習近平抵達莫斯科，對俄羅斯進行國事訪問。2024年5月，马克龙访问了中国。")
    found = find_relations(doc._.view, [(t.idx, t.idx + len(t)) for t in doc], doc._.sentence_spans,
                           doc._.entities, doc._.dates, patterns)
    visits = [(doc._.entities[r.role("visitor")[0].index].text, doc._.entities[r.role("destination")[0].index].text)
              for r in found if r.type == "visited"]
    assert ("马克龙", "中国") in visits


def test_visited_through_the_cli(tmp_path):
    import pandas as pd

    from pipeline.cli import main

    patterns = tmp_path / "visited.yaml"
    patterns.write_text(VISITED, encoding="utf-8")
    text = tmp_path / "news.txt"
    text.write_text("2024年5月5日，马克龙访问了中国。", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(text), "-o", str(out), "--format", "csv", "--patterns", str(patterns)]) == 0
    relations = pd.read_csv(out / "relations.csv")
    args = pd.read_csv(out / "relation_args.csv")
    assert relations[["type", "modality"]].values.tolist() == [["visited", "asserted"]]
    assert sorted(zip(args["role"], args["text"])) == [("date", "2024年5月5日"), ("destination", "中国"),
                                                       ("visitor", "马克龙")]


@pytest.mark.parametrize("content, problem", [
    ("type: visited\nroles: {x: {labels: [GPE], position: before}}\n", "triggers"),
    ("type: visited\ntriggers: [{words: [访问]}]\nroles: {x: {labels: [COUNTRY], position: before}}\n",
     "unknown label(s) COUNTRY"),
    ("type: visited\ntriggers: [{words: [访问]}]\nroles: {x: {labels: [GPE], position: above}}\n",
     "roles.x.position"),
    ("type: visited\ntriggers: [{words: [访问], colour: red}]\nroles: {x: {labels: [GPE], position: before}}\n",
     "unknown key(s) colour"),
    ("type: visited\ntriggers: [{words: [访问]}]\nroles: {x: {labels: [GPE], position: before}}\n"
     "requires: [y]\n", "requires"),
    ("type: visited\ntriggers: [{words: [访问]}]\nroles: {x: {labels: [GPE], position: before}}\n"
     "alias_brackets: ['（']\n", "alias_brackets"),
    ("type: visited\ntriggers: [{words: [访问]}]\nroles: {x: {labels: [GPE], position: before}}\n"
     "numerals: 5\n", "numerals"),
    ("type: Visited!\n", "type"),
    ("type: [unclosed\n", "not valid YAML"),
    ("- just a list\n", "expected a mapping"),
])
def test_bad_pattern_file_names_file_and_problem(tmp_path, content, problem):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PatternError) as info:
        load_patterns([path])
    assert str(path) in str(info.value) and problem in str(info.value)


def test_missing_pattern_file(tmp_path):
    with pytest.raises(PatternError, match="no such file"):
        load_patterns([tmp_path / "nope.yaml"])


def test_cli_reports_a_bad_pattern_file(tmp_path, capsys):
    from pipeline.cli import main

    path = tmp_path / "bad.yaml"
    path.write_text("type: visited\n", encoding="utf-8")
    text = tmp_path / "a.txt"
    text.write_text("马克龙访问了中国。", encoding="utf-8")
    assert main(["run", str(text), "-o", str(tmp_path / "o"), "--patterns", str(path)]) == 2
    assert "bad.yaml" in capsys.readouterr().err
