"""`reader export`: write the store as JSONL (native, prodigy, doccano), Label Studio JSON, brat or CoNLL.

The store is opened read-only, so exporting works while the app is open.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from pathlib import Path

from annotations.errors import UserError
from annotations.formats import DIRECTORY_FORMATS, EXPORT_FORMATS, ExportOptions, export
from annotations.model import ANSWERS
from annotations.paths import default_store_path
from annotations.store import Store
from reader.commands.importing import progress_bar


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", default=None, help=f"the store (default: {default_store_path()})")
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="native")
    parser.add_argument("--out", default="-", help="output file, - for stdout (brat: a directory)")
    parser.add_argument("--annotator", default=None, help="only this annotator's records")
    parser.add_argument(
        "--answers",
        default=None,
        help=f"only records with these answers, comma-separated ({','.join(ANSWERS)},none); "
        "documents without a record are then left out",
    )
    parser.add_argument(
        "--include-pending",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="include pending suggestions (default: yes for native, no otherwise)",
    )
    parser.add_argument(
        "--skip-stale", action="store_true", help="leave out records made on an older text instead of failing"
    )
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar on stderr"
    )


def run(args: argparse.Namespace) -> int:
    answers = None
    if args.answers:
        answers = frozenset(a.strip() for a in args.answers.split(",") if a.strip())
        bad = answers - set(ANSWERS) - {"none"}
        if bad:
            raise UserError(f"unknown answer(s) {', '.join(sorted(bad))} (known: {', '.join(ANSWERS)}, none)")
    include_pending = args.format == "native" if args.include_pending is None else args.include_pending
    options = ExportOptions(args.annotator, answers, include_pending, args.skip_stale)
    warnings = [0]

    def warn(message: str) -> None:
        warnings[0] += 1
        print(f"reader: warning: {message}", file=sys.stderr)

    show = sys.stderr.isatty() if args.progress is None else args.progress
    with Store.open(args.store or default_store_path(), readonly=True) as store:
        last = [0]
        with progress_bar(show, len(store), "exporting") as advance:

            def on_progress(n: int) -> None:
                advance(n - last[0])
                last[0] = n

            if args.format in DIRECTORY_FORMATS:
                if args.out == "-":
                    raise UserError(f"{args.format} export writes a directory: give --out DIR")
                count = export(store, args.format, Path(args.out), options, warn, on_progress)
            elif args.out == "-":
                out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)
                try:
                    count = export(store, args.format, out, options, warn, on_progress)
                finally:
                    with contextlib.suppress(BrokenPipeError, ValueError):
                        out.flush()
                    out.detach()
            else:
                # write beside the target and rename, so a failed export leaves no half file
                target = Path(args.out)
                tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
                try:
                    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                        count = export(store, args.format, f, options, warn, on_progress)
                    os.replace(tmp, target)
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp)
                    raise
    print(
        f"reader: exported {count} records as {args.format}" + (f" ({warnings[0]} warnings)" if warnings[0] else ""),
        file=sys.stderr,
    )
    return 0
