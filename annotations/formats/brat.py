"""brat standoff: a directory with DOCID.txt (the text, exactly) and DOCID.ann per document.

``T1<TAB>LABEL START END<TAB>text``; a span crossing line breaks is written as fragments
``START END;START END``. Offsets are code points (Python string indices) -- which is what brat itself
uses for UTF-8 texts, so they agree for any text without a BOM. Notes become ``AnnotatorNotes``.
When a document has records by several annotators, files are named ``DOCID.ANNOTATOR.txt``.
An ``annotation.conf`` listing the labels is written too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from annotations.formats.common import ExportOptions, Record, Warn, kept_spans, span_text
from annotations.model import Annotation, Document, Span

NAME = "brat"
_UNSAFE = re.compile(r"[^\w.\-]+")


def fragments(text: str, span: Span) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = span.start
    for i in range(span.start, span.end + 1):
        if i == span.end or text[i] == "\n":
            if i > start:
                out.append((start, i))
            start = i + 1
    return out


def ann_text(doc: Document, ann: Annotation | None, include_pending: bool = False) -> str:
    lines: list[str] = []
    notes = 0
    for n, s in enumerate(kept_spans(ann, include_pending), 1):
        span_text(doc, ann, s)
        frags = fragments(doc.text, s)
        where = ";".join(f"{a} {b}" for a, b in frags)
        shown = " ".join(doc.text[a:b] for a, b in frags).replace("\t", " ")
        lines.append(f"T{n}\t{s.label} {where}\t{shown}\n")
        if s.note:
            notes += 1
            note = s.note.replace("\n", " ").replace("\t", " ")
            lines.append(f"#{notes}\tAnnotatorNotes T{n}\t{note}\n")
    return "".join(lines)


def write(records: Iterator[Record], out_dir: Path, options: ExportOptions, warn: Warn) -> int:
    include_pending = options.include_pending
    out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    labels: set[str] = set()
    n = 0
    for doc, anns in records:
        pairs: list[tuple[Annotation | None, str]] = (
            [(None, "")] if not anns else [(a, "." + a.annotator if len(anns) > 1 else "") for a in anns]
        )
        for ann, suffix in pairs:
            base = _UNSAFE.sub("_", doc.id + suffix).strip(".") or "doc"
            name, k = base, 1
            while name in used:
                k += 1
                name = f"{base}-{k}"
            used.add(name)
            (out_dir / f"{name}.txt").write_text(doc.text, encoding="utf-8", newline="")
            (out_dir / f"{name}.ann").write_text(ann_text(doc, ann, include_pending), encoding="utf-8", newline="")
            labels.update(s.label for s in kept_spans(ann, include_pending))
            n += 1
    conf = "[entities]\n" + "".join(f"{label}\n" for label in sorted(labels))
    conf += "\n[relations]\n\n[events]\n\n[attributes]\n"
    (out_dir / "annotation.conf").write_text(conf, encoding="utf-8")
    return n
