"""Parquet for Hugging Face ``datasets``: one row per (document, annotator).

Columns: ``id``, ``text``, ``annotator``, ``answer``, ``meta`` (a JSON string: meta differs from
document to document), ``spans`` (a list of ``{start, end, label, text, origin, pending}``, code-point
offsets unless ``--offsets`` says otherwise), ``tokens`` with ``token_start``/``token_end``, and
``ner_tags``: flat BIO over the tokens of the entity labels, a ``ClassLabel`` sequence whose names
(``O``, ``B-X``, ``I-X``…) are stored in the file, so ::

    datasets.load_dataset("parquet", data_files="train.parquet")

gives a dataset whose ``features["ner_tags"].feature.names`` decodes the tags. Entity spans that
overlap one already tagged are left out of ``ner_tags`` (they stay in ``spans``) and counted in the
export's report. Needs pyarrow: ``pip install 'reader-arabic[parquet]'``. Rows are written in row
groups of 1,000 as they stream. The file's metadata also says the offset unit of ``spans``
(``{"reader": {"offsets": …}}``).

Reading takes the rows this export writes (``id``, ``text``, ``annotator``, ``answer``, ``meta``,
``spans`` with their origin and pending state; ``tokens`` and ``ner_tags`` follow from them and are not
read), row group by row group, offsets in the unit the file says (``--offsets`` overrides it). A row
without an annotator and without spans or answer is a document alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from annotations.errors import UserError
from annotations.formats import reading as rec
from annotations.formats.base import Format, Item, ReadContext
from annotations.formats.common import (
    ExportOptions,
    Record,
    Warn,
    entity_labels,
    flat,
    group_of,
    kept_spans,
    offset_map,
    span_text,
    where,
)
from annotations.formats.iob import Unalignable, encode_flat
from annotations.formats.offsets import UNITS
from annotations.model import ANSWERS, Document
from annotations.store import ImportedAnnotation

NAME = "parquet"
BATCH = 1000


def require_pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise UserError(
            "the parquet format needs pyarrow, which is not installed: pip install 'reader-arabic[parquet]'"
        ) from None
    return pyarrow


def tag_names(labels: list[str]) -> list[str]:
    names = ["O"]
    for label in labels:
        names += [f"B-{label}", f"I-{label}"]
    return names


def _features(names: list[str]) -> dict[str, Any]:
    def value(dtype: str) -> dict[str, str]:
        return {"dtype": dtype, "_type": "Value"}

    def seq(feature: Any) -> dict[str, Any]:
        return {"feature": feature, "_type": "Sequence"}

    span = {
        k: value(t)
        for k, t in (
            ("start", "int64"),
            ("end", "int64"),
            ("label", "string"),
            ("text", "string"),
            ("origin", "string"),
            ("pending", "bool"),
        )
    }
    return {
        "info": {
            "features": {
                "id": value("string"),
                "text": value("string"),
                "annotator": value("string"),
                "answer": value("string"),
                "meta": value("string"),
                "spans": [span],
                "tokens": seq(value("string")),
                "token_start": seq(value("int64")),
                "token_end": seq(value("int64")),
                "ner_tags": seq({"names": names, "_type": "ClassLabel"}),
            }
        }
    }


def write(records: Iterator[Record], out: IO[bytes], options: ExportOptions, warn: Warn) -> int:
    pa = require_pyarrow()
    import pyarrow.parquet as pq

    schema_labels = [lab.name for lab in options.groups().labels if lab.group == "entity"]
    # only the labels BIO tags carry: the schema's entities and labels it does not know (imported data
    # may use any label set), never quotations or boilerplate, which stay in ``spans``
    extra = [x for x in options.labels_seen if x not in schema_labels and group_of(options.groups(), x) == "entity"]
    labels = schema_labels + extra
    names = tag_names(labels)
    index = {name: i for i, name in enumerate(names)}
    span_type = pa.struct(
        [
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("label", pa.string()),
            ("text", pa.string()),
            ("origin", pa.string()),
            ("pending", pa.bool_()),
        ]
    )
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("text", pa.string()),
            ("annotator", pa.string()),
            ("answer", pa.string()),
            ("meta", pa.string()),
            ("spans", pa.list_(span_type)),
            ("tokens", pa.list_(pa.string())),
            ("token_start", pa.list_(pa.int64())),
            ("token_end", pa.list_(pa.int64())),
            ("ner_tags", pa.list_(pa.int64())),
        ],
        metadata={"huggingface": json.dumps(_features(names)), "reader": json.dumps({"offsets": options.offsets})},
    )
    writer = pq.ParquetWriter(out, schema)
    rows: list[dict[str, Any]] = []
    n = overlapping = 0
    try:
        for doc, ann in flat(records):
            at = where(doc, ann)
            spans = kept_spans(ann, options.include_pending)
            omap = offset_map(doc, options)
            span_rows = [
                {
                    "start": omap.from_codepoint(s.start, at),
                    "end": omap.from_codepoint(s.end, at),
                    "label": s.label,
                    "text": span_text(doc, ann, s),
                    "origin": s.origin,
                    "pending": s.pending,
                }
                for s in spans
            ]
            try:
                enc = encode_flat(doc.text, entity_labels(options.groups(), spans))
            except Unalignable as exc:
                raise UserError(f"{at}: {exc.message}") from None
            overlapping += len(enc.left_out)
            rows.append(
                {
                    "id": doc.id,
                    "text": doc.text,
                    "annotator": ann.annotator if ann is not None else None,
                    "answer": ann.answer if ann is not None else None,
                    "meta": json.dumps(doc.meta, ensure_ascii=False),
                    "spans": span_rows,
                    "tokens": [t.text for t in enc.tokens],
                    "token_start": [omap.from_codepoint(t.start, at) for t in enc.tokens],
                    "token_end": [omap.from_codepoint(t.end, at) for t in enc.tokens],
                    "ner_tags": [index[tag] for tag in enc.flat_tags()],
                }
            )
            n += 1
            if len(rows) >= BATCH:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        if rows or n == 0:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    finally:
        writer.close()
    if overlapping:
        options.notes["overlapping entity spans left out of ner_tags (they are in spans)"] += overlapping
    return n


COLUMNS = ("id", "text", "annotator", "answer", "meta", "spans")


def read_file(path: Path, ctx: ReadContext) -> Iterator[Item | UserError]:
    """The rows of a Parquet file written by this export, one import item each."""
    require_pyarrow()
    import pyarrow.parquet as pq

    name = str(path)
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid (a ValueError) or OSError on a damaged file
        yield UserError(f"not a Parquet file, or a damaged one: {exc}", path=name)
        return
    missing = [c for c in COLUMNS if c not in pf.schema_arrow.names]
    if missing:
        yield UserError(
            f"no {', '.join(repr(c) for c in missing)} column: not a Parquet file written by `reader export "
            "--format parquet` (its columns: " + ", ".join(COLUMNS) + ")",
            path=name,
        )
        return
    ours = (pf.schema_arrow.metadata or {}).get(b"reader")
    if ours is not None and not ctx.offsets_given:
        try:
            unit = json.loads(ours).get("offsets")
        except (ValueError, AttributeError):
            unit = None
        if unit in UNITS:
            ctx.offsets = unit
            ctx.offsets_given = True  # the file says its unit: no warning that the choice matters
    n = 0
    try:
        for batch in pf.iter_batches(batch_size=BATCH, columns=list(COLUMNS)):
            for row in batch.to_pylist():
                n += 1
                try:
                    yield _item(row, ctx)
                except UserError as err:
                    yield UserError(f"row {n}: {err.message}", path=name)
    except OSError as exc:
        yield UserError(f"cannot read row {n + 1} on: {exc}", path=name)


def _item(row: dict[str, Any], ctx: ReadContext) -> Item:
    text = rec.text_of(row)
    meta: Any = None
    if row.get("meta") is not None:
        try:
            meta = json.loads(row["meta"])
        except (TypeError, ValueError) as exc:
            raise UserError(f'"meta" is not a JSON object: {exc}') from None
    doc = Document(rec.doc_id(row.get("id"), text), text, source=ctx.source, meta=rec.meta_of(meta))
    offsets = rec.Offsets(text, ctx, ambiguous=False)
    spans = [rec.full_span(s, text, ctx, offsets, f"span #{i}") for i, s in enumerate(rec.listed(row, "spans"), 1)]
    answer = row.get("answer")
    if answer is not None and answer not in ANSWERS:
        raise UserError(f'unknown "answer" {str(answer)[:20]!r} (expected one of {", ".join(ANSWERS)} or null)')
    who = ctx.annotator if row.get("annotator") is None else rec.name_of(row["annotator"], "annotator")
    if not spans and answer is None:
        return doc, []
    return doc, [ImportedAnnotation(who, spans, answer)]


FORMAT = Format(
    name=NAME,
    summary="Parquet for Hugging Face datasets: spans, tokens, BIO ner_tags as ClassLabel (needs pyarrow)",
    output="binary",
    write=write,
    suffix=".parquet",
    read_file=read_file,
    file_suffixes=(".parquet",),
    offsets=True,
)
