"""brat standoff: a directory with ``NAME.txt`` (the text) and ``NAME.ann`` per record.

``T1<TAB>LABEL START END<TAB>text``; notes are ``#1<TAB>AnnotatorNotes T1<TAB>note``.

What the files hold, held to brat's own reader (``server/src/annotation.py``):

* ``NAME.txt`` is the document text exactly as imported, UTF-8 without a BOM -- CRLF stays CRLF.
* Offsets are what brat counts: code points of the text as brat reads it, with universal newlines, so
  ``\\r\\n`` (and a lone ``\\r``) is one character. Without CR they are this tool's code-point offsets.
  A span boundary between the CR and the LF of one line break cannot be said and stops the export.
* brat reads ``.ann`` lines the way Python's ``str.splitlines`` splits them, so a span is cut into
  fragments ``START END;START END`` at every line break brat knows (LF, CR, VT, FF, FS, GS, RS, NEL,
  U+2028, U+2029); the text column is the fragments' texts joined by one space, tabs and all, exactly
  as brat checks it. A span of line breaks only cannot be written. Line breaks in a note become spaces.
* Names: the document id made file-safe; ``NAME.ANNOTATOR`` when a document has several records.
  ``reader-manifest.json`` maps each name to its document id, annotator, answer and meta, so importing
  the directory gives back exactly what was exported. ``annotation.conf`` lists the labels.

Reading a directory pairs each ``.ann`` with its ``.txt``; without a manifest the id is the file name.
Relations, events, attributes, normalisations and discontinuous spans are not imported, and the
import says how many it saw.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotations.errors import UserError
from annotations.formats import reading as rec
from annotations.formats.base import Format, Item, ReadContext
from annotations.formats.common import ExportOptions, Record, Warn, dumps, kept_spans, span_text, where
from annotations.model import ANSWERS, Annotation, Document, Span
from annotations.store import ImportedAnnotation
from annotations.userfiles import decode, read_bytes

NAME = "brat"
MANIFEST = "reader-manifest.json"
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_UNSAFE = re.compile(r"[^\w.\-]+")
_ID = re.compile(r"([A-Za-z]+|#[A-Za-z]*)([0-9]+)(.*)")
_GAP = re.compile(rf"[\s{re.escape(LINE_BREAKS)}]*")


# ----------------------------------------------------------------------------------------------------
# brat's offsets: universal newlines


def brat_offsets(text: str) -> list[int] | None:
    """For each code-point offset of ``text`` (and its end), brat's offset; -1 where brat has none
    (between the CR and LF of one line break). None when they are the same (no CR in the text)."""
    if "\r" not in text:
        return None
    out: list[int] = []
    k = 0
    prev_cr = False
    for ch in text:
        if prev_cr and ch == "\n":
            out.append(-1)
            prev_cr = False
            continue
        out.append(k)
        k += 1
        prev_cr = ch == "\r"
    out.append(k)
    return out


def fragments(text: str, span: Span) -> list[tuple[int, int]]:
    """``span`` cut at every line break brat knows, as code-point ranges with text in them."""
    out: list[tuple[int, int]] = []
    start = span.start
    for i in range(span.start, span.end + 1):
        if i == span.end or text[i] in LINE_BREAKS:
            if i > start:
                out.append((start, i))
            start = i + 1
    return out


def ann_text(doc: Document, ann: Annotation | None, include_pending: bool = False) -> str:
    lines: list[str] = []
    notes = 0
    mapping = brat_offsets(doc.text)
    at = where(doc, ann)
    for n, s in enumerate(kept_spans(ann, include_pending), 1):
        span_text(doc, ann, s)
        if any(ch.isspace() for ch in s.label):
            raise UserError(f"{at}: label {s.label!r} holds whitespace, which brat cannot hold")
        frags = fragments(doc.text, s)
        if not frags:
            raise UserError(f"{at}: span [{s.start}, {s.end}) {s.label} holds only line breaks; brat cannot hold it")
        where_ = []
        for a, b in frags:
            if mapping is not None:
                a2, b2 = mapping[a], mapping[b]
                if a2 < 0 or b2 < 0:
                    raise UserError(
                        f"{at}: span [{s.start}, {s.end}) {s.label} starts or ends between the CR and LF of a "
                        "line break, which brat counts as one character"
                    )
                a, b = a2, b2
            where_.append(f"{a} {b}")
        shown = " ".join(doc.text[a:b] for a, b in frags)
        lines.append(f"T{n}\t{s.label} {';'.join(where_)}\t{shown}\n")
        if s.note:
            notes += 1
            note = "".join(" " if ch in LINE_BREAKS else ch for ch in s.note)
            lines.append(f"#{notes}\tAnnotatorNotes T{n}\t{note}\n")
    return "".join(lines)


def write(records: Iterator[Record], out_dir: Path, options: ExportOptions, warn: Warn) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    labels: set[str] = set()
    manifest: dict[str, dict[str, Any]] = {}
    n = 0
    for doc, anns in records:
        pairs: list[tuple[Annotation | None, str]] = (
            [(None, "")] if not anns else [(a, "." + a.annotator if len(anns) > 1 else "") for a in anns]
        )
        for ann, suffix in pairs:
            base = _UNSAFE.sub("_", doc.id + suffix).strip(".")[:120] or "doc"
            name, k = base, 1
            while name.lower() in used or name == MANIFEST.removesuffix(".json"):
                k += 1
                name = f"{base}-{k}"
            used.add(name.lower())
            body = ann_text(doc, ann, options.include_pending)
            (out_dir / f"{name}.txt").write_text(doc.text, encoding="utf-8", newline="")
            (out_dir / f"{name}.ann").write_text(body, encoding="utf-8", newline="")
            labels.update(s.label for s in kept_spans(ann, options.include_pending))
            entry: dict[str, object] = {"id": doc.id}
            if ann is not None:
                entry.update(annotator=ann.annotator, answer=ann.answer, seconds_spent=ann.seconds_spent)
            if doc.meta:
                entry["meta"] = doc.meta
            manifest[name] = entry
            n += 1
    conf = "[entities]\n" + "".join(f"{label}\n" for label in sorted(labels))
    conf += "\n[relations]\n\n[events]\n\n[attributes]\n"
    (out_dir / "annotation.conf").write_text(conf, encoding="utf-8")
    listing = {"format": "reader brat export", "version": 1, "files": manifest}
    (out_dir / MANIFEST).write_text(dumps(listing, indent=1) + "\n", encoding="utf-8")
    return n


# ----------------------------------------------------------------------------------------------------
# Reading


def _manifest(directory: Path) -> dict[str, Any]:
    """The directory's ``reader-manifest.json`` (name -> id, annotator, answer, meta), or {}."""
    path = directory / MANIFEST
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return {}
    return _read_manifest(str(path), mtime)


