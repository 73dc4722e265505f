"""Label Studio JSON: one array of tasks, one task per document, one annotation per annotator.

For a labelling config ``<Labels name="label" toName="text">`` over ``<Text name="text" value="$text">``::

    [{"id": 1, "data": {"text": …, "id": DOCID, "meta": {…}},
      "annotations": [{"id": 1, "completed_by": {"email": "sara@reader.local"}, "was_cancelled": false,
                       "lead_time": 42.5, "created_at": ISO, "updated_at": ISO,
                       "result": [{"id": "s1", "from_name": "label", "to_name": "text", "type": "labels",
                                   "value": {"start", "end", "text", "labels": [L]}}],
                       "meta": {"annotator": "sara", "answer": "accept", "rejected": [span, …]}}],
      "predictions": [{"model_version": "gazetteer", "score": 0.61,
                       "result": [{"id": "p1", …, "value": {…}, "score": 0.61}]}]}]

Label Studio's own fields carry what an annotator decided, because its server drops an annotation's
``meta``: the task has an integer ``id`` (label-studio-converter needs one); ``completed_by`` names the
annotator by email (an annotator name without "@" gets ``@reader.local``; Label Studio matches it to a
user with that email, so create them, or name annotators by their email); ``was_cancelled`` is our
"skip" (every other answer is a submitted annotation); ``lead_time`` the seconds spent. ``meta`` keeps
the exact annotator and answer (null for a record nobody answered, which imports back unanswered),
and the suggestions the annotator decided against (``rejected``), for
our own round trips.

Pending suggestions are the task's ``predictions`` (Label Studio's pre-annotations, shown for review and
never counted as an annotation): one prediction per suggester rule (``model_version``), each region's
``score`` its confidence, the prediction's ``score`` the lowest of them. They are written by default
(``--no-include-pending`` leaves them out); annotation results hold decided spans only.

Reading takes the annotator from ``meta.annotator``, else ``completed_by`` (an email, or
``label-studio-user-N`` for Label Studio's numeric user ids); the answer from ``meta.answer``, else
``was_cancelled`` (cancelled: skip; submitted: accept). ``predictions`` become pending suggestions of
the store's shared layer, never labels (rule: ``model_version``; confidence: the region's ``score``, else
the prediction's, when it is within 0..1). Results other than text ``labels`` (choices, text areas,
relations) are not imported, and the import says how many it saw.
Rows of label-studio-converter's JSON-MIN export (``text`` and the task's other data fields at the top
level, the regions under the labels' name, ``annotator``, ``annotation_id``) are read too, each as a
submitted annotation.
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
    rejected_objects,
    span_text,
    to_label_studio,
    where,
)
from annotations.formats.offsets import OffsetMap
from annotations.model import Annotation, Document, Span
from annotations.store import ImportedAnnotation
from annotations.userfiles import check_value

NAME = "label-studio"
EMAIL_DOMAIN = "reader.local"


def email(annotator: str) -> str:
    return annotator if "@" in annotator else f"{annotator}@{EMAIL_DOMAIN}"


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def _result(rid: str, doc: Document, ann: Annotation | None, s: Span, omap: OffsetMap) -> dict[str, Any]:
    at = where(doc, ann)
    value = {
        "start": omap.from_codepoint(s.start, at),
        "end": omap.from_codepoint(s.end, at),
        "text": span_text(doc, ann, s),
        "labels": [s.label],
    }
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value}


def predictions(doc: Document, anns: list[Annotation], options: ExportOptions, omap: OffsetMap) -> list[dict[str, Any]]:
    """The task's pending suggestions as Label Studio predictions, one per rule (``model_version``),
    each region with its ``score`` (the suggester's confidence) and the prediction's ``score`` the
    lowest of them (Label Studio sorts tasks by it: least sure first). Pending means: for one of the
    task's records at least (every suggestion of the document if it has none)."""
    found: dict[tuple[int, int, str], tuple[Annotation | None, Span]] = {}
    for ann in anns:
        for s in sorted(ann.spans):
            if s.pending:
                found.setdefault(s.key, (ann, s))
    if not anns and options.suggestions is not None:
        for s in sorted(options.suggestions(doc.id)):
            found.setdefault(s.key, (None, s))
    by_rule: dict[str | None, list[tuple[Annotation | None, Span]]] = {}
    for owner, s in found.values():
        by_rule.setdefault(s.rule, []).append((owner, s))
    out = []
    n = 0
    for rule, items in by_rule.items():
        result = []
        for owner, s in items:
            n += 1
            region = _result(f"p{n}", doc, owner, s, omap)
            if s.confidence is not None:
                region["score"] = s.confidence
            result.append(region)
        prediction: dict[str, Any] = {"model_version": rule} if rule is not None else {}
        scores = [s.confidence for _, s in items if s.confidence is not None]
        if scores:
            prediction["score"] = min(scores)
        prediction["result"] = result
        out.append(prediction)
    return out


def task(
    doc: Document, anns: list[Annotation], options: ExportOptions | None = None, task_id: int = 1
) -> dict[str, Any]:
    options = options or ExportOptions()
    omap = offset_map(doc, options)
    annotations = []
    n = 0
    for k, ann in enumerate(anns, 1):
        result = []
        for s in kept_spans(ann, include_pending=False):  # suggestions go in predictions, never in results
            n += 1
            result.append(_result(f"s{n}", doc, ann, s, omap))
        meta: dict[str, Any] = {"annotator": ann.annotator, "answer": ann.answer}
        decided = rejected_objects(doc, ann, omap)
        if decided:
            meta["rejected"] = decided
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
                "meta": meta,
            }
        )
    out: dict[str, Any] = {
        "id": task_id,
        "data": {"text": doc.text, "id": doc.id, "meta": doc.meta},
        "annotations": annotations,
    }
    if options.include_pending:
        found = predictions(doc, anns, options, omap)
        if found:
            out["predictions"] = found
    return out


