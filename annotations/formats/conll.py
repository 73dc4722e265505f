"""CoNLL-2003-style BIO: ``token<TAB>TAG`` per line, a blank line after each sentence, and spaCy's
``-DOCSTART- -X- O O`` line before each document, so ``spacy convert -c ner`` reads the file as it is.

Only entity labels are written (by the label schema's groups; a label it does not know counts as
an entity): quotations and boilerplate cover whole sentences and would hide the names inside them.
Tokens come from :mod:`annotations.tokens`, split so every span boundary is a token boundary (حماس
inside لحماس gives the tokens ل and حماس); whitespace is not written. Flat BIO holds one span per
token: a span that overlaps one already placed (outer and earlier spans win) is reported through
``warn`` and left out -- export ``conll-nested`` or ``native`` to keep nested spans. A span that starts
or ends on whitespace cannot be written and stops the export. Sentences are not split inside a span.

With ``comments`` each document starts with ``# id = …`` (and annotator, answer, meta, exact text)
lines instead of ``-DOCSTART-``: importing such a file gives back the same documents and offsets,
but CoNLL-U tools and spaCy do not read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from annotations.errors import UserError
from annotations.formats.base import Format, Item, ReadContext
from annotations.formats.columns import DOCSTART_LINE, read_items, write_documents
from annotations.formats.common import ExportOptions, Record, Warn, entity_labels, kept_spans, span_text
from annotations.formats.conll_nested import header
from annotations.formats.iob import Unalignable, encode_flat, sentence_groups
from annotations.model import Annotation, Document

NAME = "conll"


def lines(doc: Document, ann: Annotation | None, options: ExportOptions, warn: Warn) -> list[str]:
    every = kept_spans(ann, options.include_pending)
    for s in every:
        span_text(doc, ann, s)
    spans = entity_labels(options.groups(), every)
    if len(spans) < len(every):
        options.notes["quote and boilerplate spans are not in CoNLL (entity labels only; conll-nested holds them)"] += (
            len(every) - len(spans)
        )
    where = f"document {doc.id}" + (f", annotator {ann.annotator}" if ann is not None else "")
    try:
        enc = encode_flat(doc.text, spans)
    except Unalignable as exc:
        raise UserError(f"{where}: {exc.message}") from None
    for s, why in enc.left_out:
        warn(f"{where}: span [{s.start}, {s.end}) {s.label} {doc.text[s.start : s.end]!r} {why}; left out of {NAME}")
    out = header(doc, ann) if options.comments else [DOCSTART_LINE, ""]
    for group in sentence_groups(doc.text, enc):
        out.extend(f"{enc.tokens[i].text}\t{enc.tags[i][0]}" for i in group)
        out.append("")
    if options.comments and not enc.tokens:
        out.append("")  # a document without tokens (whitespace only): its header, then a blank line
    return out


def write(records: Iterator[Record], out: TextIO, options: ExportOptions, warn: Warn) -> int:
    return write_documents(records, out, options, warn, lines)


def read_import(path: Path, ctx: ReadContext) -> Iterator[Item | UserError]:
    yield from read_items(path, ctx, "last")


FORMAT = Format(
    name=NAME,
    summary="CoNLL-2003-style BIO of the entity labels (spacy convert -c ner reads it)",
    output="text",
    write=write,
    suffix=".conll",
    read_file=read_import,
    file_suffixes=(".conll", ".iob", ".bio"),
)
