"""The annotation format (../shared/annotation-format.md): load, validate, write, brat round trips.

A gold set is ``corpus/<doc_id>.txt`` + ``annotations/<doc_id>.json``. Validation reports every
problem of a file (and of a folder), each naming the file, the id, what is wrong and what was
expected, so an annotator can fix them all in one pass.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .corpora import Texts
from .gazetteer import LABELS as ENTITY_LABELS

DATE_TYPES = ("DATE", "TIME", "DURATION", "SET")
DATE_MODS = ("BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER", "LESS_THAN", "MORE_THAN", "EQUAL_OR_LESS",
             "EQUAL_OR_MORE", "APPROX", "START", "MID", "END")
NUMBER_LABELS = ("CARDINAL", "PERCENT", "QUANTITY", "MONEY", "ORDINAL")
RELATION_ROLES = {
    "signed": {"agent": "entity+", "agreement": "entity", "date": "date", "place": "entity"},
    "established": {"org": "entity", "date": "date", "place": "entity", "founder": "entity+"},
    "joined": {"member": "entity+", "org": "entity", "date": "date", "status": "string"},
    "held": {"organizer": "entity+", "event": "entity", "date": "date", "place": "entity"},
}
LIST_ROLES = {role for roles in RELATION_ROLES.values() for role, kind in roles.items() if kind.endswith("+")}


class GoldError(ValueError):
    """An annotation file that does not meet the format; ``problems`` lists every issue."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Entity:
    id: str
    start: int
    end: int
    label: str
    text: str
    canonical: str | None = None


@dataclass
class Date:
    id: str
    start: int
    end: int
    text: str
    type: str
    value: str | None
    mod: str | None = None


@dataclass
class Number:
    id: str
    start: int
    end: int
    text: str
    label: str
    value: float | int | None
    unit: str | None = None
    approx: bool = False


@dataclass
class Relation:
    id: str
    type: str
    args: dict  # role -> id, list of ids (agent, member, founder, organizer), or a string (status)


@dataclass
class Annotation:
    doc_id: str
    text_sha256: str = ""
    corpus: str | None = None  # the JSONL corpus the text is read from (../shared/corpora/<corpus>)
    entities: list[Entity] = field(default_factory=list)
    dates: list[Date] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def spans_by_id(self) -> dict:
        return {s.id: s for s in [*self.entities, *self.dates, *self.numbers]}

    def to_dict(self) -> dict:
        def clean(item) -> dict:
            data = asdict(item)
            return {k: v for k, v in data.items()
                    if not (k in ("canonical", "mod", "unit") and v is None) and not (k == "approx" and not v)}

        head = {"doc_id": self.doc_id, **({"corpus": self.corpus} if self.corpus else {}),
                "text_sha256": self.text_sha256}
        return {**head,
                "entities": [clean(e) for e in self.entities], "dates": [clean(d) for d in self.dates],
                "numbers": [clean(n) for n in self.numbers], "relations": [asdict(r) for r in self.relations]}

    @classmethod
    def from_dict(cls, data: dict) -> "Annotation":
        return cls(
            doc_id=data.get("doc_id", ""), text_sha256=data.get("text_sha256", ""), corpus=data.get("corpus"),
            entities=[Entity(e["id"], e["start"], e["end"], e["label"], e["text"], e.get("canonical"))
                      for e in data.get("entities", [])],
            dates=[Date(d["id"], d["start"], d["end"], d["text"], d["type"], d.get("value"), d.get("mod"))
                   for d in data.get("dates", [])],
            numbers=[Number(n["id"], n["start"], n["end"], n["text"], n["label"], n.get("value"), n.get("unit"),
                            bool(n.get("approx", False))) for n in data.get("numbers", [])],
            relations=[Relation(r["id"], r["type"], dict(r.get("args", {}))) for r in data.get("relations", [])])


