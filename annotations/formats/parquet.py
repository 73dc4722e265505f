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
groups of 1,000 as they stream.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from annotations.errors import UserError
from annotations.formats.base import Format
from annotations.formats.common import (
    ExportOptions,
    Record,
    Warn,
    entity_labels,
    flat,
    kept_spans,
    offset_map,
    span_text,
    where,
)
from annotations.formats.iob import Unalignable, encode_flat

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
    labels = schema_labels + [x for x in options.labels_seen if x not in schema_labels]
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
        metadata={"huggingface": json.dumps(_features(names))},
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


FORMAT = Format(
    name=NAME,
    summary="Parquet for Hugging Face datasets: spans, tokens, BIO ner_tags as ClassLabel (needs pyarrow)",
    output="binary",
    write=write,
    suffix=".parquet",
    offsets=True,
)
