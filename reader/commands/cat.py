"""`reader cat`: print an article exactly as the reader draws it, for terminals and pipes that do no bidi."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from typing import Any

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
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise UserError("no such file", path=path) from None
    except IsADirectoryError:
        raise UserError("is a directory, expected a text file", path=path) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", path=path) from None
    return decode(data, path)


def line_json(line: VisualLine) -> dict[str, Any]:
    return {
        "paragraph": line.paragraph,
        "start": line.start,
        "end": line.end,
        "direction": line.direction,
        "text": line.text,
        "cells": [
            [s] if e == s + 1 else list(range(s, e)) for s, e in zip(line.cell_start, line.cell_end, strict=True)
        ],
    }


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
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        for line in layout.lines():
            write(dumps(line_json(line)))
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