def read_corpus_text(path: str | Path) -> str:
    """The text as the format decodes it: UTF-8, BOM removed, no newline translation."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return f.read()


def sha256_of(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- validation ---------------------------------------------------------------------------------

# A corpus document's text is fixed by its SHA-256, so a span of it this long or longer gives its
# offsets only, and the loader takes its text from the corpus: a gold file in the repository never
# holds long runs of third-party text (benchmarks/real/GUIDE.md).
LONG_SPAN = 20


def span_text_needed(data: dict, item: dict) -> bool:
    """Whether ``item`` must carry its ``text``: always, but for a long span of a corpus document."""
    return not (data.get("corpus") and isinstance(item.get("start"), int) and isinstance(item.get("end"), int)
                and item["end"] - item["start"] >= LONG_SPAN)

def validate(data: dict, text: str, where: str, text_sha256: str | None = None) -> list[str]:
    """Every problem of one annotation (as parsed JSON) against its text; [] when it is valid."""
    problems: list[str] = []

    def say(item_id, message):
        problems.append(f"{where}: {item_id}: {message}")

    if not isinstance(data, dict):
        return [f"{where}: the file must hold one JSON object with doc_id, entities, dates, numbers, relations"]
    for layer in ("entities", "dates", "numbers", "relations"):
        if not isinstance(data.get(layer, []), list) or not all(isinstance(i, dict) for i in data.get(layer, [])):
            return [f"{where}: {layer} must be a list of objects"]

    if text_sha256 is not None and data.get("text_sha256") and data["text_sha256"] != text_sha256:
        say("text_sha256", "does not match the corpus file: the text changed after annotation "
                           "(re-annotate the changed part, then update text_sha256)")
    ids: dict[str, str] = {}
    layers = (("entities", ("id", "start", "end", "label", "text")), ("dates", ("id", "start", "end", "text", "type")),
              ("numbers", ("id", "start", "end", "text", "label")))
    for layer, required in layers:
        for index, item in enumerate(data.get(layer, [])):
            item_id = item.get("id", f"{layer}[{index}]")
            missing = [k for k in required if k not in item and (k != "text" or span_text_needed(data, item))]
            if missing:
                say(item_id, f"missing {', '.join(missing)} (a {layer[:-1]} needs {', '.join(required)})")
                continue
            if item_id in ids:
                say(item_id, f"id used twice (in {ids[item_id]} and {layer}); ids must be unique in a document")
            ids[item_id] = layer
            problems += _span_problems(item, text, f"{where}: {item_id}")
            if layer == "entities" and item["label"] not in ENTITY_LABELS:
                say(item_id, f"unknown label {item['label']!r}; expected one of {', '.join(ENTITY_LABELS)}")
            if layer == "dates":
                if item["type"] not in DATE_TYPES:
                    say(item_id, f"unknown type {item['type']!r}; expected one of {', '.join(DATE_TYPES)}")
                if item.get("mod") not in (None, *DATE_MODS):
                    say(item_id, f"unknown mod {item['mod']!r}; expected one of {', '.join(DATE_MODS)}")
            if layer == "numbers":
                if item["label"] not in NUMBER_LABELS:
                    say(item_id, f"unknown label {item['label']!r}; expected one of {', '.join(NUMBER_LABELS)}")
                if item.get("value") is not None and not isinstance(item["value"], (int, float)):
                    say(item_id, f"value {item['value']!r} is not a JSON number")
    for index, relation in enumerate(data.get("relations", [])):
        problems += _relation_problems(relation, index, ids, f"{where}")
    return problems


def _span_problems(item: dict, text: str, where: str) -> list[str]:
    start, end = item["start"], item["end"]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return [f"{where}: offsets {start}–{end} are not a span of the {len(text)}-character document"]
    if "text" in item and text[start:end] != item["text"]:
        found = text.find(item["text"])
        hint = f"; {item['text']!r} occurs at {found}–{found + len(item['text'])}" if found >= 0 else ""
        return [f"{where}: text {item['text']!r} but the document has {text[start:end]!r} at {start}–{end}{hint}"]
    return []


def _relation_problems(relation: dict, index: int, ids: dict, where: str) -> list[str]:
    rel_id = relation.get("id", f"relations[{index}]")
    rtype = relation.get("type")
    if rtype not in RELATION_ROLES:
        return [f"{where}: {rel_id}: unknown relation type {rtype!r}; expected one of {', '.join(RELATION_ROLES)}"]
    problems = []
    for role, value in relation.get("args", {}).items():
        kind = RELATION_ROLES[rtype].get(role)
        if kind is None:
            problems.append(f"{where}: {rel_id}: role {role!r} is not a role of {rtype} "
                            f"({', '.join(RELATION_ROLES[rtype])})")
            continue
        if kind == "string":
            if not isinstance(value, str):
                problems.append(f"{where}: {rel_id}: {role} must be a plain string")
            continue
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            problems.append(f"{where}: {rel_id}: {role} must be an id or a list of ids")
            continue
        if isinstance(value, list) and not kind.endswith("+"):
            problems.append(f"{where}: {rel_id}: {role} takes one id, not a list")
        expected_layer = "dates" if kind == "date" else "entities"
        for arg in values:
            if arg not in ids:
                problems.append(f"{where}: {rel_id}: {role} points to {arg!r}, which is no id in this document")
            elif ids[arg] != expected_layer:
                problems.append(f"{where}: {rel_id}: {role} points to {arg} in {ids[arg]}; expected an id in {expected_layer}")
    return problems


def load_annotation(path: str | Path, text: str | None = None, corpus_path: str | Path | None = None,
                    texts: Texts | None = None) -> Annotation:
    """Load and validate one gold file; raises :class:`GoldError` listing every problem.

    The text comes from ``text``, a ``.txt`` file (``corpus_path``), or a :class:`Texts` source
    (a folder of texts or of JSONL corpora: the document is looked up by ``doc_id`` in the corpus
    the annotation names, and its SHA-256 must be the one the annotation records)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise GoldError([f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})"]) from None
    except OSError as exc:
        raise GoldError([f"{path}: cannot be read ({exc.strerror})"]) from None
    doc_id = (data.get("doc_id") if isinstance(data, dict) else None) or path.stem
    corpus = data.get("corpus") if isinstance(data, dict) else None
    sha = None
    if text is None:
        if texts is None:
            texts = Texts(Path(corpus_path).parent if corpus_path else path.parent.parent / "corpus")
            if corpus_path and Path(corpus_path).stem != doc_id:
                doc_id = Path(corpus_path).stem
        found = texts.get(doc_id, corpus)
        if found is None:
            raise GoldError([f"{path}: no text for document {doc_id!r} at {texts.where(doc_id, corpus)}; "
                             "put the document's .txt in the corpus folder, or pass the folder of JSONL "
                             "corpora that holds it (--corpus)"])
        text, sha = found
        if corpus and not data.get("text_sha256"):
            raise GoldError([f"{path}: text_sha256 is missing; an annotation of a corpus document "
                             "must record the SHA-256 of the text it was made on"])
    problems = validate(data, text, str(path), sha)
    if problems:
        raise GoldError(problems)
    for layer in ("entities", "dates", "numbers"):
        for item in data.get(layer, []):
            item.setdefault("text", text[item["start"]:item["end"]])
    return Annotation.from_dict(data)


