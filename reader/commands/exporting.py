"""`reader export`: write the store in any registered format (``--format``; see annotations.formats).

The store is opened read-only, so exporting works while the app is open.

Where the output goes (``--out``):

* ``-`` (the default): standard output. Binary formats (spacy, parquet) refuse a terminal; text
  written to a terminal -- standard output, or an ``--out`` that is one (``/dev/stdout``, ``/dev/tty``)
  -- shows controls as the app does (a pipe or file gets the data as it is, which every format writes
  so that no control character of a user's string appears raw outside the article text itself).
* a regular file, or a new path: written beside the target and renamed over it when complete, so a
  failed export (bad span, full disk) leaves the old file as it was. A symlink is followed: the file
  it points to is replaced, the link stays.
* anything else that exists -- ``/dev/null``, ``/dev/stdout``, a named pipe -- is streamed into, never
  replaced by a regular file.
* brat writes a directory: a new path, or an existing empty directory; it is built beside the
  target and renamed into place when complete.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

from annotations.errors import UserError
from annotations.formats import EXPORT_FORMATS, FORMATS, OFFSET_UNITS, ExportOptions, export
from annotations.labels import LabelSchema
from annotations.model import ANSWERS
from annotations.paths import default_store_path
from annotations.store import Store
from annotations.store.atomic import owned_prefix, remove_stale_temps
from annotations.userfiles import describe_os_error
from reader.commands.importing import progress_bar
from reader.text.sanitize import terminal_safe


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", default=None, help=f"the store (default: {default_store_path()})")
    parser.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default="native",
        help="; ".join(f"{name}: {f.summary}" for name, f in FORMATS.items()),
    )
    parser.add_argument("--out", default="-", help="output file, - for stdout (brat: a directory)")
    parser.add_argument("--annotator", default=None, help="only this annotator's records")
    parser.add_argument(
        "--gold",
        action="store_true",
        help="adjudicated records only (`reader review`): each document's final gold record; documents "
        "without one are left out",
    )
    parser.add_argument(
        "--single",
        action="store_true",
        help="with --gold: also documents only one annotator answered, with that annotator's accepted record",
    )
    parser.add_argument(
        "--answers",
        default=None,
        help=f"only records with these answers, comma-separated ({','.join(ANSWERS)},none), or all "
        "(default: accept for the token formats spacy, conll, conll-nested and parquet, whose training "
        "reads no answer; every record for the others)",
    )
    parser.add_argument(
        "--include-pending",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="include pending suggestions (default: yes for native, and for label-studio, where they are the "
        "tasks' predictions; no otherwise)",
    )
    parser.add_argument(
        "--skip-stale", action="store_true", help="leave out records made on an older text instead of failing"
    )
    parser.add_argument(
        "--offsets",
        choices=OFFSET_UNITS,
        default="codepoint",
        help="unit of character offsets: codepoint (default; Python, Prodigy, spaCy), utf16 (doccano's and "
        "Label Studio's browser UIs), grapheme (doccano's grapheme mode)",
    )
    parser.add_argument(
        "--comments",
        action="store_true",
        help="conll, conll-nested: start each document with '# id = …' lines (exact round trips; "
        "spacy convert and Wojood readers do not read them)",
    )
    parser.add_argument("--labels", default=None, metavar="FILE", help="label schema (TOML): which labels are entities")
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar on stderr"
    )


def say(message: str) -> None:
    print(terminal_safe(f"reader: {message}"), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except OSError as exc:
        # a safety net: every expected failure is already a UserError
        raise UserError(describe_os_error(exc, "write"), path=exc.filename) from None


def _run(args: argparse.Namespace) -> int:
    answers = None
    if args.answers:
        answers = frozenset(a.strip() for a in args.answers.split(",") if a.strip())
        if "all" in answers:
            answers = frozenset(ANSWERS) | {"none"}
        bad = answers - set(ANSWERS) - {"none"}
        if bad:
            raise UserError(f"unknown answer(s) {', '.join(sorted(bad))} (known: {', '.join(ANSWERS)}, none)")
    if args.single and not args.gold:
        raise UserError("--single goes with --gold (documents nobody had to adjudicate)")
    if args.gold and args.annotator is not None:
        raise UserError("--gold exports the adjudicated records, not one annotator's: leave out --annotator")
    if args.comments and args.format not in ("conll", "conll-nested"):
        raise UserError("--comments applies to the conll and conll-nested formats")
    fmt = FORMATS[args.format]
    if args.offsets != "codepoint" and not fmt.offsets:
        raise UserError(f"--offsets {args.offsets} applies to formats with character offsets, not {args.format}")
    schema = LabelSchema.from_toml(args.labels) if args.labels else None
    # Label Studio has a place for suggestions that cannot be taken for labels: the tasks' predictions
    pending_by_default = args.format in ("native", "label-studio")
    include_pending = pending_by_default if args.include_pending is None else args.include_pending
    options = ExportOptions(
        args.annotator,
        answers,
        include_pending,
        args.skip_stale,
        comments=args.comments,
        offsets=args.offsets,
        schema=schema,
        gold=args.gold,
        single=args.single,
    )
    warnings = [0]

    def warn(message: str) -> None:
        warnings[0] += 1
        say(f"warning: {message}")

    show = sys.stderr.isatty() if args.progress is None else args.progress
    store_path = Path(args.store) if args.store else default_store_path()
    if not Store.has_files(store_path):
        raise UserError("no store here: import documents first with `reader import`", path=str(store_path))
    with Store.open(store_path, readonly=True) as store:
        last = [0]
        with progress_bar(show, len(store), "exporting") as advance:

            def on_progress(n: int) -> None:
                advance(n - last[0])
                last[0] = n

            with output(args.out, fmt.output) as sink:
                count = export(store, args.format, sink, options, warn, on_progress)
    for message, n in options.notes.items():
        say(f"note: {message}" + (f" ({n}×)" if n > 1 else ""))
    say(f"exported {written(count, options)} as {args.format}" + (f" ({warnings[0]} warnings)" if warnings[0] else ""))
    return 0


def written(count: int, options: ExportOptions) -> str:
    """What an export wrote, in its own units: "760 records", "696 tasks with 760 annotations",
    "760 records and 12 documents without a record"."""

    def n(k: int, what: str) -> str:
        return f"{k} {what if k == 1 else what + 's'}"

    w = options.written
    if "tasks" in w:
        return f"{n(w['tasks'], 'task')} with {n(w['annotations'], 'annotation')}"
    text = n(count, "record")
    alone = w.get("documents without a record", 0)
    if alone:
        text += f" and {alone} document{'s' if alone > 1 else ''} without a record"
    return text


# ----------------------------------------------------------------------------------------------------
# Output targets


@contextlib.contextmanager
def output(out: str, kind: str) -> Iterator[Any]:
    """A sink for ``kind`` ("text", "binary" or "directory") at ``out``; committed only if the body
    completes."""
    if kind == "directory":
        if out == "-":
            raise UserError("this format writes a directory: give --out DIR")
        with _directory(out) as path:
            yield path
        return
    if out == "-":
        with _stdout(kind) as stream:
            yield stream
        return
    with _file(out, kind) as stream:
        yield stream


@contextlib.contextmanager
def _stdout(kind: str) -> Iterator[Any]:
    if kind == "binary":
        if sys.stdout.isatty():
            raise UserError("this format is binary and standard output is a terminal: give --out FILE")
        sys.stdout.flush()
        yield sys.stdout.buffer
        with contextlib.suppress(BrokenPipeError, ValueError):
            sys.stdout.buffer.flush()
        return
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)
    try:
        yield _TerminalSafe(stream) if sys.stdout.isatty() else stream
    finally:
        with contextlib.suppress(BrokenPipeError, ValueError):
            stream.flush()
        stream.detach()


class _TerminalSafe:
    """A text stream for a terminal: what a format writes as data (a CoNLL token that is an ESC) is
    shown the way the app shows controls, so it cannot act on the terminal. Tabs and newlines stay."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write("\t".join(terminal_safe(part, keep_newlines=True) for part in text.split("\t")))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


