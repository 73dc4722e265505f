"""Reading documents (and the spans that come with them) from .txt files, directories and JSONL.

* A ``.txt`` file is one document. Its id is derived from its content (``derive_id``), not from the
  file name: the same article saved under two names, moved or re-downloaded is still one document,
  and importing it again is a no-op. ``source`` keeps the path it was read from.
* A directory is walked recursively; its ``.txt`` and ``.jsonl`` files are imported in sorted order.
* A JSONL file has one JSON object per line with ``"text"``, optional ``"id"`` (string or integer;
  derived from the text when absent) and ``"meta"`` (object), and spans in one of three dialects,
  detected per line unless ``fmt`` forces one:

  - doccano: ``"label": [[start, end, "LABEL"], ...]`` (or ``"entities"`` with ``start_offset``);
  - prodigy: ``"spans": [{"start", "end", "label"}]`` with ``"tokens"``/``"_input_hash"``/``"_task_hash"``;
    ``"answer"`` accept/reject/ignore (ignore becomes skip);
  - native (this project's export): ``"spans"`` with ``origin``/``pending``/``note``/``rule``, and
    ``"answer"``, ``"annotator"``, ``"created"``, ``"updated"``, ``"seconds_spent"``.

Offsets are code points. Imported spans get origin ``"imported"`` (native lines keep theirs) and go
to the record of the line's ``"annotator"`` (native) or of the ``annotator`` argument.

Everything is validated while streaming; :func:`import_paths` stages it all in the store, which
commits at the end or not at all.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotations.errors import UserError
from annotations.labels import LabelSchema
from annotations.model import ANSWERS, ORIGINS, Document, Span, derive_id
from annotations.store import ImportedAnnotation, ImportResult, Store

FORMATS: tuple[str, ...] = ("auto", "text", "native", "prodigy", "doccano")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
PRODIGY_ANSWERS = {"accept": "accept", "reject": "reject", "ignore": "skip", "skip": "skip", "flag": "flag"}

Item = tuple[Document, list[ImportedAnnotation]]


def input_files(paths: Sequence[str | os.PathLike[str]], fmt: str = "auto") -> list[Path]:
    """The files to read: given files as they are, directories expanded (recursively, sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = [
                f
                for f in p.rglob("*")
                if f.is_file() and (f.suffix == ".txt" or (fmt != "text" and f.suffix == ".jsonl"))
            ]
            out.extend(sorted(found))
        elif p.is_file():
            out.append(p)
        else:
            raise UserError("no such file or directory", path=str(p))
    return out


def total_bytes(files: Sequence[Path]) -> int:
    return sum(f.stat().st_size for f in files)


def read_txt_document(path: str | os.PathLike[str]) -> Document:
    """A .txt file as one document: UTF-8 (a BOM is dropped), id derived from the text."""
    name = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", path=name) from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"invalid UTF-8 at byte {exc.start}", path=name) from exc
    if not text.strip():
        raise UserError("empty document", path=name)
    return Document(derive_id(text), text, source=name)


def iter_items(
    files: Sequence[Path],
    *,
    fmt: str = "auto",
    annotator: str,
    schema: LabelSchema | None,
    skip_invalid: bool = False,
    on_invalid: Callable[[UserError], None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[Item]:
    """Documents and their annotations from ``files``, validated. Raises UserError (with file and line)
    on the first bad one, or with ``skip_invalid`` reports it to ``on_invalid`` and goes on."""
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    for f in files:
        is_text = fmt == "text" or (fmt == "auto" and f.suffix == ".txt")
        if not is_text and fmt == "auto" and f.suffix not in JSONL_SUFFIXES:
            raise UserError("unknown kind of file (expected .txt or .jsonl); use --format", path=str(f))
        if is_text:
            try:
                doc = read_txt_document(f)
            except UserError as err:
                if not skip_invalid:
                    raise
                if on_invalid is not None:
                    on_invalid(err)
            else:
                yield doc, []
            if on_bytes is not None:
                on_bytes(f.stat().st_size)
            continue
        yield from _iter_jsonl(f, fmt, annotator, schema, skip_invalid, on_invalid, on_bytes)


def _iter_jsonl(
    path: Path,
    fmt: str,
    annotator: str,
    schema: LabelSchema | None,
    skip_invalid: bool,
    on_invalid: Callable[[UserError], None] | None,
    on_bytes: Callable[[int], None] | None,
) -> Iterator[Item]:
    name = str(path)
    offset = 0
    try:
        fh = open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", path=name) from exc
    with fh:
        for lineno, raw in enumerate(fh, 1):
            start = offset
            offset += len(raw)
            if on_bytes is not None:
                on_bytes(len(raw))
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
                start += 3
            if not raw.strip():
                continue
            try:
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise UserError(f"invalid UTF-8 at byte {start + exc.start}", path=name, line=lineno) from exc
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    raise UserError(f"invalid JSON: {exc}", path=name, line=lineno) from exc
                try:
                    item = parse_record(obj, fmt=fmt, annotator=annotator, schema=schema, source=name, line=lineno)
                except UserError as exc:
                    raise UserError(exc.message, path=name, line=lineno) from exc
            except UserError as err:
                if not skip_invalid:
                    raise
                if on_invalid is not None:
                    on_invalid(err)
                continue
            yield item


def detect_format(obj: dict[str, Any]) -> str:
    """The dialect of one JSONL record: doccano, prodigy or native."""
    if "label" in obj or "entities" in obj:
        return "doccano"
    if any(k in obj for k in ("_input_hash", "_task_hash", "tokens", "_view_id")):
        return "prodigy"
    return "native"


def parse_record(
    obj: Any,
    *,
    fmt: str = "auto",
    annotator: str,
    schema: LabelSchema | None,
    source: str | None = None,
    line: int | None = None,
) -> Item:
    """One JSONL record as a document and its annotations; raises UserError (without file/line)."""
    if not isinstance(obj, dict):
        raise UserError(f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise UserError('no "text" string' if text is None else '"text" must be a string')
    if not text:
        raise UserError('empty "text"')
    kind = detect_format(obj) if fmt in ("auto", "text") else fmt
    raw_id = obj.get("id")
    if raw_id is None:
        doc_id = derive_id(text)
    elif isinstance(raw_id, str) and raw_id.strip():
        doc_id = raw_id
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    else:
        raise UserError(f'"id" must be a non-empty string or an integer, got {raw_id!r}')
    meta = obj.get("meta", {})
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise UserError('"meta" must be an object')
    doc = Document(doc_id, text, source=source, line=line, meta=meta)

    who = annotator
    answer: str | None = None
    created = updated = None
    seconds = 0.0
    if kind == "doccano":
        spans = _doccano_spans(obj, text, schema)
    elif kind == "prodigy":
        spans = [_span(s, text, schema, i, native=False) for i, s in enumerate(_list(obj, "spans"), 1)]
        a = obj.get("answer")
        if a is not None:
            if a not in PRODIGY_ANSWERS:
                raise UserError(f'unknown "answer" {a!r} (expected accept, reject or ignore)')
            answer = PRODIGY_ANSWERS[a]
    elif kind == "native":
        spans = [_span(s, text, schema, i, native=True) for i, s in enumerate(_list(obj, "spans"), 1)]
        answer = obj.get("answer")
        if answer is not None and answer not in ANSWERS:
            raise UserError(f'unknown "answer" {answer!r} (expected one of {", ".join(ANSWERS)} or null)')
        if obj.get("annotator") is not None:
            if not isinstance(obj["annotator"], str) or not obj["annotator"]:
                raise UserError('"annotator" must be a non-empty string')
            who = obj["annotator"]
        created = _number(obj, "created")
        updated = _number(obj, "updated")
        seconds = _number(obj, "seconds_spent") or 0.0
        if seconds < 0:
            raise UserError('"seconds_spent" must not be negative')
    else:
        raise UserError(f"unknown format {kind!r}")
    if not spans and answer is None and not seconds:
        return doc, []
    return doc, [ImportedAnnotation(who, spans, answer, created, updated, seconds)]


def _list(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise UserError(f'"{key}" must be a list')
    return value


def _number(obj: dict[str, Any], key: str) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise UserError(f'"{key}" must be a number')
    return float(value)


def _check_offsets(start: Any, end: Any, text: str, what: str) -> None:
    for v in (start, end):
        if isinstance(v, bool) or not isinstance(v, int):
            raise UserError(f"{what}: offsets must be integers, got {start!r}, {end!r}")
    if start >= end:
        raise UserError(f"{what}: empty span [{start}, {end})")
    if start < 0 or end > len(text):
        raise UserError(f"{what}: [{start}, {end}) is outside the text ({len(text)} characters)")


def _check_label(label: Any, schema: LabelSchema | None, what: str) -> str:
    if not isinstance(label, str) or not label:
        raise UserError(f"{what}: label must be a non-empty string")
    if schema is not None and schema.get(label) is None:
        raise UserError(f'{what}: unknown label "{label}" (known: {", ".join(schema.names)})')
    return label


def _span(s: Any, text: str, schema: LabelSchema | None, i: int, *, native: bool) -> Span:
    what = f"span #{i}"
    if not isinstance(s, dict):
        raise UserError(f"{what}: expected an object")
    for k in ("start", "end", "label"):
        if k not in s:
            raise UserError(f'{what}: no "{k}"')
    start, end = s["start"], s["end"]
    _check_offsets(start, end, text, what)
    label = _check_label(s["label"], schema, what)
    if "text" in s and s["text"] != text[start:end]:
        raise UserError(f"{what}: its text {s['text']!r} is not the text at [{start}, {end}): {text[start:end]!r}")
    if not native:
        return Span(start, end, label, origin="imported")
    origin = s.get("origin", "imported")
    if origin not in ORIGINS:
        raise UserError(f"{what}: unknown origin {origin!r}")
    pending = s.get("pending", False)
    if not isinstance(pending, bool):
        raise UserError(f'{what}: "pending" must be true or false')
    note, rule = s.get("note"), s.get("rule")
    if not (note is None or isinstance(note, str)) or not (rule is None or isinstance(rule, str)):
        raise UserError(f'{what}: "note" and "rule" must be strings')
    return Span(start, end, label, origin=origin, pending=pending, note=note, rule=rule)


def _doccano_spans(obj: dict[str, Any], text: str, schema: LabelSchema | None) -> list[Span]:
    spans: list[Span] = []
    if "entities" in obj and "label" not in obj:
        for i, e in enumerate(_list(obj, "entities"), 1):
            what = f"entity #{i}"
            if not isinstance(e, dict) or not {"start_offset", "end_offset", "label"} <= e.keys():
                raise UserError(f'{what}: expected {{"start_offset", "end_offset", "label"}}')
            _check_offsets(e["start_offset"], e["end_offset"], text, what)
            label = _check_label(e["label"], schema, what)
            spans.append(Span(e["start_offset"], e["end_offset"], label, origin="imported"))
        return spans
    for i, e in enumerate(_list(obj, "label"), 1):
        what = f"label #{i}"
        if not isinstance(e, list) or len(e) != 3:
            raise UserError(f"{what}: expected [start, end, label], got {json.dumps(e, ensure_ascii=False)}")
        _check_offsets(e[0], e[1], text, what)
        label = _check_label(e[2], schema, what)
        spans.append(Span(e[0], e[1], label, origin="imported"))
    return spans


def import_paths(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    *,
    fmt: str = "auto",
    annotator: str,
    schema: LabelSchema | None = None,
    skip_invalid: bool = False,
    on_invalid: Callable[[UserError], None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import files and directories into ``store``, all or nothing. ``schema`` defaults to the default
    label schema; ``on_bytes`` gets the number of input bytes read since the last call."""
    files = input_files(paths, fmt)
    items = iter_items(
        files,
        fmt=fmt,
        annotator=annotator,
        schema=LabelSchema.default() if schema is None else schema,
        skip_invalid=skip_invalid,
        on_invalid=on_invalid,
        on_bytes=on_bytes,
    )
    return store.import_items(items)