def write(records: Iterator[Record], out: TextIO, options: ExportOptions, warn: Warn) -> int:
    n = 0
    out.write("[")
    for doc, anns in records:
        t = task(doc, anns, options, n + 1)
        if not anns and not t.get("predictions"):
            continue  # a document nobody labelled, with nothing to review: not a task of this export
        n += 1
        out.write(("," if n > 1 else "") + "\n" + dumps(t))
        options.written["tasks"] += 1
        options.written["annotations"] += len(anns)
    out.write("\n]\n")
    return options.written["annotations"]


def detect(obj: dict[str, Any]) -> bool:
    return isinstance(obj.get("data"), dict) or is_json_min(obj)


def min_regions(obj: dict[str, Any]) -> str | None:
    """The key of a JSON-MIN row's regions (named after the labelling config's ``<Labels name>``,
    usually "label"): a list of ``{"start", "end", "labels"}`` objects. None if there is none."""
    for key, value in obj.items():
        if (
            isinstance(value, list)
            and value
            and all(isinstance(r, dict) and "labels" in r and "start" in r for r in value)
        ):
            return key
    return None


def is_json_min(obj: dict[str, Any]) -> bool:
    """A row of label-studio-converter's JSON-MIN export: the task's data fields at the top level,
    the regions under the labels' name, ``annotator`` (a user id or email) and ``annotation_id``."""
    return ("data" not in obj and isinstance(obj.get("text"), str) and "annotation_id" in obj) or (
        "data" not in obj and isinstance(obj.get("text"), str) and min_regions(obj) is not None
    )


def _from_json_min(obj: dict[str, Any]) -> dict[str, Any]:
    """A JSON-MIN row as the full task it was made from (one annotation: a submitted one, as JSON-MIN
    keeps no cancelled annotations' state)."""
    key = min_regions(obj)
    regions = obj.get(key, []) if key is not None else []
    who = obj.get("annotator")
    result = [{"type": "labels", "value": r} for r in regions]
    annotation: dict[str, Any] = {"result": result}
    if isinstance(who, str) and "@" in who:
        annotation["completed_by"] = {"email": who}
    elif isinstance(who, int):
        annotation["completed_by"] = who
    for field_ in ("lead_time", "created_at", "updated_at"):
        if field_ in obj:
            annotation[field_] = obj[field_]
    skip = {key, "annotator", "annotation_id", "lead_time", "created_at", "updated_at", "id"}
    data = {k: v for k, v in obj.items() if k not in skip}
    task: dict[str, Any] = {"data": data, "annotations": [annotation]}
    if "id" in obj:
        task["id"] = obj["id"]
    return task


