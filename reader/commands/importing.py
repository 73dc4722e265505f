"""`reader import PATH...`: add documents and their annotations to the store, all or nothing.

Reads .txt files, brat pairs, JSONL / JSON in every registered record dialect and CoNLL columns
(see annotations.importing). An import that fails leaves the store as it was -- and when the store
did not exist before, creates nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotations.errors import UserError
from annotations.formats import FORMATS as REGISTRY
from annotations.formats import OFFSET_UNITS
from annotations.importing import FORMATS_CHOICES, import_paths, input_files, total_bytes
from annotations.labels import LabelSchema
from annotations.paths import default_annotator, default_store_path
from annotations.store import Store
from annotations.userfiles import describe_os_error
from reader.text.sanitize import terminal_safe


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=".txt, .jsonl, .json, .conll, .ann, .spacy or .parquet files, or directories",
    )
    parser.add_argument("--store", default=None, help=f"the store (default: {default_store_path()})")
    parser.add_argument(
        "--format",
        choices=FORMATS_CHOICES,
        default="auto",
        help="auto: by file (JSON records: dialect detected per record); text: every file is one document; "
        + "; ".join(f"{name}: {f.summary}" for name, f in REGISTRY.items() if f.readable),
    )
    parser.add_argument("--skip-invalid", action="store_true", help="report bad records on stderr and import the rest")
    parser.add_argument("--annotator", default=None, help="who imported spans belong to (default: your login name)")
    parser.add_argument("--labels", default=None, metavar="FILE", help="label schema (TOML) to check labels")
    parser.add_argument(
        "--offsets",
        choices=OFFSET_UNITS,
        default=None,
        help="unit of the file's character offsets: codepoint (default; Python, Prodigy, spaCy, brat), "
        "utf16 (doccano's and Label Studio's browser UIs), grapheme (doccano's grapheme mode)",
    )
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar on stderr"
    )


def say(message: str) -> None:
    print(terminal_safe(f"reader: {message}"), file=sys.stderr)


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
        task = progress.add_task(terminal_safe(description), total=total)
        pending = [0]

        def advance(n: int) -> None:
            pending[0] += n
            if pending[0] >= 1 << 20 or description != "importing":
                progress.advance(task, pending[0])
                pending[0] = 0

        yield advance
        progress.advance(task, pending[0])


@contextmanager
def created_only_on_success(store_path: Path) -> Iterator[None]:
    """If the store does not exist yet, remove whatever opening and importing created when the import
    fails: a failed import into a new store path leaves nothing behind."""
    real = Path(os.path.realpath(store_path))
    parent = real.parent
    if real.exists() or not parent.is_dir():
        yield
        return
    before = set(os.listdir(parent))
    try:
        yield
    except BaseException:
        for name in set(os.listdir(parent)) - before:
            if name.startswith(real.name):
                path = parent / name
                with contextlib.suppress(OSError):
                    if path.is_dir() and not path.is_symlink():
                        shutil.rmtree(path)
                    else:
                        path.unlink()
        raise


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except OSError as exc:
        # a safety net: every expected failure is already a UserError
        raise UserError(describe_os_error(exc), path=exc.filename) from None


def _run(args: argparse.Namespace) -> int:
    schema = LabelSchema.from_toml(args.labels) if args.labels else LabelSchema.default()
    annotator = args.annotator or default_annotator()
    files = input_files(args.paths, args.format)
    skipped: list[UserError] = []

    def on_invalid(err: UserError) -> None:
        skipped.append(err)
        say(f"skipped: {err.describe()}")

    def on_note(path: str, message: str) -> None:
        say(f"note: {path}: {message}")

    show = sys.stderr.isatty() if args.progress is None else args.progress
    store_path = Path(args.store) if args.store else default_store_path()
    with (
        created_only_on_success(store_path),
        Store.open(store_path) as store,
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
            offsets=args.offsets or "codepoint",
            offsets_given=args.offsets is not None,
            on_note=on_note,
        )
        path = store.path
    say(
        f"imported {result.added} new, {len(result.updated_ids)} updated, "
        f"{result.duplicates} already present; {result.records} annotation record"
        + ("s" if result.records != 1 else "")
        + " added or changed"
        + (f", {len(skipped)} invalid skipped" if skipped else "")
        + f" into {path}"
    )
    for doc_id in result.updated_ids[:10]:
        say(f"text changed: {doc_id} (its annotations are now stale)")
    return 0