def validate_folder(gold_dir: str | Path, corpus_dir: str | Path = "corpus") -> list[str]:
    """Problems of every annotation file in a folder (all of them, not the first)."""
    try:
        load_folder(gold_dir, corpus_dir)
    except GoldError as exc:
        return exc.problems
    return []


def load_folder(gold_dir: str | Path, corpus_dir: str | Path = "corpus") -> dict[str, tuple[Annotation, str]]:
    """doc_id -> (annotation, text) for a whole gold set; raises GoldError with every problem."""
    out, problems = {}, []
    files = sorted(Path(gold_dir).glob("*.json"))
    if not files:
        raise GoldError([f"{gold_dir}: no <doc_id>.json annotation files (is this the gold folder?)"])
    texts = Texts(corpus_dir)
    for path in files:
        try:
            annotation = load_annotation(path, texts=texts)
        except GoldError as exc:
            problems += exc.problems
            continue
        doc_id = annotation.doc_id or path.stem
        out[doc_id] = (annotation, texts.get(doc_id, annotation.corpus)[0])
    if problems:
        raise GoldError(problems)
    return out


def write_annotation(annotation: Annotation, path: str | Path) -> None:
    """Write atomically, in the format's key order, UTF-8, one item per line block."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(annotation.to_dict(), ensure_ascii=False, indent=1) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(payload)
    os.replace(tmp, path)


# --- predictions in the same format -------------------------------------------------------------

def from_doc(doc, document) -> Annotation:
    """The pipeline's predictions for one document, as an :class:`Annotation` (asserted relations only)."""
    entities = doc._.entities or []
    dates = doc._.dates or []
    annotation = Annotation(document.doc_id, document.sha256)
    annotation.entities = [Entity(f"T{i}", m.start, m.end, m.label, m.text, m.canonical)
                           for i, m in enumerate(entities, 1)]
    annotation.dates = [Date(f"D{i}", m.start, m.end, m.text, m.type, m.value, m.mod) for i, m in enumerate(dates, 1)]
    annotation.numbers = [Number(f"N{i}", m.start, m.end, m.text, m.label, m.value, m.unit, bool(m.approx))
                          for i, m in enumerate(doc._.numbers or [], 1)]
    for i, relation in enumerate(r for r in (doc._.relations or []) if r.modality == "asserted"):
        args: dict = {}
        # A role is a list where the format says so, or where a (user-defined) type fills it twice.
        repeated = {a.role for a in relation.args if sum(b.role == a.role for b in relation.args) > 1}
        for arg in relation.args:
            value = (f"T{arg.index + 1}" if arg.kind == "entity" else
                     f"D{arg.index + 1}" if arg.kind == "date" else arg.value)
            if arg.role in LIST_ROLES or arg.role in repeated:
                args.setdefault(arg.role, []).append(value)
            else:
                args[arg.role] = value
        annotation.relations.append(Relation(f"R{i + 1}", relation.type, args))
    return annotation


