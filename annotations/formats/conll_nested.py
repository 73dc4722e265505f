"""Nested CoNLL in the Wojood layout: one token per line, then its IOB2 tags, outer entity first,
separated by spaces; a blank line after each sentence::

    مجلس B-ORG
    الأمن I-ORG
    ضد I-ORG
    الأسد I-ORG B-PERS

This is how Arabic nested NER corpora (Wojood) are shared, and it holds what flat BIO cannot: a
person inside an organisation, an organisation inside an organisation, a name inside a quotation.
Two spans of one label that cross without one containing the other cannot be held and are reported.

By default the file is exactly that layout (Wojood's own readers take every non-blank line as a
token), so it carries no document ids, annotators, answers or exact whitespace; importing it makes a
document of each sentence, its text the tokens joined by spaces. With ``comments`` each document
starts with ``# id = …``, ``# annotator = …``, ``# answer = …``, ``# meta = {json}`` and
``# text = "json"`` (the exact text) lines, and importing gives back the same documents, offsets,
annotators and answers.

Pure functions for code that trains or evaluates on these files:

* :func:`read_nested_conll` -- lines in, documents with their text and spans out;
* :func:`read_layers` (:func:`read_layers_file`) -- lines in, sentences out with their tokens and each
  token's tags as written (``.layer(k)``: layer k's tag per token, ``O`` where it has fewer; 0 is the
  outer layer), for a tagger trained or scored on one layer;
* :func:`nested_tags` -- a text and its spans in, tokens and their stacked tags out
  (``.tags`` per token, outer first; ``.layers()`` per layer).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from annotations.errors import UserError
from annotations.formats.base import Format, Item, ReadContext
from annotations.formats.columns import (
    ColumnDocument,
    TaggedSentence,
    read_columns,
    read_items,
    read_sentences,
    write_documents,
)
from annotations.formats.common import ExportOptions, Record, Warn, kept_spans, span_text
from annotations.formats.iob import Encoded, Unalignable, encode_nested, sentence_groups
from annotations.model import Annotation, Document, Span

NAME = "conll-nested"

__all__ = [
    "NAME",
    "TaggedSentence",
    "header",
    "lines",
    "nested_tags",
    "read_file",
    "read_layers",
    "read_layers_file",
    "read_nested_conll",
    "write",
]


def read_nested_conll(lines: Iterable[str], *, where: str = "<conll>") -> Iterator[ColumnDocument]:
    """Documents (text, spans with code-point offsets, and id/annotator/answer/meta when the file has
    ``# key = value`` headers) from the lines of a nested CoNLL file. Raises UserError naming the line."""
    return read_columns(lines, where=where, columns="all")


def read_file(path: str | Path) -> Iterator[ColumnDocument]:
    """:func:`read_nested_conll` over a UTF-8 file."""
    from annotations.userfiles import open_text_lines

    with open_text_lines(path) as fh:
        yield from read_nested_conll(fh, where=str(path))


def read_layers(lines: Iterable[str], *, where: str = "<conll>") -> Iterator[TaggedSentence]:
    """Sentences with their tokens and stacked tags as the file writes them (outer first); document
    headers (``-DOCSTART-``, ``# key = value``) are skipped. Raises UserError naming the line."""
    return read_sentences(lines, where=where, columns="all")


def read_layers_file(path: str | Path) -> Iterator[TaggedSentence]:
    """:func:`read_layers` over a UTF-8 file."""
    from annotations.userfiles import open_text_lines

    with open_text_lines(path) as fh:
        yield from read_layers(fh, where=str(path))


def nested_tags(text: str, spans: Iterable[Span]) -> Encoded:
    """Tokens of ``text`` (split so every span boundary is a token boundary, whitespace left out) and
    their stacked IOB2 tags, outer first. ``left_out`` lists spans this layout cannot hold."""
    return encode_nested(text, spans)


def header(doc: Document, ann: Annotation | None) -> list[str]:
    """The ``# key = value`` lines that make a document exact on import."""
    from annotations.formats.common import dumps

    out = [f"# id = {_one_line(doc.id)}"]
    if ann is not None:
        out.append(f"# annotator = {_one_line(ann.annotator)}")
        if ann.answer is not None:
            out.append(f"# answer = {ann.answer}")
    if doc.meta:
        out.append("# meta = " + dumps(doc.meta, separators=(",", ":")))
    out.append("# text = " + dumps(doc.text))
    return out


def _one_line(value: str) -> str:
    """A comment's value as written: as it is, or -- when it holds a control, bidi control or line
    break, or starts with a quote -- as a JSON string, so a file shown by ``head`` or a pager can never
    act on the terminal, and the value comes back exactly (``comment_value`` reads it)."""
    from annotations.formats.common import dumps

    if value.startswith('"') or any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value):
        return dumps(value)
    return value


def lines(doc: Document, ann: Annotation | None, options: ExportOptions, warn: Warn) -> list[str]:
    spans = kept_spans(ann, options.include_pending)
    for s in spans:
        span_text(doc, ann, s)
    where = f"document {doc.id}" + (f", annotator {ann.annotator}" if ann is not None else "")
    try:
        enc = nested_tags(doc.text, spans)
    except Unalignable as exc:
        raise UserError(f"{where}: {exc.message}") from None
    for s, why in enc.left_out:
        warn(f"{where}: span [{s.start}, {s.end}) {s.label} {doc.text[s.start : s.end]!r} {why}; left out of {NAME}")
    out = header(doc, ann) if options.comments else []
    for group in sentence_groups(doc.text, enc):
        out.extend(enc.tokens[i].text + " " + " ".join(enc.tags[i]) for i in group)
        out.append("")
    if options.comments and not enc.tokens:
        out.append("")  # a document without tokens (whitespace only): its header, then a blank line
    return out


def write(records: Iterator[Record], out: TextIO, options: ExportOptions, warn: Warn) -> int:
    return write_documents(records, out, options, warn, lines)


def read_import(path: Path, ctx: ReadContext) -> Iterator[Item | UserError]:
    yield from read_items(path, ctx, "all")


FORMAT = Format(
    name=NAME,
    summary="nested CoNLL, Wojood layout (token, then IOB2 tags outer first)",
    output="text",
    write=write,
    suffix=".txt",
    read_file=read_import,
)
