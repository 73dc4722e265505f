"""Label Studio JSON: one array of tasks, one task per document, one annotation per annotator.

``[{"data": {"text", "id", "meta"}, "annotations": [{"result": [{"id", "from_name": "label",
"to_name": "text", "type": "labels", "value": {"start", "end", "text", "labels": [L]}}], "meta":
{"annotator", "answer"}}]}]`` -- for a labelling config with ``<Labels name="label" toName="text">``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from annotations.formats.common import ExportOptions, Record, Warn, kept_spans, span_text
from annotations.model import Annotation, Document

NAME = "label-studio"


def task(doc: Document, anns: list[Annotation], include_pending: bool = False) -> dict[str, Any]:
    annotations = []
    n = 0
    for ann in anns:
        result = []
        for s in kept_spans(ann, include_pending):
            n += 1
            value = {"start": s.start, "end": s.end, "text": span_text(doc, ann, s), "labels": [s.label]}
            result.append({"id": f"s{n}", "from_name": "label", "to_name": "text", "type": "labels", "value": value})
        annotations.append({"result": result, "meta": {"annotator": ann.annotator, "answer": ann.answer}})
    return {"data": {"text": doc.text, "id": doc.id, "meta": doc.meta}, "annotations": annotations}


def write(records: Iterator[Record], out: TextIO, options: ExportOptions, warn: Warn) -> int:
    include_pending = options.include_pending
    import json

    n = 0
    out.write("[")
    for doc, anns in records:
        out.write(("," if n else "") + "\n" + json.dumps(task(doc, anns, include_pending), ensure_ascii=False))
        n += 1
    out.write("\n]\n")
    return n