# --- brat standoff ------------------------------------------------------------------------------
# Every span becomes a T line typed by its label (entity labels, date types and number labels do
# not collide); our id and the values brat has no field for go into an AnnotatorNotes line as
# JSON. A relation becomes an E line whose trigger is a T line of the relation's type spanning its
# arguments; repeated roles are numbered (agent, agent2, …) as brat does; status is an A line.

def to_brat(annotation: Annotation, text: str) -> str:
    lines, t_of = [], {}
    notes = 0

    def note(target: str, payload: dict) -> None:
        nonlocal notes
        notes += 1
        lines.append(f"#{notes}\tAnnotatorNotes {target}\t{json.dumps(payload, ensure_ascii=False)}")

    spans = [("entity", e) for e in annotation.entities] + [("date", d) for d in annotation.dates] + \
            [("number", n) for n in annotation.numbers]
    for k, (layer, span) in enumerate(spans, 1):
        label = span.label if layer != "date" else span.type
        lines.append(f"T{k}\t{label} {span.start} {span.end}\t{span.text}")
        t_of[span.id] = f"T{k}"
        extra = {"id": span.id, "layer": layer}
        if layer == "entity" and span.canonical is not None:
            extra["canonical"] = span.canonical
        if layer == "date":
            extra.update(value=span.value, mod=span.mod)
        if layer == "number":
            extra.update(value=span.value, unit=span.unit, approx=span.approx)
        note(f"T{k}", extra)
    by_id = annotation.spans_by_id()
    next_t = len(spans)
    for e, relation in enumerate(annotation.relations, 1):
        arg_ids = [a for v in relation.args.values() for a in (v if isinstance(v, list) else [v]) if a in by_id]
        starts = [by_id[a].start for a in arg_ids] or [0]
        ends = [by_id[a].end for a in arg_ids] or [1]
        next_t += 1
        lo, hi = min(starts), max(ends)
        lines.append(f"T{next_t}\t{relation.type} {lo} {hi}\t{text[lo:hi]}".replace("\n", " "))
        parts = [f"{relation.type}:T{next_t}"]
        status = None
        for role, value in relation.args.items():
            if RELATION_ROLES[relation.type].get(role) == "string":
                status = value
                continue
            for n, arg in enumerate(value if isinstance(value, list) else [value], 1):
                parts.append(f"{role}{'' if n == 1 else n}:{t_of[arg]}")
        lines.append(f"E{e}\t{' '.join(parts)}")
        note(f"E{e}", {"id": relation.id, "list_roles": [r for r, v in relation.args.items() if isinstance(v, list)]})
        if status is not None:
            lines.append(f"A{e}\tStatus E{e} {status}")
    return "\n".join(lines) + "\n"


