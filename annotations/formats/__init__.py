"""Export formats, one module each. :func:`export` picks the records and streams them out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from annotations.errors import UserError
from annotations.formats import brat, conll, conll_nested, doccano, label_studio, native, prodigy
from annotations.formats.common import ExportOptions, Record, Warn
from annotations.store import Store

EXPORT_FORMATS: tuple[str, ...] = ("native", "prodigy", "doccano", "label-studio", "brat", "conll", "conll-nested")
DIRECTORY_FORMATS: frozenset[str] = frozenset({"brat"})

__all__ = ["DIRECTORY_FORMATS", "EXPORT_FORMATS", "ExportOptions", "export", "records"]


def records(
    store: Store, options: ExportOptions, warn: Warn, on_progress: Callable[[int], None] | None = None
) -> Iterator[Record]:
    """Documents in import order with their selected annotation records.

    A document without a selected record is still exported (unlabelled) unless ``answers`` is given.
    """
    annotators = [options.annotator] if options.annotator is not None else store.annotators()
    for n, doc in enumerate(store.iter_documents(), 1):
        anns = []
        for name in annotators:
            ann = store.get_annotation(doc.id, name)
            if ann is None:
                continue
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


def export(
    store: Store,
    fmt: str,
    out: TextIO | Path,
    options: ExportOptions,
    warn: Warn,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write the store in ``fmt`` to ``out`` (a text stream, or a directory for brat); return the count
    of records written. Raises UserError if a span does not re-slice from its document text."""
    recs = records(store, options, warn, on_progress)
    if fmt == "brat":
        if not isinstance(out, Path):
            raise UserError("brat export writes a directory: give --out DIR")
        return brat.write(recs, out, options, warn)
    if isinstance(out, Path):
        raise UserError(f"{fmt} export writes a stream")
    if fmt == "native":
        return native.write(recs, out, options, warn)
    if fmt == "prodigy":
        return prodigy.write(recs, out, options, warn)
    if fmt == "doccano":
        return doccano.write(recs, out, options, warn)
    if fmt == "label-studio":
        return label_studio.write(recs, out, options, warn)
    if fmt == "conll":
        return conll.write(recs, out, options, warn)
    if fmt == "conll-nested":
        return conll_nested.write(recs, out, options, warn)
    raise UserError(f"unknown export format {fmt!r} (one of {', '.join(EXPORT_FORMATS)})")
