"""Draw the real-text gold set from ../shared/corpora: a seeded, weighted sample, then the split.

The choice looks only at the texts, never at the pipeline's output. Each candidate is weighted by
how much of what we extract it holds — trigger words of the four relation types, date phrases and
amounts, counted by the regular expressions below — per hundred characters, so rich documents are
likelier but any document can be drawn (Efraimidis–Spirakis weighted sampling without
replacement, seed fixed). The test split is drawn by the same script, before anyone reads a
document, as the first ``test`` documents of each stratum in draw order.

    python benchmarks/real/select.py [--corpora ../shared/corpora]   # writes benchmarks/real/manifest.tsv

Strata (corpus, script, register, how many for dev and test):
- drcd — Taiwan Wikipedia, traditional, encyclopedic; one paragraph per article title.
- cmrc2018 — Wikipedia, simplified, encyclopedic; one paragraph per title.
- ntrex — translated wire news; each story is drawn once and given one script (tw or cn) by the
  same random generator, so no story appears in both.
- ud-zh-hk — Hong Kong, two registers: the LegCo record (legislative proceedings; 8,055
  characters, too long for a blind double pass, so it is dev) and film subtitles (one for test).
Candidates longer than ``MAX_CHARS`` are left out (one annotator's sitting), except ud-zh-hk.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from pathlib import Path

SEED = 20261203
MAX_CHARS = 1000
# stratum -> (corpora, script, register, n_dev, n_test)
STRATA = {
    "drcd": (["drcd"], "hant", "encyclopedia", 33, 5),
    "cmrc2018": (["cmrc2018"], "hans", "encyclopedia", 32, 5),
    "ntrex": (["ntrex-zho-tw", "ntrex-zho-cn"], None, "news", 32, 5),
    "ud-zh-hk-legco": (["ud-zh-hk"], "hant", "legislative record", 1, 0),
    "ud-zh-hk-film": (["ud-zh-hk"], "hant", "film subtitles", 0, 1),
}


def register_of(doc: dict, corpus_register: str) -> str:
    """ud-zh-hk holds two registers; its titles name the LegCo record."""
    if doc["id"].startswith("ud-zh-hk"):
        return "legislative record" if "Legislative Council" in doc.get("title", "") else "film subtitles"
    return corpus_register

TRIGGERS = re.compile("簽署|签署|簽訂|签订|締結|缔结|簽約|签约|成立|組建|组建|創建|创建|創立|创立|設立|设立|建立|創辦|创办"
                      "|加入|成為|成为|舉行|举行|舉辦|举办|召開|召开|主辦|主办")
DATES = re.compile(r"[0-9０-９〇○零一二三四五六七八九十]{2,4}\s*年|[0-9０-９一二三四五六七八九十]{1,2}\s*月"
                   r"|[0-9０-９一二三四五六七八九十]{1,3}\s*[日號号]|世紀|世纪|年代|今天|昨天|明天|今年|去年|明年")
AMOUNTS = re.compile(r"[0-9０-９][0-9０-９.,，]*\s*[%％萬万億亿千百]|百分之|[0-9０-９]+\s*(?:元|美元|人|名|個|个|座|所|公里|米|噸|吨)")


def richness(text: str) -> float:
    hits = len(TRIGGERS.findall(text)) * 2 + len(DATES.findall(text)) + len(AMOUNTS.findall(text))
    return 0.2 + 100.0 * hits / max(len(text), 1)


def read_corpus(corpora: Path, name: str) -> list[dict]:
    with open(corpora / name / "docs.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def weighted_order(items: list[dict], rng: random.Random) -> list[dict]:
    keyed = [(rng.random() ** (1.0 / richness(d["text"])), d) for d in items]
    return [d for _, d in sorted(keyed, key=lambda kd: -kd[0])]


def one_per_title(docs: list[dict]) -> list[dict]:
    seen, out = set(), []
    for d in docs:
        if d.get("title") and d["title"] in seen:
            continue
        seen.add(d.get("title"))
        out.append(d)
    return out


def draw(corpora: Path) -> list[dict]:
    rng = random.Random(SEED)
    rows = []
    for stratum, (names, script, register, n_dev, n_test) in STRATA.items():
        if stratum == "ntrex":
            tw, cn = (read_corpus(corpora, n) for n in names)
            stories = [(a, b) for a, b in zip(tw, cn) if max(len(a["text"]), len(b["text"])) <= MAX_CHARS]
            keyed = [(rng.random() ** (1.0 / richness(a["text"])), a, b) for a, b in stories]
            ordered = []
            for _, a, b in sorted(keyed, key=lambda k: -k[0]):
                ordered.append((a, "hant") if rng.random() < 0.5 else (b, "hans"))
            picked = ordered[:n_dev + n_test]
        else:
            docs = [d for n in names for d in read_corpus(corpora, n) if register_of(d, register) == register]
            if not stratum.startswith("ud-zh-hk"):
                docs = [d for d in docs if len(d["text"]) <= MAX_CHARS]
            ordered = one_per_title(weighted_order(docs, rng))
            picked = [(d, script) for d in ordered[:n_dev + n_test]]
        test_left = n_test
        for doc, doc_script in picked:
            corpus = doc["id"].rsplit("-", 1)[0]
            split = "test" if test_left else "dev"
            test_left -= split == "test"
            rows.append({"doc_id": doc["id"], "corpus": corpus, "split": split, "script": doc_script,
                         "register": register,
                         "chars": len(doc["text"]), "richness": round(richness(doc["text"]), 2),
                         "text_sha256": hashlib.sha256(doc["text"].encode("utf-8")).hexdigest()})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = Path(__file__).resolve().parent
    parser.add_argument("--corpora", default=str(here.parents[2] / "shared" / "corpora"))
    parser.add_argument("-o", "--output", default=str(here / "manifest.tsv"))
    args = parser.parse_args()
    rows = draw(Path(args.corpora))
    columns = list(rows[0])
    lines = ["\t".join(columns)] + ["\t".join(str(r[c]) for c in columns) for r in rows]
    Path(args.output).write_text("\n".join(lines) + "\n", encoding="utf-8")
    for split in ("dev", "test"):
        part = [r for r in rows if r["split"] == split]
        chars = sum(r["chars"] for r in part)
        hant = sum(r["chars"] for r in part if r["script"] == "hant")
        print(f"{split}: {len(part)} documents, {chars} characters, {hant / chars:.0%} traditional by characters, "
              f"{sum(r['script'] == 'hant' for r in part)} traditional documents")
    total = sum(r["chars"] for r in rows)
    print(f"all: {len(rows)} documents, {total} characters, registers: "
          f"{', '.join(sorted({r['register'] for r in rows}))}")


if __name__ == "__main__":
    main()