@functools.lru_cache(maxsize=4)
def _read_manifest(path: str, mtime: int) -> dict[str, Any]:
    try:
        data = json.loads(decode(read_bytes(path), path))
    except ValueError as exc:
        raise UserError(f"not valid JSON: {exc}", path=path) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise UserError('expected {"files": {NAME: {...}}}', path=path)
    return files


def read_file(path: Path, ctx: ReadContext) -> Iterator[Item | UserError]:
    """The document of one ``.ann`` file and its ``.txt``."""
    ann_path = path.with_suffix(".ann")
    txt_path = path.with_suffix(".txt")
    try:
        yield _read_pair(txt_path, ann_path, ctx)
    except UserError as err:
        yield err


def _read_pair(txt_path: Path, ann_path: Path, ctx: ReadContext) -> Item:
    raw = read_bytes(txt_path)
    bom = raw.startswith(b"\xef\xbb\xbf")
    full = decode(raw, str(txt_path))  # brat counts a BOM as a character
    text = full[1:] if bom else full
    if not text:
        raise UserError("empty document", path=str(txt_path))
    directory = ann_path.parent
    entry = _manifest(directory).get(ann_path.stem, {})
    if not isinstance(entry, dict):
        entry = {}
    doc_id = rec.doc_id(entry.get("id", ann_path.stem), text)
    doc = Document(doc_id, text, source=str(txt_path), meta=rec.meta_of(entry.get("meta")))
    # brat offset -> our offset (through the raw text: universal newlines, then the BOM)
    mapping = brat_offsets(full)
    to_ours: dict[int, int] | None = None
    if mapping is not None:
        to_ours = {b: i for i, b in enumerate(mapping) if b >= 0}
    shift = 1 if bom else 0
    brat_text = full.replace("\r\n", "\n").replace("\r", "\n")
    where_ann = str(ann_path)
    ann_raw = decode(read_bytes(ann_path), where_ann)
    if ann_raw.startswith("\ufeff"):
        ann_raw = ann_raw[1:]
    spans: dict[str, Span] = {}
    notes: dict[str, str] = {}
    for lineno, line in enumerate(ann_raw.splitlines(), 1):
        if not line.strip():
            continue
        ident, _, rest = line.partition("\t")
        m = _ID.fullmatch(ident)
        if m is None or not rest:
            raise UserError(f"not a brat annotation line: {line[:60]!r}", path=where_ann, line=lineno)
        kind = m.group(1)
        if kind == "T":
            span = _textbound(ident, rest, brat_text, to_ours, shift, len(text), ctx, where_ann, lineno)
            if span is not None:
                spans[ident] = span
        elif kind == "#":
            data, _, note = rest.partition("\t")
            parts = data.split()
            if len(parts) == 2 and parts[0] == "AnnotatorNotes":
                notes[parts[1]] = note
            else:
                ctx.note("brat comments other than AnnotatorNotes are not imported")
        else:
            what = {"R": "relations", "E": "events", "A": "attributes", "M": "attributes", "N": "normalisations"}
            ctx.note(f"brat {what.get(kind, kind + ' annotations')} are not imported (this tool has spans only)")
    out = []
    for ident, span in spans.items():
        if ident in notes:
            note = notes[ident]
            span = Span(span.start, span.end, span.label, origin="imported", note=note)
        out.append(span)
    who = ctx.annotator if entry.get("annotator") is None else rec.name_of(entry["annotator"], "annotator")
    answer = entry.get("answer")
    if answer is not None and answer not in ANSWERS:
        raise UserError(f"unknown answer {str(answer)[:20]!r} for {ann_path.stem}", path=str(directory / MANIFEST))
    seconds = rec.number(entry, "seconds_spent") or 0.0
    if not out and answer is None:
        return doc, []
    return doc, [ImportedAnnotation(who, out, answer, seconds_spent=max(seconds, 0.0))]