def _open_mode(kind: str) -> dict[str, Any]:
    return {"mode": "wb"} if kind == "binary" else {"mode": "w", "encoding": "utf-8", "newline": "\n"}


@contextlib.contextmanager
def _file(out: str, kind: str) -> Iterator[IO[Any]]:
    try:
        st: os.stat_result | None = os.stat(out)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise UserError(describe_os_error(exc, "write"), path=out) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise UserError("is a directory; give a file name (only brat writes a directory)", path=out)
    if st is not None and not stat.S_ISREG(st.st_mode):
        # a device, FIFO or socket: stream into it, never replace it
        try:
            fh = open(out, **_open_mode(kind))  # noqa: SIM115
        except OSError as exc:
            raise UserError(describe_os_error(exc, "write"), path=out) from None
        try:
            with fh:
                if fh.isatty():  # --out /dev/stdout, /dev/tty, $(tty): a terminal, whatever its name
                    if kind == "binary":
                        raise UserError("this format is binary and the output is a terminal: give a file", path=out)
                    yield cast(IO[Any], _TerminalSafe(fh))  # a text stream that shows controls
                else:
                    yield fh
        except OSError as exc:
            raise UserError(describe_os_error(exc, "write"), path=out) from None
        return
    target = Path(os.path.realpath(out))  # a symlink is followed: its target is replaced
    parent = target.parent
    if not parent.is_dir():
        raise UserError(f"the directory {parent} does not exist", path=out)
    remove_stale_temps(parent, target.name)  # what a killed export left
    try:
        fd, tmp = tempfile.mkstemp(prefix=owned_prefix(target.name), suffix=".tmp", dir=parent)
    except OSError as exc:
        raise UserError(f"cannot write in {parent}: {describe_os_error(exc, 'write')}", path=out) from None
    try:
        with os.fdopen(fd, **_open_mode(kind)) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        unchanged = " (the old file is unchanged)" if st is not None else ""
        raise UserError(f"{describe_os_error(exc, 'write')}; nothing was written{unchanged}", path=out) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _directory(out: str) -> Iterator[Path]:
    target = Path(os.path.realpath(out))
    if target.exists():
        if not target.is_dir():
            raise UserError("exists and is not a directory; brat export writes a directory", path=out)
        try:
            empty = not any(target.iterdir())
        except OSError as exc:
            raise UserError(describe_os_error(exc), path=out) from None
        if not empty:
            raise UserError("directory is not empty; give a new or empty directory for the brat export", path=out)
    parent = target.parent
    if not parent.is_dir():
        raise UserError(f"the directory {parent} does not exist", path=out)
    remove_stale_temps(parent, target.name)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=owned_prefix(target.name), suffix=".tmp", dir=parent))
    except OSError as exc:
        raise UserError(f"cannot write in {parent}: {describe_os_error(exc, 'write')}", path=out) from None
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UserError(f"{describe_os_error(exc, 'write')}; nothing was written", path=out) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
