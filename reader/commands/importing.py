"""`reader import PATH...`: add .txt files, directories and JSONL to the store, all or nothing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from annotations.errors import UserError
from annotations.importing import FORMATS, import_paths, input_files, total_bytes
from annotations.labels import LabelSchema
from annotations.paths import default_annotator, default_store_path
from annotations.store import Store


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".txt files, .jsonl files or directories")
    parser.add_argument("--store", default=None, help=f"the store (default: {default_store_path()})")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        help="how to read JSONL lines (auto: detect per line); text: every file is one document",
    )
    parser.add_argument("--skip-invalid", action="store_true", help="report bad lines on stderr and import the rest")
    parser.add_argument("--annotator", default=None, help="who imported spans belong to (default: your login name)")
    parser.add_argument("--labels", default=None, metavar="FILE", help="label schema (TOML) to check labels")
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar on stderr"
    )


@contextmanager
def progress_bar(enabled: bool, total: int, description: str) -> Iterator[Callable[[int], None]]:
    """An ``advance(n)`` callback drawing a rich progress bar on stderr (or doing nothing)."""
    if not enabled:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    columns = [TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn()]
    if description == "importing":
        columns.insert(2, DownloadColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)
        pending = [0]

        def advance(n: int) -> None:
            pending[0] += n
            if pending[0] >= 1 << 20 or description != "importing":
                progress.advance(task, pending[0])
                pending[0] = 0

        yield advance
        progress.advance(task, pending[0])


def run(args: argparse.Namespace) -> int:
    schema = LabelSchema.from_toml(args.labels) if args.labels else LabelSchema.default()
    annotator = args.annotator or default_annotator()
    files = input_files(args.paths, args.format)
    skipped: list[UserError] = []

    def on_invalid(err: UserError) -> None:
        skipped.append(err)
        print(f"reader: skipped: {err.describe()}", file=sys.stderr)

    show = sys.stderr.isatty() if args.progress is None else args.progress
    with (
        Store.open(args.store or default_store_path()) as store,
        progress_bar(show, total_bytes(files), "importing") as advance,
    ):
        result = import_paths(
            store,
            files,
            fmt=args.format,
            annotator=annotator,
            schema=schema,
            skip_invalid=args.skip_invalid,
            on_invalid=on_invalid,
            on_bytes=advance,
        )
        path = store.path
    print(
        f"reader: imported {result.added} new, {len(result.updated_ids)} updated, "
        f"{result.duplicates} already present"
        + (f", {len(skipped)} invalid skipped" if skipped else "")
        + f" into {path}",
        file=sys.stderr,
    )
    for doc_id in result.updated_ids[:10]:
        print(f"reader: text changed: {doc_id} (its annotations are now stale)", file=sys.stderr)
    return 0
