"""`reader cat`: print an article exactly as the reader draws it, for terminals and pipes that do no bidi."""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from json.encoder import encode_basestring as _string  # the JSON string, ensure_ascii=False
from operator import sub

from annotations.errors import UserError
from reader.text import DocumentLayout, VisualLine


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a UTF-8 text file, or - for standard input")
    parser.add_argument("--width", type=int, default=None, help="line width in cells (default: the terminal's, or 80)")
    parser.add_argument(
        "--direction",
        choices=("auto", "rtl", "ltr"),
        default="auto",
        help="paragraph direction (default: auto, from each paragraph's first strong character)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per visual line with its logical range and per-cell offsets",
    )
    parser.add_argument("--hide-marks", action="store_true", help="do not draw diacritics (harakat)")


def decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"not valid UTF-8: byte {exc.start} (0x{data[exc.start]:02x}) cannot be decoded ({exc.reason})",
            path=name,
        ) from None


def read_article(path: str) -> str:
    if path == "-":
        return decode(sys.stdin.buffer.read(), "<stdin>")
    from annotations.userfiles import read_bytes

    return decode(read_bytes(path), path)  # the one reader of user files: devices refused, clear messages


def line_json(line: VisualLine) -> str:
    """One line as JSON: what json.dumps of {"paragraph", "start", "end", "direction", "text",
    "cells"} writes with separators (",", ":") and ensure_ascii=False, byte for byte, built directly
    (the encoder and a list per cell took most of `cat --json`'s time)."""
    return (
        f'{{"paragraph":{line.paragraph},"start":{line.start},"end":{line.end},'
        f'"direction":"{line.direction}","text":{_string(line.text)},"cells":{_cells(line)}}}'
    )


# Runs of cells that show nothing (alignment padding, continuation cells), and cells that show more
# than one offset, in a bytes object of offsets per cell; every other cell shows exactly one.
_UNUSUAL_CELLS = re.compile(b"(\x00+)|[^\x01]")


def _cells(line: VisualLine) -> str:
    starts, ends = line.cell_start, line.cell_end
    if not starts:
        return "[]"
    try:
        counts = bytes(map(sub, ends, starts))
    except ValueError:  # a cell of more than 255 offsets (a letter with hundreds of marks)
        return (
            "[" + ",".join("[" + ",".join(map(str, range(s, e))) + "]" for s, e in zip(starts, ends, strict=True)) + "]"
        )
    parts: list[str] = []
    done = 0
    for match in _UNUSUAL_CELLS.finditer(counts):
        i, j = match.span()
        if i > done:
            parts.append("],[".join(map(str, starts[done:i])))
        parts.append("],[".join([""] * (j - i)) if match.group(1) else ",".join(map(str, range(starts[i], ends[i]))))
        done = j
    if done < len(starts):
        parts.append("],[".join(map(str, starts[done:])))
    return "[[" + "],[".join(parts) + "]]"


def run(args: argparse.Namespace) -> int:
    width = args.width
    if width is None:
        width = shutil.get_terminal_size((80, 24)).columns if sys.stdout.isatty() else 80
    if width < 1:
        raise UserError(f"--width must be at least 1, got {width}")
    text = read_article(args.file)
    layout = DocumentLayout(text, width, direction=args.direction, show_marks=not args.hide_marks)
    out = sys.stdout
    write = out.write
    if args.json:
        for line in layout.lines():
            write(line_json(line))
            write("\n")
    else:
        batch: list[str] = []
        for line in layout.lines():
            batch.append(line.text)
            if len(batch) >= 1024:  # fewer, larger writes
                batch.append("")
                write("\n".join(batch))
                batch = []
        if batch:
            batch.append("")
            write("\n".join(batch))
    out.flush()
    return 0
