"""Tools for annotating the real-text gold set by hand (no pipeline involved).

    python benchmarks/real/kit.py text DOC_ID            # the text, each line with its start offset
    python benchmarks/real/kit.py find DOC_ID STRING     # every offset of STRING in the text
    python benchmarks/real/kit.py resolve DRAFT.json OUT.json   # fill start/end, text_sha256, ids
    python benchmarks/real/kit.py check FILE.json...     # validate against the text in ../shared

A draft is the gold format (../shared/annotation-format.md) where a span may leave out
``start``/``end`` and give ``text`` with ``nth`` (1 = first occurrence in the document) or ``near``
(an offset: the occurrence closest to it is taken). ``resolve`` writes the full file and refuses a
span it cannot place. Texts are read from ../shared/corpora and never copied.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from pipeline import gold  # noqa: E402  (the format's loader and validator only)
from pipeline.corpora import Texts  # noqa: E402

CORPORA = HERE.parents[2] / "shared" / "corpora"


def text_of(doc_id: str) -> tuple[str, str]:
    found = Texts(CORPORA).get(doc_id)
    if found is None:
        sys.exit(f"{doc_id}: no such document in {CORPORA}")
    return found


def cmd_text(doc_id: str) -> None:
    text, _ = text_of(doc_id)
    offset = 0
    for line in text.split("\n"):
        for k in range(0, max(len(line), 1), 40):
            print(f"{offset + k:>6} | {line[k:k + 40]}")
        offset += len(line) + 1


def cmd_find(doc_id: str, needle: str) -> None:
    text, _ = text_of(doc_id)
    hits, start = [], text.find(needle)
    while start >= 0:
        hits.append(start)
        start = text.find(needle, start + 1)
    print(f"{needle!r}: {len(hits)} occurrence(s) at " + ", ".join(f"{h}-{h + len(needle)}" for h in hits))


def _place(item: dict, text: str, where: str) -> None:
    if "start" in item and "end" in item:
        return
    needle = item.get("text")
    if not needle:
        raise SystemExit(f"{where}: a span without start/end needs its text")
    hits, start = [], text.find(needle)
    while start >= 0:
        hits.append(start)
        start = text.find(needle, start + 1)
    if not hits:
        raise SystemExit(f"{where}: {needle!r} does not occur in the text")
    if "near" in item:
        near = int(item.pop("near"))  # popped once: the key runs for every occurrence
        pos = min(hits, key=lambda h: abs(h - near))
    else:
        nth = int(item.pop("nth", 1))
        if nth > len(hits):
            raise SystemExit(f"{where}: {needle!r} occurs {len(hits)} time(s), not {nth}")
        pos = hits[nth - 1]
    item["start"], item["end"] = pos, pos + len(needle)


def cmd_resolve(draft_path: str, out_path: str) -> None:
    data = json.loads(Path(draft_path).read_text(encoding="utf-8"))
    text, sha = text_of(data["doc_id"])
    data["corpus"] = data.get("corpus") or data["doc_id"].rsplit("-", 1)[0]
    data["text_sha256"] = sha
    for layer in ("entities", "dates", "numbers"):
        for index, item in enumerate(data.get(layer, [])):
            _place(item, text, f"{draft_path}: {layer}[{index}] {item.get('id', '')}")
    ordered = {"doc_id": data["doc_id"], "corpus": data["corpus"], "text_sha256": sha}
    for layer in ("entities", "dates", "numbers", "relations"):
        ordered[layer] = data.get(layer, [])
    for layer, prefix in (("entities", "T"), ("dates", "D"), ("numbers", "N"), ("relations", "R")):
        taken = {item["id"] for item in ordered[layer] if item.get("id")}
        k = 0
        for item in ordered[layer]:
            if not item.get("id"):  # as the docstring promises: ids for items the draft left without
                k += 1
                while f"{prefix}{k}" in taken:
                    k += 1
                item["id"] = f"{prefix}{k}"
                taken.add(item["id"])
    for layer in ("entities", "dates", "numbers"):
        for item in ordered[layer]:
            if not gold.span_text_needed(ordered, item):
                item.pop("text", None)  # a long span: offsets only, its text stays in ../shared
    problems = gold.validate(ordered, text, out_path, sha)
    for problem in problems:
        print(problem)
    if problems:
        raise SystemExit(f"{len(problems)} problem(s); nothing written")
    Path(out_path).write_text(json.dumps(ordered, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out_path}: {sum(len(ordered[k]) for k in ('entities', 'dates', 'numbers'))} spans, "
          f"{len(ordered['relations'])} relations")


def cmd_check(paths: list[str]) -> None:
    texts, bad = Texts(CORPORA), 0
    for path in paths:
        try:
            gold.load_annotation(path, texts=texts)
            print(f"{path}: ok")
        except gold.GoldError as exc:
            bad += 1
            print("\n".join(exc.problems))
    raise SystemExit(1 if bad else 0)


def main() -> None:
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "text":
        cmd_text(args[1])
    elif len(args) == 3 and args[0] == "find":
        cmd_find(args[1], args[2])
    elif len(args) == 3 and args[0] == "resolve":
        cmd_resolve(args[1], args[2])
    elif len(args) >= 2 and args[0] == "check":
        cmd_check(args[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
