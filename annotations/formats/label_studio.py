"""Label Studio JSON: one array of tasks, one task per document, one annotation per annotator.

For a labelling config ``<Labels name="label" toName="text">`` over ``<Text name="text" value="$text">``::

    [{"id": 1, "data": {"text": …, "id": DOCID, "meta": {…}},
      "annotations": [{"id": 1, "completed_by": {"email": "sara@reader.local"}, "was_cancelled": false,
                       "lead_time": 42.5, "created_at": ISO, "updated_at": ISO,
                       "result": [{"id": "s1", "from_name": "label", "to_name": "text", "type": "labels",
                                   "value": {"start", "end", "text", "labels": [L]}}],
                       "meta": {"annotator": "sara", "answer": "accept"}}]}]

Label Studio's own fields carry what an annotator decided, because its server drops an annotation's
``meta``: the task has an integer ``id`` (label-studio-converter needs one); ``completed_by`` names the
annotator by email (an annotator name without "@" gets ``@reader.local``; Label Studio matches it to a
user with that email, so create them, or name annotators by their email); ``was_cancelled`` is our
"skip" (every other answer is a submitted annotation); ``lead_time`` the seconds spent. ``meta`` keeps
the exact annotator and answer for our own round trips.

Reading takes the annotator from ``meta.annotator``, else ``completed_by`` (an email, or
``label-studio-user-N`` for Label Studio's numeric user ids); the answer from ``meta.answer``, else
``was_cancelled`` (cancelled: skip; submitted: accept). Results other than text ``labels`` (choices,
text areas, relations) and predictions are not imported, and the import says how many it saw.
Label Studio's browser counts offsets in UTF-16 code units: use ``--offsets utf16`` for text with emoji.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TextIO

from annotations.errors import UserError
from annotations.formats import reading as rec
from annotations.formats.base import Format, Item, ReadContext
from annotations.formats.common import (
    ExportOptions,
    Record,
    Warn,
    dumps,
    from_label_studio,
    kept_spans,
    offset_map,
    span_text,
    to_label_studio,
    where,
)
from annotations.model import Annotation, Document, Span
from annotations.store import ImportedAnnotation

NAME = "label-studio"
EMAIL_DOMAIN = "reader.local"


def email(annotator: str) -> str:
    return annotator if "@" in annotator else f"{annotator}@{EMAIL_DOMAIN}"


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def task(
    doc: Document, anns: list[Annotation], options: ExportOptions | None = None, task_id: int = 1
) -> dict[str, Any]:
    options = options or ExportOptions()
    omap = offset_map(doc, options)
    annotations = []
    n = 0
    for k, ann in enumerate(anns, 1):
        at = where(doc, ann)
        result = []
        for s in kept_spans(ann, options.include_pending):
            n += 1
            value = {
                "start": omap.from_codepoint(s.start, at),
                "end": omap.from_codepoint(s.end, at),
                "text": span_text(doc, ann, s),
                "labels": [s.label],
            }
            result.append({"id": f"s{n}", "from_name": "label", "to_name": "text", "type": "labels", "value": value})
        annotations.append(
            {
                "id": task_id * 1000 + k,
                "completed_by": {"email": email(ann.annotator)},
                "was_cancelled": to_label_studio(ann.answer),
                "ground_truth": False,
                "lead_time": ann.seconds_spent,
                "created_at": _iso(ann.created),
                "updated_at": _iso(ann.updated),
                "result": result,
                "meta": {"annotator": ann.annotator, "answer": ann.answer},
            }
        )
    return {"id": task_id, "data": {"text": doc.text, "id": doc.id, "meta": doc.meta}, "annotations": annotations}


def write(records: Iterator[Record], out: TextIO, options: ExportOptions, warn: Warn) -> int:
    n = 0
    out.write("[")
    for doc, anns in records:
        n += 1
        out.write(("," if n > 1 else "") + "\n" + dumps(task(doc, anns, options, n)))
    out.write("\n]\n")
    return n


def detect(obj: dict[str, Any]) -> bool:
    return isinstance(obj.get("data"), dict)


def parse(obj: dict[str, Any], ctx: ReadContext) -> Item:
    data = obj["data"]
    text = rec.text_of(data)
    raw_id = data.get("id", obj.get("id"))
    doc = Document(rec.doc_id(raw_id, text), text, source=ctx.source, meta=rec.meta_of(data.get("meta")))
    offsets = rec.Offsets(text, ctx, ambiguous=True)
    out: list[ImportedAnnotation] = []
    for i, a in enumerate(rec.listed(obj, "annotations") or rec.listed(obj, "completions"), 1):
        what = f"annotation #{i}"
        if not isinstance(a, dict):
            raise UserError(f"{what}: expected an object")
        found = a.get("meta")
        meta: dict[str, Any] = found if isinstance(found, dict) else {}
        spans: list[Span] = []
        for j, r in enumerate(rec.listed(a, "result"), 1):
            where_ = f"{what}, result #{j}"
            if not isinstance(r, dict):
                raise UserError(f"{where_}: expected an object")
            value = r.get("value")
            if r.get("type") != "labels" or not isinstance(value, dict):
                ctx.note(f'Label Studio results of type "{str(r.get("type"))[:20]}" are not imported (spans only)')
                continue
            if "start" not in value or "end" not in value:
                raise UserError(f'{where_}: no "start"/"end" in "value"')
            start, end = offsets.span(value["start"], value["end"], where_)
            rec.check_text(value.get("text"), text, start, end, where_, (value["start"], value["end"]))
            labels = value.get("labels")
            if not isinstance(labels, list) or not labels:
                raise UserError(f'{where_}: "labels" must be a non-empty list')
            spans.extend(rec.imported_span(start, end, rec.label_of(lab, ctx, where_)) for lab in labels)
        who = _annotator(meta.get("annotator"), a.get("completed_by"), ctx, what)
        answer = from_label_studio(a.get("was_cancelled"), meta.get("answer"))
        seconds = rec.number(a, "lead_time") or 0.0
        created = rec.timestamp(a.get("created_at"), "created_at")
        updated = rec.timestamp(a.get("updated_at"), "updated_at")
        out.append(ImportedAnnotation(who, spans, answer, created, updated, max(seconds, 0.0)))
    predictions = rec.listed(obj, "predictions")
    if predictions:
        ctx.note("Label Studio predictions are not imported (annotations only)", len(predictions))
    return doc, out


def _annotator(from_meta: Any, completed_by: Any, ctx: ReadContext, what: str) -> str:
    if from_meta is not None:
        return rec.name_of(from_meta, "annotator")
    if isinstance(completed_by, dict):
        mail = completed_by.get("email")
        if isinstance(mail, str) and mail:
            return mail.removesuffix("@" + EMAIL_DOMAIN)
        completed_by = completed_by.get("id")
    if isinstance(completed_by, int) and not isinstance(completed_by, bool):
        return f"label-studio-user-{completed_by}"
    return ctx.annotator


FORMAT = Format(
    name=NAME,
    summary="Label Studio JSON tasks (text Labels), one annotation per annotator",
    output="text",
    write=write,
    suffix=".json",
    parse_record=parse,
    detect_record=detect,
    offsets=True,
)
