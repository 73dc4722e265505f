"""Reading JSON records: the checks every dialect shares (ids, texts, meta, offsets, labels, numbers),
so each format module only says where its fields are. Everything raises UserError without file or
line; the importer adds those."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from annotations.errors import UserError
from annotations.formats.base import Item, ReadContext
from annotations.formats.offsets import UNITS, OffsetMap, differences
from annotations.model import ORIGINS, Document, Span, derive_id
from annotations.store import ImportedAnnotation
from annotations.userfiles import check_value


def text_of(obj: dict[str, Any], key: str = "text") -> str:
    text = obj.get(key)
    if not isinstance(text, str):
        raise UserError(f'no "{key}" string' if text is None else f'"{key}" must be a string')
    if not text:
        raise UserError(f'empty "{key}"')
    return text


def doc_id(raw: Any, text: str) -> str:
    """A record's id: a non-empty string or an integer; derived from the text when absent."""
    if raw is None:
        return derive_id(text)
    if isinstance(raw, str) and raw.strip():
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    raise UserError(f'"id" must be a non-empty string or an integer, got {str(raw)[:40]!r}')


def meta_of(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UserError('"meta" must be an object')
    check_value(value, '"meta"')
    return value


def document(obj: dict[str, Any], ctx: ReadContext, *, text: str | None = None, meta: Any = None) -> Document:
    text = text_of(obj) if text is None else text
    return Document(doc_id(obj.get("id"), text), text, source=ctx.source, meta=meta_of(meta))


def name_of(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UserError(f'"{what}" must be a non-empty string')
    return value


def number(obj: dict[str, Any], key: str) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(f'"{key}" must be a number')
    try:
        result = float(value)
    except OverflowError:
        raise UserError(f'"{key}" is too large') from None
    if not math.isfinite(result):
        raise UserError(f'"{key}" must be a finite number')
    return result


def timestamp(value: Any, what: str) -> float | None:
    """Unix seconds from a number or an ISO 8601 string (Label Studio's ``created_at``)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise UserError(f'"{what}": not an ISO 8601 time: {value[:40]!r}') from None
    return number({what: value}, what)


UNIT_CHECKS = 1000  # records per file whose text is checked for offset units that differ


class Offsets:
    """Reads one record's offsets in the context's unit as code points, and counts records whose text
    makes the unit matter (for the per-file warning) -- only records that have offsets at all."""

    def __init__(self, text: str, ctx: ReadContext, *, ambiguous: bool) -> None:
        self.text = text
        self.ctx = ctx
        self.map = OffsetMap(text, ctx.offsets)
        self.unchecked = ambiguous and not ctx.offsets_given

    def span(self, start: Any, end: Any, what: str) -> tuple[int, int]:
        if self.unchecked:
            self.unchecked = False
            if self.ctx.units_checked < UNIT_CHECKS:  # a sample is enough to warn
                self.ctx.units_checked += 1
                for unit in differences(self.text):
                    self.ctx.unit_matters[unit] += 1
        for v in (start, end):
            if isinstance(v, bool) or not isinstance(v, int):
                raise UserError(f"{what}: offsets must be integers, got {str(start)[:20]}, {str(end)[:20]}")
        if start >= end:
            raise UserError(f"{what}: empty span [{start}, {end})")
        return self.map.to_codepoint(start, what), self.map.to_codepoint(end, what)


def label_of(label: Any, ctx: ReadContext, what: str) -> str:
    if not isinstance(label, str) or not label.strip():
        raise UserError(f"{what}: label must be a non-empty string")
    if ctx.schema is not None and ctx.schema.get(label) is None:
        shown = label if len(label) <= 40 else label[:40] + "…"
        raise UserError(f'{what}: unknown label "{shown}" (known: {", ".join(ctx.schema.names)})')
    return label


def check_text(given: Any, text: str, start: int, end: int, what: str, raw: tuple[Any, Any] | None = None) -> None:
    """A span's own ``text`` must be the document's text at its offsets. ``raw`` (the offsets as the
    file gave them) lets the message say which offset unit would have matched."""
    if given is None or given == text[start:end]:
        return
    hint = ""
    if isinstance(given, str) and raw is not None:
        for unit in UNITS:
            try:
                m = OffsetMap(text, unit)  # type: ignore[arg-type]
                a, b = m.to_codepoint(raw[0], what), m.to_codepoint(raw[1], what)
            except UserError:
                continue
            if (a, b) != (start, end) and text[a:b] == given:
                hint = f" (the offsets look like {unit} offsets: try --offsets {unit})"
                break
    raise UserError(
        f"{what}: its text {str(given)[:60]!r} is not the text at [{start}, {end}): {text[start:end][:60]!r}{hint}"
    )


def imported_span(start: int, end: int, label: str) -> Span:
    return Span(start, end, label, origin="imported")


def listed(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise UserError(f'"{key}" must be a list')
    return value


def span_bounds(s: Any, text: str, ctx: ReadContext, offsets: Offsets, what: str) -> tuple[int, int, str]:
    """The start, end and label of a span object (``start``, ``end``, ``label``, ``text``?), checked:
    offsets in the text, a known label, and the text it quotes (if any) is the text there."""
    if not isinstance(s, dict):
        raise UserError(f"{what}: expected an object")
    for k in ("start", "end", "label"):
        if k not in s:
            raise UserError(f'{what}: no "{k}"')
    start, end = offsets.span(s["start"], s["end"], what)
    label = label_of(s["label"], ctx, what)
    check_text(s.get("text"), text, start, end, what, (s["start"], s["end"]))
    return start, end, label


def full_span(s: Any, text: str, ctx: ReadContext, offsets: Offsets, what: str) -> Span:
    """A span object as this tool writes it (``start``, ``end``, ``label``, ``text``?, ``origin``?,
    ``pending``?, ``note``?, ``rule``?, ``confidence``?): everything it says is kept."""
    start, end, label = span_bounds(s, text, ctx, offsets, what)
    origin = s.get("origin", "imported")
    if origin not in ORIGINS:
        raise UserError(f"{what}: unknown origin {str(origin)[:20]!r}")
    pending = s.get("pending", False)
    if not isinstance(pending, bool):
        raise UserError(f'{what}: "pending" must be true or false')
    note, rule = s.get("note"), s.get("rule")
    for v, k in ((note, "note"), (rule, "rule")):
        if v is not None:
            if not isinstance(v, str):
                raise UserError(f'{what}: "{k}" must be a string')
            check_value(v, what)
    confidence = number(s, "confidence")
    if confidence is not None and not 0.0 <= confidence <= 1.0:
        raise UserError(f'{what}: "confidence" must be between 0 and 1')
    return Span(start, end, label, origin=origin, pending=pending, note=note, rule=rule, confidence=confidence)


def rejected(obj: dict[str, Any], key: str, text: str, ctx: ReadContext, offsets: Offsets) -> list[Span]:
    """The suggestions a record says its annotator decided against (``key``: span objects as
    :func:`full_span` reads them; without an ``origin``, a suggestion's)."""
    from dataclasses import replace

    out = []
    for i, s in enumerate(listed(obj, key), 1):
        span = full_span(s, text, ctx, offsets, f"rejected suggestion #{i}")
        out.append(span if isinstance(s, dict) and "origin" in s else replace(span, origin="suggested"))
    return out


def item(doc: Document, annotation: ImportedAnnotation) -> Item:
    """A document with the record a line of a JSONL format gave it: no record when it says nothing
    (no spans, no decided suggestions, no answer, no time spent)."""
    a = annotation
    if not a.spans and not a.rejected and a.answer is None and not a.seconds_spent:
        return doc, []
    return doc, [a]
