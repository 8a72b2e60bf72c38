"""Command line: parse arguments, call one library function, format what it returns.

No extraction logic lives here. Library errors become one-line messages and exit codes:
0 all well, 1 some inputs failed or a score fell below ``--fail-under``, 2 a usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .textio import DEFAULT_MAX_CHARS


class CliError(Exception):
    """A user mistake: printed as one line, exit status 2."""


def _ner_choice(value: str) -> str:
    from .stages.ner_backends import BACKENDS

    if value in BACKENDS or any(value.startswith(p) and len(value) > len(p) for p in ("hanlp:", "ours:")):
        return value
    raise argparse.ArgumentTypeError(f"{value!r}: choose one of {', '.join(BACKENDS)}, ours:FILE, hanlp:NAME or hanlp:FOLDER")


def _dep_choice(value: str) -> str:
    if value.startswith("hanlp:") and len(value) > len("hanlp:"):
        return value
    raise argparse.ArgumentTypeError(f"{value!r}: give hanlp:NAME or hanlp:FOLDER")


def _pipeline_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gazetteer", action="append", default=[], metavar="FILE",
                        help="extra names (CSV/TSV/JSONL: name,label,canonical,kb_id,aliases); repeatable")
    parser.add_argument("--patterns", action="append", default=[], metavar="FILE",
                        help="extra relation pattern file (YAML); repeatable")
    parser.add_argument("--ner", type=_ner_choice, default="lac", metavar="MODEL",
                        help="the entity model: lac (default), ours (our shipped BiLSTM-CRF), ours:FILE (one you trained), "
                             "ours+lac, lac+ours, none (gazetteers and rules only), or hanlp:NAME|FOLDER (a HanLP model on "
                             "disk; needs the hanlp extra)")
    parser.add_argument("--no-model", action="store_true", help="the same as --ner none")
    parser.add_argument("--dep", type=_dep_choice, metavar="hanlp:MODEL",
                        help="a HanLP dependency parser on disk (a name or folder): relation patterns with `dep` "
                             "conditions use its parse (a HanLP multi-task --ner model with a dep task parses by itself)")


def _load_options(args) -> dict:
    return {"gazetteers": list(args.gazetteer), "patterns": list(args.patterns),
            "ner": "none" if args.no_model else args.ner, "dep": args.dep}


def _load(args, stages=None):
    from . import load

    return load(stages=stages, **_load_options(args))


def _console():
    from rich.console import Console

    return Console(stderr=True)


def _inputs(paths: list[str]) -> list:
    """Every argument is a path (``-`` is standard input, ``s3://…`` a URL): a mistyped name is
    an error, not text."""
    from .remote import is_url

    return [p if p == "-" or is_url(p) else Path(p) for p in paths]


def _output_folder(path: str):
    from .remote import is_url

    if is_url(path):
        return path
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise CliError(f"-o {path}: is a file, not a folder; pass a folder for the tables")
    return out


def cmd_run(args) -> int:
    from .runner import EngineError, run_to_folder

    console = _console()
    _output_folder(args.output)
    if args.scheduler and args.engine != "dask":
        raise CliError("--scheduler is for --engine dask")
    options = _load_options(args)
    inputs = _inputs(args.paths)
    if args.jobs is None:
        from .runner import default_jobs

        args.jobs = default_jobs(inputs)
    nlp = _load(args) if args.jobs == 1 and args.engine == "local" else None
    bar = _ProgressBar(console, inputs) if _wants_progress(args, console, inputs) else None
    try:
        result = run_to_folder(inputs, args.output, nlp=nlp, formats=args.format, encoding=args.encoding,
                               doc_date=args.doc_date, max_chars=args.max_chars, columns=_columns(args),
                               stdin_format=args.stdin_format, jobs=args.jobs, load_options=options,
                               force=args.force, engine=args.engine, scheduler=args.scheduler,
                               progress=bar.update if bar else None)
    except EngineError as exc:  # an engine that is not installed, or workers that cannot start
        raise CliError(str(exc)) from None
    finally:
        if bar:
            bar.stop()
    for error in result.errors:  # plain print: one line each, never wrapped
        print(f"error: {error}", file=sys.stderr)
    summary = result.summary()
    _print_summary(console, summary, args.output)
    if result.errors and not summary["documents"]:
        print(f"{len(result.errors)} input(s) failed and none could be used: nothing was written, "
              f"{args.output} is as it was", file=sys.stderr)
    elif result.errors:
        print(f"{len(result.errors)} input(s) failed; they are listed in {Path(args.output) / 'errors.csv'}"
              if "csv" in args.format else f"{len(result.errors)} input(s) failed; see the errors table",
              file=sys.stderr)
    if not summary["documents"] and not result.errors:
        console.print("no .txt files found in " + ", ".join(args.paths))
        return 1
    return 1 if result.errors else 0


def _wants_progress(args, console, inputs) -> bool:
    if args.progress is not None:
        return args.progress
    return console.is_terminal and (len(inputs) > 5 or any(isinstance(p, str) or p.is_dir() or p.suffix != ".txt"
                                                           for p in inputs if p != "-"))


class _ProgressBar:
    """Documents done (of how many, when that is cheap to tell), characters a second, time left."""

    def __init__(self, console, inputs):
        import time

        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from .runner import count_documents

        self.clock, self.started = time.perf_counter, time.perf_counter()
        self.progress = Progress(TextColumn("documents"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("left"),
                                 TimeRemainingColumn(), console=console, transient=True)
        self.task = self.progress.add_task("documents", total=count_documents(inputs), rate="")
        self.progress.start()

    def update(self, count: int, doc_id: str, characters: int) -> None:
        seconds = self.clock() - self.started
        rate = f"{characters / seconds:,.0f} chars/s" if seconds > 0 and characters else ""
        self.progress.update(self.task, completed=count, rate=rate)

    def stop(self) -> None:
        self.progress.stop()


def _columns(args):
    from .sources import Columns

    return Columns(args.text_column, args.id_column, args.date_column)


def _print_summary(console, summary: dict, output) -> None:
    from rich.table import Table

    table = Table(title=f"zhpipe run → {output}", show_header=False)
    for key in ("documents", "reused", "failed", "characters", "sentences", "dates", "numbers", "relations",
                "seconds", "chars_per_second"):
        table.add_row(key, str(summary[key]))
    table.add_row("entities", ", ".join(f"{k} {v}" for k, v in summary["entities"].items()) or "0")
    console.print(table)


def cmd_eval(args) -> int:
    from . import evaluate

    floors = evaluate.parse_fail_under(args.fail_under) if args.fail_under else {}
    nlp = None if args.pred else _load(args)
    doc_ids = [d.strip() for d in args.docs.split(",") if d.strip()] if args.docs else None
    report = evaluate.evaluate_folder(args.gold, corpus_dir=args.corpus, pred_dir=args.pred, nlp=nlp, doc_ids=doc_ids)
    out = Path(args.output)
    evaluate.write_report(report, out)
    _console().print(evaluate.render(report))
    print(f"metrics: {out / 'metrics.csv'}, {out / 'metrics.json'}; errors: {out / 'errors.csv'}", file=sys.stderr)
    failures = evaluate.check_floor(report, floors)
    for failure in failures:
        print(f"below floor: {failure}", file=sys.stderr)
    return 1 if failures else 0


def cmd_eval_ner(args) -> int:
    from . import evaluate

    # Sentence-level NER needs only the stages up to entities.
    nlp = _load(args, stages=["sentences", "entities"])
    result = evaluate.evaluate_ner_jsonl(args.file, nlp, label_map=args.label_map, limit=args.limit)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


def cmd_validate(args) -> int:
    from . import gold

    problems = gold.validate_folder(args.gold, corpus_dir=args.corpus)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def cmd_annotate(args) -> int:
    from .runner import annotate_to_folder

    _output_folder(args.output)
    count, errors = annotate_to_folder(_inputs(args.paths), _load(args), args.output, args.encoding, args.doc_date)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    print(f"wrote {count} annotation file(s) to {args.output}", file=sys.stderr)
    return 1 if errors else 0


def cmd_brat(args) -> int:
    from . import gold

    if args.direction == "export":
        n = gold.export_brat_folder(args.source, args.target, corpus_dir=args.corpus)
    else:
        n = gold.import_brat_folder(args.source, args.target)
    print(f"{args.direction}ed {n} document(s) to {args.target}", file=sys.stderr)
    return 0


def cmd_show(args) -> int:
    from . import query

    frame = query.show(args.table, args.from_dir, doc=args.doc, label=args.label, type_=args.type, limit=args.limit)
    query.print_frame(frame, title=args.table)
    return 0


def cmd_query(args) -> int:
    from . import query

    frame = query.run_sql(args.sql, args.from_dir)
    query.emit(frame, args.format)
    return 0


def cmd_report(args) -> int:
    from . import report

    gold_dir = args.gold if args.gold else ("annotations" if Path("annotations").is_dir() else None)
    index = report.write_report(args.from_dir, args.output, gold_dir=gold_dir)
    print(f"report: {index}", file=sys.stderr)
    return 0


def _iso_date(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date as YYYY-MM-DD (e.g. 2024-03-15)") from None


def _positive_int(value: str) -> int:
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhpipe", description="Chinese information extraction into tidy tables.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the pipeline over files or folders and write the tables")
    run.add_argument("paths", nargs="+", help="files, folders (every input file below), URLs (s3://…, through "
                                              "fsspec), or - for stdin")
    run.add_argument("-o", "--output", default="outputs",
                     help="folder for the tables (default: outputs), or a URL such as s3://bucket/tables")
    run.add_argument("--format", action="append", choices=["parquet", "csv"], help="table format(s); default both")
    run.add_argument("--encoding", help="input encoding for every file (default: detected per file: UTF-8/16/32, "
                                         "GB18030, Big5)")
    run.add_argument("--max-chars", type=_positive_int, default=DEFAULT_MAX_CHARS,
                     help=f"refuse files longer than this many characters (default {DEFAULT_MAX_CHARS:,})")
    run.add_argument("--doc-date", type=_iso_date, help="the documents' date (YYYY-MM-DD) for 今年, 昨天 and the like")
    run.add_argument("--text-column", default="text", help="record files (JSONL, CSV, TSV, Parquet): the text (default text)")
    run.add_argument("--id-column", default="id", help="record files: the document id kept in every table (default id)")
    run.add_argument("--date-column", help="record files: a per-document date (YYYY-MM-DD) for 今年, 昨天")
    run.add_argument("-j", "--jobs", type=_positive_int, default=None,
                     help="worker processes, each with its own pipeline and one model thread (default: one per "
                          "core for inputs of a megabyte a core or more, else 1: a worker takes seconds to start)")
    run.add_argument("--force", action="store_true",
                     help="process every document again (by default a document the output folder already has, "
                          "unchanged and with the same settings, is reused, and a killed run resumes)")
    run.add_argument("--engine", choices=["local", "dask"], default="local",
                     help="local processes (default; -j) or a Dask cluster (needs the dask extra)")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="--engine dask: the scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster of -j workers)")
    run.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                     help="a progress bar with documents, characters/s and the time left (default: on a terminal, "
                          "for more than a few inputs)")
    run.add_argument("--stdin-format", choices=["text", "jsonl"], default="text",
                     help="standard input (-) as one text (default) or as JSONL records")
    _pipeline_options(run)
    run.set_defaults(func=cmd_run)

    ev = sub.add_parser("eval", help="score predictions against gold annotations")
    ev.add_argument("--gold", default="annotations", help="folder of <doc_id>.json gold files")
    ev.add_argument("--corpus", default="corpus", help="folder of <doc_id>.txt texts")
    ev.add_argument("--pred", help="folder of predicted <doc_id>.json (default: run the pipeline)")
    ev.add_argument("-o", "--output", default="outputs/eval", help="where metrics.csv/json and errors.csv go")
    ev.add_argument("--docs", help="only these documents (comma-separated doc ids), e.g. a held-out pair")
    ev.add_argument("--fail-under", help="floors such as entities=0.8,dates=0.7 (strict micro F1)")
    _pipeline_options(ev)
    ev.set_defaults(func=cmd_eval)

    ner = sub.add_parser("eval-ner", help="score entities on sentence-level JSONL (e.g. MSRA)")
    ner.add_argument("file")
    ner.add_argument("--label-map", default="msra", help="how our labels map onto the file's: msra or cluener (data/ner/eval_label_maps.yaml)")
    ner.add_argument("--limit", type=int, help="only the first N sentences")
    _pipeline_options(ner)
    ner.set_defaults(func=cmd_eval_ner)

    val = sub.add_parser("validate", help="check gold annotation files against their texts")
    val.add_argument("gold", nargs="?", default="annotations")
    val.add_argument("--corpus", default="corpus")
    val.set_defaults(func=cmd_validate)

    ann = sub.add_parser("annotate", help="write the pipeline's predictions in the gold format")
    ann.add_argument("paths", nargs="+")
    ann.add_argument("-o", "--output", required=True)
    ann.add_argument("--encoding", help="input encoding (default: detected per file)")
    ann.add_argument("--doc-date", type=_iso_date)
    _pipeline_options(ann)
    ann.set_defaults(func=cmd_annotate)

    brat = sub.add_parser("brat", help="convert between our annotation format and brat standoff")
    brat.add_argument("direction", choices=["export", "import"])
    brat.add_argument("source", help="export: folder of .json; import: folder of .txt + .ann")
    brat.add_argument("target")
    brat.add_argument("--corpus", default="corpus", help="export: folder of the texts")
    brat.set_defaults(func=cmd_brat)

    for name, func, text in (("show", cmd_show, "print a table of a run"),):
        show = sub.add_parser(name, help=text)
        show.add_argument("table")
        show.add_argument("--from", dest="from_dir", default="outputs")
        show.add_argument("--doc")
        show.add_argument("--label")
        show.add_argument("--type")
        show.add_argument("--limit", type=int, default=50)
        show.set_defaults(func=func)

    q = sub.add_parser("query", help="run SQL over the tables of a run (DuckDB)")
    q.add_argument("sql")
    q.add_argument("--from", dest="from_dir", default="outputs")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.set_defaults(func=cmd_query)

    rep = sub.add_parser("report", help="write a static HTML report of a run")
    rep.add_argument("--from", dest="from_dir", default="outputs")
    rep.add_argument("-o", "--output", default="outputs/report")
    rep.add_argument("--gold", help="gold folder to compare with (default: annotations/ if present)")
    rep.set_defaults(func=cmd_report)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "format", None) is None and args.command == "run":
        args.format = ["parquet", "csv"]
    from .gazetteer import GazetteerError
    from .output import OutputError
    from .textio import InputError

    try:
        return args.func(args)
    except (CliError, InputError, GazetteerError, OutputError, ValueError, OSError) as exc:
        # OSError: a folder where a file was expected, a full disk, no permission — the user's to fix.
        message = f"{exc.filename}: {exc.strerror}" if isinstance(exc, OSError) and exc.filename else exc
        print(f"zhpipe {args.command}: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the output folder still holds the previous run's tables, whole; run the same "
              "command again to resume (documents already done are reused)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
