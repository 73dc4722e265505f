"""CoNLL-style BIO: one ``token<TAB>TAG`` per line, a blank line after each sentence.

Each record starts with ``# id = DOCID`` (and ``# annotator = NAME``). Tokens come from
:mod:`annotations.tokens` (clitics are not split). A span that does not start and end on token
boundaries (e.g. حماس inside لحماس), or that overlaps an earlier span, cannot be written as BIO: it is
reported through ``warn`` with the document id and offsets, and left out. Sentences are not split
inside a span.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from annotations.formats.common import Record, Warn, flat, kept_spans, span_text
from annotations.model import Annotation, Document
from annotations.tokens import sentences, tokenize

NAME = "conll"


def lines(doc: Document, ann: Annotation | None, warn: Warn, include_pending: bool = False) -> list[str]:
    tokens = tokenize(doc.text)
    tags = ["O"] * len(tokens)
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    for s in sorted(kept_spans(ann, include_pending), key=lambda s: (s.start, -s.end, s.label)):
        text = span_text(doc, ann, s)
        a, b = starts.get(s.start), ends.get(s.end)
        if a is None or b is None:
            warn(
                f"{doc.id}: span [{s.start}, {s.end}) {s.label} {text!r} does not align with token "
                "boundaries; left out of the CoNLL export"
            )
            continue
        if any(tags[i] != "O" for i in range(a, b + 1)):
            warn(
                f"{doc.id}: span [{s.start}, {s.end}) {s.label} {text!r} overlaps another span; "
                "left out of the CoNLL export"
            )
            continue
        tags[a] = "B-" + s.label
        for i in range(a + 1, b + 1):
            tags[i] = "I-" + s.label
    out = [f"# id = {doc.id}"]
    if ann is not None:
        out.append(f"# annotator = {ann.annotator}")
    groups = sentences(doc.text, tokens)
    merged: list[list[int]] = []
    for g in groups:
        if merged and tags[g[0]].startswith("I-"):
            merged[-1].extend(g)
        else:
            merged.append(g)
    for g in merged:
        out.extend(f"{tokens[i].text}\t{tags[i]}" for i in g)
        out.append("")
    if not merged:
        out.append("")
    return out


def write(records: Iterator[Record], out: TextIO, warn: Warn, include_pending: bool = False) -> int:
    n = 0
    for doc, ann in flat(records):
        out.write("\n".join(lines(doc, ann, warn, include_pending)) + "\n")
        n += 1
    return n
