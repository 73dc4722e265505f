"""Report output for commands: aligned tables for the terminal, JSON and CSV for programs.

Tables are for people: every cell goes through :func:`terminal_safe`. JSON stays exactly the data
(``json.loads`` gives back every string as stored) but never carries a control character raw: any
character the terminal could act on is written as a ``\\uXXXX`` escape, so printing it is safe too.
CSV has no escapes; it is written raw into a file or pipe, and sanitised only when standard output
is a terminal (then it is being read, not parsed).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import Any, TextIO

from reader.text.chars import classify
from reader.text.sanitize import terminal_safe

DASH = "—"  # an undefined figure (no data, or nothing to measure)


def number(value: float | None, digits: int = 3) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def cell_width(text: str) -> int:
    return sum(classify(ch)[2] for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, right: Sequence[int] = ()) -> str:
    """An aligned plain-text table; columns listed in ``right`` are right-aligned (numbers)."""
    cells = [[terminal_safe(h) for h in headers]] + [[terminal_safe(c) for c in row] for row in rows]
    widths = [max(cell_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for r in cells:
        parts = []
        for i, c in enumerate(r):
            pad = " " * (widths[i] - cell_width(c))
            parts.append(pad + c if i in right else c + pad)
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def _escape(ch: str) -> str:
    if ch == "\n" or terminal_safe(ch) == ch:
        return ch
    return json.dumps(ch)[1:-1]  # \uXXXX (a surrogate pair outside the BMP)


def json_text(data: Any) -> str:
    """``data`` as indented JSON whose every character is safe to print."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if text.isascii() and text.isprintable():
        return text
    return "".join(_escape(ch) for ch in text)


def write_csv(out: TextIO, headers: Sequence[str], rows: Sequence[Sequence[object]], *, display: bool) -> None:
    """CSV with a header row; ``display`` (standard output is a terminal) sanitises every field."""
    writer = csv.writer(out, lineterminator="\n")

    def field(value: object) -> object:
        if value is None:
            return ""
        return terminal_safe(value) if display and isinstance(value, str) else value

    writer.writerow([field(h) for h in headers])
    for row in rows:
        writer.writerow([field(v) for v in row])