def _textbound(
    ident: str,
    rest: str,
    brat_text: str,
    to_ours: dict[int, int] | None,
    shift: int,
    length: int,
    ctx: ReadContext,
    where_: str,
    lineno: int,
) -> Span | None:
    data, tab, tail = rest.partition("\t")
    try:
        label, ranges = data.split(" ", 1)
        frags: list[tuple[int, int]] = []
        for part in ranges.split(";"):
            first, second = part.split(" ", 1)
            frags.append((int(first), int(second.rstrip())))
    except ValueError:
        raise UserError(
            f"{ident}: expected 'LABEL START END' (fragments separated by ';')", path=where_, line=lineno
        ) from None
    for a, b in frags:
        if not 0 <= a <= b <= len(brat_text):
            raise UserError(
                f"{ident}: [{a}, {b}) is outside the text ({len(brat_text)} characters as brat counts them)",
                path=where_,
                line=lineno,
            )
    reference = " ".join(brat_text[a:b] for a, b in frags)
    if tab and tail[: len(reference)] != reference:
        raise UserError(
            f"{ident}: its text {tail[:60]!r} is not the text at those offsets: {reference[:60]!r}",
            path=where_,
            line=lineno,
        )
    try:
        label = rec.label_of(label, ctx, ident)
    except UserError as exc:
        raise UserError(exc.message, path=where_, line=lineno) from None

    def ours(o: int) -> int:
        v = o if to_ours is None else to_ours[o]
        return v - shift

    start, end = ours(frags[0][0]), ours(frags[-1][1])
    for (_, b), (a, _) in itertools.pairwise(frags):
        gap = brat_text[b:a]
        if a < b or not _GAP.fullmatch(gap):
            ctx.note("discontinuous brat annotations are not imported (spans are contiguous here)")
            return None
    if start < 0 or end > length or start >= end:
        raise UserError(f"{ident}: empty span or inside the byte order mark", path=where_, line=lineno)
    return rec.imported_span(start, end, label)


def detect_pair(path: Path) -> bool:
    """A ``.txt`` or ``.ann`` file that has its partner beside it."""
    return path.suffix in (".txt", ".ann") and path.with_suffix(".ann").is_file() and path.with_suffix(".txt").is_file()


FORMAT = Format(
    name=NAME,
    summary="brat standoff directory (NAME.txt + NAME.ann, brat's own offsets)",
    output="directory",
    write=write,
    read_file=read_file,
    file_suffixes=(".ann",),
)
