"""The rules brat's own reader applies to a document's ``.txt`` and ``.ann`` files, ported to Python 3
from brat's ``server/src/annotation.py`` (nlplab/brat; functions ``open_textfile``, ``_parse_ann_lines``,
``_split_textbound_data``, ``TextAnnotations._parse_textbound_annotation``, ``_parse_comment_annotation``
and the id pattern), so tests can hold every line we write to them.

brat is distributed under the MIT License:
Copyright (C) 2010-2012 The brat contributors, all rights reserved. Permission is hereby granted, free
of charge, to any person obtaining a copy of this software and associated documentation files (the
"Software"), to deal in the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so, subject to the following conditions: The
above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE
AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

DISCONT_SEP = " "
_ID = re.compile(r"^([A-Za-z]+|#[A-Za-z]*)([0-9]+)(.*?)$")


class BratRejects(Exception):
    pass


def document_text(txt: Path) -> str:
    """brat's open_textfile(..., 'rU'): strict UTF-8 with universal newlines."""
    with open(txt, encoding="utf-8", errors="strict", newline=None) as f:
        return f.read()


def ann_lines(ann: Path) -> list[str]:
    """brat reads .ann files through a codecs reader, whose readlines() splits like str.splitlines()."""
    with codecs.open(str(ann), "r", encoding="utf8", errors="strict") as f:
        return f.readlines()


def check_line(line: str, text: str) -> tuple[str, str, list[tuple[int, int]], str]:
    """Parse one .ann line as brat does; raise BratRejects where brat records a failed line."""
    try:
        ident, id_tail = line.split("\t", 1)
    except ValueError:
        raise BratRejects(f"no tab after the id: {line!r}") from None
    if _ID.match(ident) is None:
        raise BratRejects(f"invalid id {ident!r}")
    try:
        delim = id_tail.index("\t")
        data, data_tail = id_tail[:delim], id_tail[delim:]
    except ValueError:
        data, data_tail = id_tail, ""
    if ident.startswith("#"):
        parts = data.split()
        if len(parts) != 2:
            raise BratRejects(f"comment needs 'TYPE TARGET': {line!r}")
        return ident, parts[0], [], data_tail[1:].rstrip("\r\n")
    if not ident.startswith("T"):
        raise BratRejects(f"only text-bound annotations are checked here: {line!r}")
    # _split_textbound_data
    try:
        type_, rest = data.split(" ", 1)
        spans = []
        for span_str in rest.split(";"):
            start_str, end_str = span_str.split(" ", 2)
            end_str = end_str.rstrip()
            if any(c.isspace() for c in end_str):
                raise BratRejects("space instead of tab?")
            spans.append((int(start_str), int(end_str)))
    except (ValueError, BratRejects) as exc:
        raise BratRejects(f"bad offsets in {line!r}: {exc}") from None
    # _parse_textbound_annotation
    seen: list[tuple[int, int]] = []
    for start, end in spans:
        if start > end or start < 0 or end > len(text):
            raise BratRejects(f"offsets {start} {end} outside the text ({len(text)})")
        for ostart, oend in seen:
            if end >= ostart and start < oend:
                raise BratRejects("fragments overlap")
        seen.append((start, end))
    spanlen = sum(end - start for start, end in spans) + (len(spans) - 1) * len(DISCONT_SEP)
    if data_tail.strip() == "" and spanlen > 0:
        raise BratRejects("text-bound annotation missing text")
    if data_tail[0] != "\t":
        raise BratRejects("missing tab before text")
    if spanlen > len(data_tail) - 1:
        raise BratRejects("text shorter than the marked spans")
    got = data_tail[1 : spanlen + 1]
    rest_tail = data_tail[spanlen + 1 :]
    reftext = DISCONT_SEP.join(text[start:end] for start, end in spans)
    if got != reftext:
        raise BratRejects(f"text {got!r} does not match the marked spans' text {reftext!r}")
    if rest_tail != "" and not rest_tail[0].isspace():
        raise BratRejects("text not separated from the rest of the line")
    return ident, type_, spans, got


def check_document(txt: Path, ann: Path) -> list[tuple[str, str, list[tuple[int, int]], str]]:
    text = document_text(txt)
    return [check_line(line, text) for line in ann_lines(ann) if line.strip()]