def parse(obj: dict[str, Any], ctx: ReadContext) -> Item:
    if "data" not in obj and is_json_min(obj):
        obj = _from_json_min(obj)
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
            region = _region(r, text, ctx, offsets, where_, "results", " (spans only)")
            if region is None:
                continue
            start, end, labels, _value = region
            spans.extend(rec.imported_span(start, end, rec.label_of(lab, ctx, where_)) for lab in labels)
        who = _annotator(meta.get("annotator"), a.get("completed_by"), ctx, what)
        answer = from_label_studio(a.get("was_cancelled"), meta)
        seconds = rec.number(a, "lead_time") or 0.0
        created = rec.timestamp(a.get("created_at"), "created_at")
        updated = rec.timestamp(a.get("updated_at"), "updated_at")
        decided = rec.rejected(meta, "rejected", text, ctx, offsets)
        out.append(ImportedAnnotation(who, spans, answer, created, updated, max(seconds, 0.0), decided))
    suggested = _predictions(obj, text, ctx, offsets)
    if suggested:
        # suggestions go to the store's shared layer whoever's record carries them (one for the
        # importing annotator if the task has none: it holds nothing else and makes no record)
        if out:
            out[0].spans.extend(suggested)
        else:
            out.append(ImportedAnnotation(ctx.annotator, suggested))
    return doc, out


def _predictions(obj: dict[str, Any], text: str, ctx: ReadContext, offsets: rec.Offsets) -> list[Span]:
    """A task's predictions as pending suggestions (never labels): ``model_version`` is the rule, the
    region's ``score`` (else the prediction's) the confidence when it is a probability (0..1)."""
    out: list[Span] = []
    for i, p in enumerate(rec.listed(obj, "predictions"), 1):
        what = f"prediction #{i}"
        if not isinstance(p, dict):
            raise UserError(f"{what}: expected an object")
        version = p.get("model_version")
        rule = None
        if version is not None and version != "":
            rule = str(version)
            check_value(rule, what)
        overall = rec.number(p, "score")
        for j, r in enumerate(rec.listed(p, "result"), 1):
            where_ = f"{what}, result #{j}"
            region = _region(r, text, ctx, offsets, where_, "prediction results", "")
            if region is None:
                continue
            start, end, labels, value = region
            score = rec.number(r, "score")
            if score is None:
                score = rec.number(value, "score")
            if score is None:
                score = overall
            if score is not None and not 0.0 <= score <= 1.0:
                ctx.note("Label Studio prediction scores outside 0..1 are not kept as confidences")
                score = None
            for lab in labels:
                label = rec.label_of(lab, ctx, where_)
                out.append(Span(start, end, label, origin="suggested", pending=True, rule=rule, confidence=score))
    return out


def _region(
    r: Any, text: str, ctx: ReadContext, offsets: rec.Offsets, where_: str, kind: str, not_kept: str
) -> tuple[int, int, list[Any], dict[str, Any]] | None:
    """One result of an annotation or a prediction: its span, labels and ``value``; None (with a
    note that ``kind`` of other types are not imported, ``not_kept`` said after) for a result that is
    not a labelled text region."""
    if not isinstance(r, dict):
        raise UserError(f"{where_}: expected an object")
    value = r.get("value")
    if r.get("type") != "labels" or not isinstance(value, dict):
        ctx.note(f'Label Studio {kind} of type "{str(r.get("type"))[:20]}" are not imported{not_kept}')
        return None
    if "start" not in value or "end" not in value:
        raise UserError(f'{where_}: no "start"/"end" in "value"')
    start, end = offsets.span(value["start"], value["end"], where_)
    rec.check_text(value.get("text"), text, start, end, where_, (value["start"], value["end"]))
    labels = value.get("labels")
    if not isinstance(labels, list) or not labels:
        raise UserError(f'{where_}: "labels" must be a non-empty list')
    return start, end, labels, value


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
