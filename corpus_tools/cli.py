"""The ``corpus-tools`` command line.

``corpus-tools docs PATH [--format table|csv|json]``
    print the document table of a corpus.
``corpus-tools run [--corpus PATH] [--params FILE.yaml] [--out DIR] [--only NN] [--no-code] [--timeout S] [--force]``
    execute the numbered notebooks and render the reports (see :mod:`corpus_tools.report`).

Relative paths (``PATH``, ``--corpus``, ``--params``, ``--out``) are relative
to the working directory: they are made absolute here, once. Errors from the
corpus (bad files, bad metadata) and from the command line (a bad parameter,
an output folder the run may not use) are printed as one line naming the file
and what to do, with exit status 2, never as a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import warnings

from . import __version__
from .config import DOCS_COLUMNS, METADATA_FIELDS
from .errors import CorpusToolsError, ParameterError


def _format_warning(message, category, filename, lineno, line=None):  # noqa: ARG001
    return f"warning: {message}\n"


def _sigterm_as_interrupt(signum, frame):  # noqa: ARG001
    raise KeyboardInterrupt


def _absolute(path: str | None) -> str | None:
    """What the user typed, made absolute against the working directory (``~`` expanded)."""
    return None if path is None else os.path.abspath(os.path.expanduser(path))


def _column_options(pairs: list[str]) -> dict[str, str]:
    """``--column FIELD=COLUMN`` options as ``{field: column}``; ParameterError for a bad one."""
    fields = ("doc_id", *METADATA_FIELDS)
    columns: dict[str, str] = {}
    for kv in pairs:
        field, sep, column = kv.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise ParameterError(f"--column {kv!r}: expected FIELD=COLUMN, e.g. --column date=year.")
        if field not in fields:
            raise ParameterError(f"--column {kv!r}: {field!r} is not a field; the fields are {list(fields)}.")
        if field in columns:
            raise ParameterError(f"--column {kv!r}: {field} is mapped twice.")
        columns[field] = column
    return columns


def _cmd_docs(args: argparse.Namespace) -> int:
    from .corpus import load_corpus

    load_options = {}
    if args.columns:
        load_options["columns"] = _column_options(args.columns)
    corpus = load_corpus(args.path, **load_options)
    frame = corpus.to_frame()
    if args.format == "csv":
        from .io import csv_bytes

        # spreadsheet-safe: metadata is shared data, a cell like "=HYPERLINK(...)" must stay text
        sys.stdout.write(csv_bytes(frame[list(DOCS_COLUMNS)]).decode("utf-8"))
    elif args.format == "json":
        records = frame.to_dict(orient="records")
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    else:
        import pandas as pd

        view = frame[list(DOCS_COLUMNS)].copy()
        view["title"] = view["title"].map(lambda t: t if len(t) <= 38 else t[:37] + "…")
        view["affiliation"] = view["affiliation"].map(lambda t: t if len(t) <= 28 else t[:27] + "…")
        with pd.option_context("display.width", 200, "display.max_columns", None):
            print(view.to_string(index=False))
        print(f"\n{len(frame)} documents, {int(frame['n_words'].sum()):,} words")
        if len(corpus.skipped):
            print(f"skipped: {len(corpus.skipped)} (see Corpus.skipped)")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from .report import run_notebooks

    return run_notebooks(
        corpus=_absolute(args.corpus),
        params_file=_absolute(args.params),
        out=_absolute(args.out),
        only=args.only,
        hide_code=args.no_code,
        timeout=args.timeout,
        force=args.force,
    )


def build_parser() -> argparse.ArgumentParser:
    from .report.run import DEFAULT_TIMEOUT

    parser = argparse.ArgumentParser(prog="corpus-tools", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"corpus-tools {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    docs = sub.add_parser("docs", help="print the document table of a corpus")
    docs.add_argument("path", help="a folder of .txt files (+ metadata.csv) or a .csv/.jsonl table")
    docs.add_argument("--format", choices=("table", "csv", "json"), default="table")
    docs.add_argument(
        "--column", dest="columns", action="append", metavar="FIELD=COLUMN",
        help="which sidecar column plays a field, e.g. --column date=year (repeatable)",
    )
    docs.set_defaults(func=_cmd_docs)

    run = sub.add_parser("run", help="execute the notebooks and render the reports")
    run.add_argument("--corpus", help="corpus path (default: seeds/)")
    run.add_argument("--params", help="YAML file of notebook parameters")
    run.add_argument(
        "--out", help="output folder (default: the project itself for the seeds without parameters, "
        "else reports/runs/NAME)",
    )
    run.add_argument("--only", action="append", metavar="NN", help="run only notebook NN (repeatable)")
    run.add_argument("--no-code", action="store_true", help="hide code cells in the HTML reports")
    run.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
        help=f"stop a notebook whose cell runs longer than this (default {DEFAULT_TIMEOUT:g})",
    )
    run.add_argument(
        "--force", action="store_true",
        help="use an --out folder that holds other files (they are kept, never overwritten)",
    )
    run.set_defaults(func=_cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    warnings.formatwarning = _format_warning
    # ``kill PID`` (SIGTERM) gets the same orderly stop as Ctrl-C: the atomic
    # writes in flight clean up their temporary files on the way out.
    previous = signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    try:
        return args.func(args)
    except CorpusToolsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; outputs already written are complete, nothing is half-written.", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
