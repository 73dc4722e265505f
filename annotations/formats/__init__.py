"""The formats registry: one module per format, each with its writer and its reader, registered by name.

``reader export --format`` and ``reader import --format`` take their choices from :data:`FORMATS`;
:func:`export` picks the records and hands them to the format's writer; the importer
(:mod:`annotations.importing`) asks the registry which format reads a file or a JSON record.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
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


# Formats that training reads tokens and tags from, with no answer a trainer looks at: by default they
# take accepted records only (``--answers all`` for every record).
TRAINING_FORMATS = frozenset({"spacy", "conll", "conll-nested", "parquet"})
ANSWER_NAMES = {"accept": "accepted", "reject": "rejected", "skip": "skipped", "flag": "flagged", "none": "unanswered"}


def _with(options: ExportOptions, **changes: Any) -> ExportOptions:
    """``options`` with ``changes``, sharing its notes and counts (they are filled in along the way)."""
    return dataclasses.replace(options, notes=options.notes, written=options.written, **changes)


def records(
    store: Store, options: ExportOptions, warn: Warn, on_progress: Callable[[int], None] | None = None
) -> Iterator[Record]:
    """Documents in import order with their selected annotation records.

    Only documents with a selected record are yielded -- a document nobody labelled (or that the chosen
    annotator did not label) is not an annotation -- unless ``options.documents``: then every document
    comes, one without records with an empty list. Records left out by a training format's default
    answers are counted in ``options.notes``.
    """
    annotators = [options.annotator] if options.annotator is not None else store.annotators()
    left_out: Counter[str] = Counter()
    for n, (doc, records_of_doc) in enumerate(store.iter_annotated(annotators), 1):  # streamed shard by shard
        anns = []
        for ann in records_of_doc:
            if options.answers is not None and (ann.answer or "none") not in options.answers:
                left_out[ann.answer or "none"] += 1
                continue
            if options.skip_stale and ann.text_hash != doc.text_hash:
                warn(f"{doc.id}: annotation by {ann.annotator} was made on an older text; left out")
                continue
            anns.append(ann)
        if on_progress is not None:
            on_progress(n)
        if anns or (options.documents and not records_of_doc):
            yield doc, anns
    _note_left_out(options, left_out)


def _note_left_out(options: ExportOptions, left_out: Counter[str]) -> None:
    if not options.answers_defaulted or not left_out:
        return
    total = sum(left_out.values())
    parts = ", ".join(f"{n} {name}" for name, n in sorted((ANSWER_NAMES.get(a, a), n) for a, n in left_out.items()))
    options.notes[
        f"left out {total} record{'s' if total > 1 else ''} that {'are' if total > 1 else 'is'} not accepted "
        f"({parts}): this format has no answer that training reads, so it takes accepted records; "
        "--answers all includes every record (or e.g. --answers accept,none)"
    ] += 1


def gold(
    store: Store, options: ExportOptions, warn: Warn, on_progress: Callable[[int], None] | None = None
) -> Iterator[Record]:
    """The adjudicated records (``reader export --gold``): each document's gold record, chosen among
    all of its records (annotations.gold.gold_records), then filtered by ``answers``. Documents
    without one are left out; with ``single``, a document only one annotator answered, accepted,
    goes out with that record."""
    every = _with(options, annotator=None, answers=None, answers_defaulted=False, documents=False)
    left_out: Counter[str] = Counter()
    for doc, anns in gold_records(records(store, every, warn, on_progress), single=options.single):
        if options.answers is not None:
            kept = [a for a in anns if (a.answer or "none") in options.answers]
            for a in anns:
                if a not in kept:
                    left_out[a.answer or "none"] += 1
            if not kept:
                continue
            anns = kept
        yield doc, anns
    _note_left_out(options, left_out)


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
    ``options.notes`` afterwards (``options.written`` counts what a writer wrote besides records).
    Raises UserError if a span does not re-slice from its document text."""
    f = get(fmt)
    if options.offsets != "codepoint" and not f.offsets:
        raise UserError(f"--offsets {options.offsets} applies to formats with character offsets, not {fmt}")
    if f.output == "directory" and not isinstance(out, Path):
        raise UserError(f"{fmt} export writes a directory: give --out DIR")
    if f.output != "directory" and isinstance(out, Path):
        raise UserError(f"{fmt} export writes a file, not a directory")
    if options.answers is None and fmt in TRAINING_FORMATS:
        options = _with(options, answers=frozenset({"accept"}), answers_defaulted=True)
    unfiltered = options.annotator is None and options.answers is None and not options.gold
    if fmt == "native" and unfiltered:
        # the backup format: a document nobody labelled goes out as a document alone, with the
        # shared suggestions on it
        options = _with(options, documents=True, suggestions=store.suggestions if options.include_pending else None)
    if fmt == "parquet":
        options = _with(options, labels_seen=_labels_seen(store, options))
    if fmt == "label-studio" and options.include_pending and not options.gold:
        # a document without a record but with suggestions is a task with predictions only
        options = _with(options, suggestions=store.suggestions, documents=unfiltered)
    recs = gold(store, options, warn, on_progress) if options.gold else records(store, options, warn, on_progress)
    if fmt in ("doccano", "label-studio"):
        recs = _offsets_notes(f, options, recs)
    return f.write(recs, out, options, warn)
