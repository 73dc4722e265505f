"""The formats registry: one module per format, each with its writer and its reader, registered by name.

``reader export --format`` and ``reader import --format`` take their choices from :data:`FORMATS`;
:func:`export` picks the records and hands them to the format's writer; the importer
(:mod:`annotations.importing`) asks the registry which format reads a file or a JSON record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from annotations.errors import UserError
from annotations.formats import (
    brat,
    conll,
    conll_nested,
    doccano,
    label_studio,
    native,
    parquet,
    prodigy,
    spacy_docbin,
)
from annotations.formats.base import Format, Item, ReadContext
from annotations.formats.common import ExportOptions, Record, Warn
from annotations.formats.offsets import UNITS, differences
from annotations.gold import gold_records
from annotations.store import Store

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        native.FORMAT,
        prodigy.FORMAT,
        doccano.FORMAT,
        label_studio.FORMAT,
        brat.FORMAT,
        conll.FORMAT,
        conll_nested.FORMAT,
        spacy_docbin.FORMAT,
        parquet.FORMAT,
    )
}
EXPORT_FORMATS: tuple[str, ...] = tuple(FORMATS)
IMPORT_FORMATS: tuple[str, ...] = tuple(name for name, f in FORMATS.items() if f.readable)
# JSON record dialects, in the order a record is tried against them (native, the catch-all, last)
RECORD_DIALECTS: tuple[Format, ...] = tuple(
    FORMATS[n] for n in ("doccano", "label-studio", "prodigy", "native") if FORMATS[n].parse_record is not None
)
OFFSET_UNITS = UNITS

__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "IMPORT_FORMATS",
    "OFFSET_UNITS",
    "RECORD_DIALECTS",
    "ExportOptions",
    "Format",
    "Item",
    "ReadContext",
    "detect_record",
    "export",
    "get",
    "gold",
    "records",
]


def get(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise UserError(f"unknown format {name!r} (one of {', '.join(FORMATS)})") from None


def detect_record(obj: dict[str, Any]) -> Format:
    """The dialect of one JSON record."""
    for f in RECORD_DIALECTS:
        assert f.detect_record is not None
        if f.detect_record(obj):
            return f
    return FORMATS["native"]


def records(
    store: Store, options: ExportOptions, warn: Warn, on_progress: Callable[[int], None] | None = None
) -> Iterator[Record]:
    """Documents in import order with their selected annotation records.

    A document without a selected record is still exported (unlabelled) unless ``answers`` is given.
    """
    annotators = [options.annotator] if options.annotator is not None else store.annotators()
    for n, (doc, records_of_doc) in enumerate(store.iter_annotated(annotators), 1):  # streamed shard by shard
        anns = []
        for ann in records_of_doc:
            if options.answers is not None and (ann.answer or "none") not in options.answers:
                continue
            if options.skip_stale and ann.text_hash != doc.text_hash:
                warn(f"{doc.id}: annotation by {ann.annotator} was made on an older text; left out")
                continue
            anns.append(ann)
        if on_progress is not None:
            on_progress(n)
        if anns or options.answers is None:
            yield doc, anns


def gold(
    store: Store, options: ExportOptions, warn: Warn, on_progress: Callable[[int], None] | None = None
) -> Iterator[Record]:
    """The adjudicated records (``reader export --gold``): each document's gold record, chosen among
    all of its records (annotations.gold.gold_records), then filtered by ``answers``. Documents
    without one are left out; with ``single``, a document only one annotator answered, accepted,
    goes out with that record."""
    every = dataclasses.replace(options, annotator=None, answers=None, notes=options.notes)
    for doc, anns in gold_records(records(store, every, warn, on_progress), single=options.single):
        if options.answers is not None:
            anns = [a for a in anns if (a.answer or "none") in options.answers]
            if not anns:
                continue
        yield doc, anns


def _labels_seen(store: Store, options: ExportOptions) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for ann in store.annotations(annotator=options.annotator):
        for s in ann.spans:
            if options.include_pending or not s.pending:
                seen.setdefault(s.label, None)
    return tuple(seen)


def _offsets_notes(fmt: Format, options: ExportOptions, recs: Iterator[Record]) -> Iterator[Record]:
    """Count records whose text makes the offset unit matter (doccano / Label Studio browser UIs count
    UTF-16 units), for one summary line."""
    for doc, anns in recs:
        if anns and options.offsets == "codepoint" and "utf16" in differences(doc.text):
            options.notes[
                "records with characters outside the BMP (emoji): offsets are code points; doccano's and "
                "Label Studio's browser UIs count UTF-16 units (export with --offsets utf16 for them)"
            ] += 1
        yield doc, anns


def export(
    store: Store,
    fmt: str,
    out: IO[str] | IO[bytes] | Path,
    options: ExportOptions,
    warn: Warn,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write the store in ``fmt`` to ``out`` (a text or binary stream, or a directory, as the format
    says); return the number of records written. What a writer left out or reports is in
    ``options.notes`` afterwards. Raises UserError if a span does not re-slice from its document text."""
    f = get(fmt)
    if options.offsets != "codepoint" and not f.offsets:
        raise UserError(f"--offsets {options.offsets} applies to formats with character offsets, not {fmt}")
    if f.output == "directory" and not isinstance(out, Path):
        raise UserError(f"{fmt} export writes a directory: give --out DIR")
    if f.output != "directory" and isinstance(out, Path):
        raise UserError(f"{fmt} export writes a file, not a directory")
    if fmt == "parquet":
        options = dataclasses.replace(options, labels_seen=_labels_seen(store, options), notes=options.notes)
    if fmt == "label-studio" and options.include_pending and not options.gold:
        options = dataclasses.replace(options, suggestions=store.suggestions, notes=options.notes)
    recs = gold(store, options, warn, on_progress) if options.gold else records(store, options, warn, on_progress)
    if fmt in ("doccano", "label-studio"):
        recs = _offsets_notes(f, options, recs)
    return f.write(recs, out, options, warn)