def from_brat(ann: str, text: str, doc_id: str, text_sha256: str = "") -> Annotation:
    """Parse brat standoff (as written by :func:`to_brat`, or by brat/INCEpTION for plain spans)."""
    spans, notes, events, statuses = {}, {}, {}, {}
    for line in ann.splitlines():
        if not line.strip():
            continue
        key, _, rest = line.partition("\t")
        if key.startswith("T"):
            head, _, surface = rest.partition("\t")
            label, *offsets = head.split()
            # Discontinuous spans (a b;c d) keep their outer extent.
            numbers = [int(x) for part in " ".join(offsets).split(";") for x in part.split()]
            spans[key] = (label, min(numbers), max(numbers), surface)
        elif key.startswith("#"):
            head, _, payload = rest.partition("\t")
            try:
                notes[head.split()[1]] = json.loads(payload)
            except (json.JSONDecodeError, IndexError):
                pass
        elif key.startswith("E"):
            events[key] = rest.split()
        elif key.startswith("A"):
            _, target, *value = rest.split()
            statuses[target] = " ".join(value)
    annotation = Annotation(doc_id, text_sha256)
    id_of = {}
    counters = {"entity": 0, "date": 0, "number": 0}
    trigger_ids = {parts[0].split(":")[1] for parts in events.values()}
    for key, (label, start, end, surface) in spans.items():
        if key in trigger_ids:
            continue
        note = notes.get(key, {})
        layer = note.get("layer") or ("date" if label in DATE_TYPES else "number" if label in NUMBER_LABELS else "entity")
        counters[layer] += 1
        span_id = note.get("id") or f"{'TDN'['entity date number'.split().index(layer)]}{counters[layer]}"
        id_of[key] = span_id
        surface = text[start:end]
        if layer == "entity":
            annotation.entities.append(Entity(span_id, start, end, label, surface, note.get("canonical")))
        elif layer == "date":
            annotation.dates.append(Date(span_id, start, end, surface, label, note.get("value"), note.get("mod")))
        else:
            annotation.numbers.append(Number(span_id, start, end, surface, label, note.get("value"), note.get("unit"),
                                             bool(note.get("approx", False))))
    for e, (key, parts) in enumerate(events.items(), 1):
        rtype = parts[0].split(":")[0]
        note = notes.get(key, {})
        list_roles = set(note.get("list_roles", [])) | (LIST_ROLES & set(RELATION_ROLES.get(rtype, {})))
        args: dict = {}
        for part in parts[1:]:
            role, _, target = part.partition(":")
            role = role.rstrip("0123456789")
            if target not in id_of:
                raise GoldError([f"{doc_id}.ann: {key} points to {target}, which is no text-bound (T) annotation"])
            if role in list_roles:
                args.setdefault(role, []).append(id_of[target])
            else:
                args[role] = id_of[target]
        if key in statuses:
            args["status"] = statuses[key]
        annotation.relations.append(Relation(note.get("id", f"R{e}"), rtype, args))
    return annotation


def export_brat_folder(gold_dir, out_dir, corpus_dir="corpus") -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for doc_id, (annotation, text) in load_folder(gold_dir, corpus_dir).items():
        source = Path(corpus_dir) / f"{doc_id}.txt"
        (out / f"{doc_id}.txt").write_bytes(source.read_bytes() if source.is_file() else text.encode("utf-8"))
        (out / f"{doc_id}.ann").write_text(to_brat(annotation, text), encoding="utf-8")
        count += 1
    return count


def import_brat_folder(brat_dir, out_dir) -> int:
    count = 0
    files = sorted(Path(brat_dir).glob("*.ann"))
    if not files:
        raise GoldError([f"{brat_dir}: no .ann files (brat standoff: <doc_id>.txt + <doc_id>.ann)"])
    for ann_path in files:
        txt_path = ann_path.with_suffix(".txt")
        text = read_corpus_text(txt_path)
        annotation = from_brat(ann_path.read_text(encoding="utf-8"), text, ann_path.stem, sha256_of(txt_path))
        write_annotation(annotation, Path(out_dir) / f"{ann_path.stem}.json")
        count += 1
    return count


# --- counts ---------------------------------------------------------------------------------------

def counts_markdown(gold_dir: str | Path, corpus_dir: str | Path = "corpus") -> str:
    """Per-document and total counts per entity label, date type, number label and relation type,
    as the Markdown table annotations/README.md carries."""
    from collections import Counter

    gold_set = load_folder(gold_dir, corpus_dir)
    rows, total = [], Counter()
    columns = [*(f"ent:{label}" for label in ENTITY_LABELS), *(f"date:{t}" for t in DATE_TYPES),
               *(f"num:{label}" for label in NUMBER_LABELS), *(f"rel:{t}" for t in RELATION_ROLES)]
    for doc_id, (annotation, text) in gold_set.items():
        c = Counter({f"ent:{e.label}": 0 for e in annotation.entities})
        c.update(f"ent:{e.label}" for e in annotation.entities)
        c.update(f"date:{d.type}" for d in annotation.dates)
        c.update(f"num:{n.label}" for n in annotation.numbers)
        c.update(f"rel:{r.type}" for r in annotation.relations)
        c["chars"] = len(text)
        total.update(c)
        rows.append((doc_id, c))
    used = [col for col in columns if total[col]]
    header = "| document | chars | " + " | ".join(col.split(":")[1] for col in used) + " |"
    kinds = "| | | " + " | ".join(col.split(":")[0] for col in used) + " |"
    lines = [header, "|" + "---|" * (len(used) + 2), kinds]
    for doc_id, c in rows + [("**total**", total)]:
        lines.append(f"| {doc_id} | {c['chars']} | " + " | ".join(str(c[col]) for col in used) + " |")
    return "\n".join(lines)
