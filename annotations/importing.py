"""Reading documents (and the annotation records that come with them) from the files a user gives.

What a path is read as (``fmt="auto"``), each format's reading living in its module of
:mod:`annotations.formats`:

* a directory is walked recursively (hidden entries left out; an unreadable directory is an error,
  never silently skipped), its files taken in sorted order by the rules below;
* ``NAME.txt`` is one document, its id derived from its content (the same article under two names is
  one document, and importing it again is a no-op) -- unless ``NAME.ann`` lies beside it: then the
  pair is a brat document (``brat``); or unless its lines are CoNLL columns (a token and IOB2 tags
  per line, as Wojood's ``train.txt``): then it is read as CoNLL, and the import says so;
* ``.jsonl`` / ``.ndjson``: one JSON record per line; ``.json``: a JSON array of records (Label
  Studio's export), or JSONL. Each record's dialect is detected (doccano ``label``/``entities``, Label
  Studio ``data``, Prodigy ``tokens``/``_input_hash``/``_annotator_id``…, else native) unless
  ``fmt`` names one;
* ``.conll`` / ``.iob`` / ``.bio``: CoNLL columns; stacked tags (Wojood) are detected;
* ``.spacy``: a spaCy DocBin; ``.parquet``: the rows ``reader export --format parquet`` writes;
* anything else needs ``fmt``. A FIFO (``<(zcat x.jsonl.gz)``) is read as a stream.

Every record is validated while streaming (:mod:`annotations.userfiles` for the files,
:mod:`annotations.formats.reading` for the values). An id that comes twice in one import with two
different texts is a conflict, not a silent replacement. :func:`import_paths` stages everything in
the store, which commits at the end or not at all. What a file held that is not imported (doccano
relations, brat events, Label Studio choices…) is reported once per file through ``on_note``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotations.errors import UserError
from annotations.formats import FORMATS as REGISTRY
from annotations.formats import IMPORT_FORMATS, Item, ReadContext, detect_record, get
from annotations.formats.brat import MANIFEST
from annotations.formats.columns import sniff_nested
from annotations.formats.offsets import UNITS
from annotations.gold import imported_annotator_problem
from annotations.labels import LabelSchema
from annotations.model import Document, derive_id
from annotations.store import ImportResult, Store
from annotations.userfiles import (
    check_readable_file,
    decode,
    describe_os_error,
    iter_lines,
    loads,
    open_binary,
    read_bytes,
)

FORMATS_CHOICES: tuple[str, ...] = ("auto", "text", *IMPORT_FORMATS)
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".json")
COLUMN_SUFFIXES = (".conll", ".iob", ".bio")
# whole-file formats known by their suffix alone (spaCy DocBin, Parquet)
BINARY_SUFFIXES = {suffix: name for name in ("spacy", "parquet") for suffix in REGISTRY[name].file_suffixes}
WALKED_SUFFIXES = (".txt", ".ann", *RECORD_SUFFIXES, *COLUMN_SUFFIXES, *BINARY_SUFFIXES)

Invalid = Callable[[UserError], None]
Note = Callable[[str, str], None]  # (file, message)


# ----------------------------------------------------------------------------------------------------
# Which files


def input_files(paths: Sequence[str | os.PathLike[str]], fmt: str = "auto") -> list[Path]:
    """The files to read: given files as they are (checked: a missing path, a device or a symlink loop
    is an error), directories walked (recursively, sorted). A brat pair is listed once, as its ``.ann``."""
    out: list[Path] = []
    for p in map(Path, paths):
        if os.path.isdir(p):
            out.extend(_walk(p, fmt))
        else:
            check_readable_file(p)
            out.append(p)
    return out


def _walk(root: Path, fmt: str) -> list[Path]:
    def fail(exc: OSError) -> None:
        raise UserError(f"cannot read this directory: {describe_os_error(exc)}", path=exc.filename or str(root))

    found: list[Path] = []
    for top, dirs, files in os.walk(root, onerror=fail):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        names = set(files)
        for name in files:
            if name.startswith(".") or name == MANIFEST:
                continue
            suffix = os.path.splitext(name)[1]
            if fmt == "text":
                if suffix == ".txt":
                    found.append(Path(top, name))
                continue
            if suffix not in WALKED_SUFFIXES:
                continue
            if suffix == ".txt" and name[:-4] + ".ann" in names:
                continue  # the brat pair is listed as its .ann
            found.append(Path(top, name))
    return sorted(found)


def total_bytes(files: Sequence[Path]) -> int:
    total = 0
    for f in files:
        with contextlib.suppress(OSError):
            total += f.stat().st_size
    return total


def read_txt_document(path: str | os.PathLike[str]) -> Document:
    """A .txt file as one document: UTF-8 (a BOM is dropped), id derived from the text."""
    name = os.fspath(path)
    raw = read_bytes(name)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text = decode(raw, name)
    if not text.strip():
        raise UserError("empty document", path=name)
    return Document(derive_id(text), text, source=name)


def file_kind(path: Path, fmt: str) -> str:
    """How ``path`` is read: "text", "records" (JSON), or the name of a format that reads whole files."""
    if fmt == "text":
        return "text"
    if fmt != "auto":
        f = get(fmt)
        if f.read_file is not None:
            return f.name
        return "records"
    suffix = path.suffix.lower()
    if suffix == ".ann" or (suffix == ".txt" and path.with_suffix(".ann").exists()):
        if not path.with_suffix(".txt").exists():
            raise UserError(
                f"a brat annotation file without its text ({path.with_suffix('.txt').name})", path=str(path)
            )
        return "brat"
    if suffix == ".txt":
        return _sniff_txt(path)
    if suffix in RECORD_SUFFIXES:
        return "records"
    if suffix in COLUMN_SUFFIXES:
        from annotations.userfiles import open_text_lines

        with open_text_lines(path) as lines:
            return "conll-nested" if sniff_nested(lines) else "conll"
    if suffix in BINARY_SUFFIXES:
        return BINARY_SUFFIXES[suffix]
    raise UserError(
        "unknown kind of file (expected .txt, .ann, .jsonl, .json, .conll, .spacy or .parquet); use --format",
        path=str(path),
    )


def _sniff_txt(path: Path, limit: int = 200) -> str:
    """A ``.txt`` file is one document, unless its lines are CoNLL columns (Wojood ships its corpus as
    ``train.txt``: a token and its IOB2 tags per line, blank lines between sentences): then it is read
    as (nested) CoNLL, and the import says so."""
    from annotations.formats.iob import is_tag
    from annotations.userfiles import open_text_lines

    tokens = 0
    head: list[str] = []
    try:
        with open_text_lines(path) as lines:
            for raw in lines:
                head.append(raw)
                fields = raw.split()
                if fields and not (fields[0] == "#" or fields[0] == "-DOCSTART-"):
                    if len(fields) < 2 or not all(is_tag(f) for f in fields[1:]):
                        return "text"
                    tokens += 1
                if len(head) >= limit:
                    break
    except UserError:
        return "text"  # not UTF-8 or unreadable: the text reader says what is wrong
    if tokens < 2:
        return "text"
    return "conll-nested" if sniff_nested(head) else "conll"


# ----------------------------------------------------------------------------------------------------
# Reading


def iter_items(
    files: Sequence[Path],
    *,
    fmt: str = "auto",
    annotator: str,
    schema: LabelSchema | None,
    skip_invalid: bool = False,
    on_invalid: Invalid | None = None,
    on_bytes: Callable[[int], None] | None = None,
    offsets: str = "codepoint",
    offsets_given: bool = False,
    on_note: Note | None = None,
    known: Callable[[str], bool] | None = None,
) -> Iterator[Item]:
    """Documents and their annotations from ``files``, validated. Raises UserError (with file and line)
    on the first bad one, or with ``skip_invalid`` reports it to ``on_invalid`` and goes on.

    One text is one document whatever the order it comes in: a document with an explicit id whose
    text is already held (``known(id)``: in the store; or earlier in this import) under the id derived
    from its text (a ``.txt`` import) is attached to that document, and the file's note says so (the
    given id is not kept; a store never renames a document others may be labelling). A document given
    under an explicit id first, then as a ``.txt``, lands on the explicit id (the store does that).

    Two records of one annotator for one document in one import are never merged: the same record
    twice is harmless, but a second one with other spans or another answer is an error naming both
    places (``skip_invalid``: the first is kept)."""
    if fmt not in FORMATS_CHOICES:
        raise UserError(f"unknown format {fmt!r} (one of {', '.join(FORMATS_CHOICES)})")
    if offsets not in UNITS:
        raise UserError(f"unknown offset unit {offsets!r} (one of {', '.join(UNITS)})")
    problem = imported_annotator_problem(annotator, option=True)
    if problem is not None:
        raise UserError(f"--annotator {annotator}: {problem}")
    texts: dict[str, int] = {}  # explicit id -> fingerprint of its text, for conflicts within this import
    derived_here: set[str] = set()  # ids derived from their text, of documents in this import
    aliases: dict[str, str] = {}  # explicit id -> the derived id of the document it was attached to
    seen_records: dict[int, tuple[int, int, int | None]] = {}  # (doc, annotator) -> (record, file #, line)
    holds = known if known is not None else (lambda _id: False)

    def bad(err: UserError) -> None:
        if not skip_invalid:
            raise err
        if on_invalid is not None:
            on_invalid(err)

    for file_no, f in enumerate(files):
        ctx = ReadContext(annotator, schema, offsets, offsets_given, source=str(f))  # type: ignore[arg-type]
        attached: list[tuple[str, str]] = []
        try:
            kind = file_kind(f, fmt)
            if fmt == "auto" and f.suffix.lower() == ".txt" and kind in ("conll", "conll-nested"):
                ctx.note(
                    f"this .txt file holds CoNLL columns (a token and its IOB2 tags per line): read as {kind}, "
                    "a document per sentence; --format text imports it as one document"
                )
            if kind == "text":
                stream: Iterator[Item | UserError] = _text_file(f)
            elif kind == "records":
                stream = _record_file(f, fmt, ctx, on_bytes)
            else:
                reader = REGISTRY[kind].read_file
                assert reader is not None
                stream = reader(f, ctx)
            for got in stream:
                if isinstance(got, UserError):
                    bad(got if got.path is not None else UserError(got.message, path=str(f)))
                    continue
                doc = got[0]
                if doc.id.startswith("doc-") and doc.id == derive_id(doc.text):
                    derived_here.add(doc.id)
                else:
                    fp = _fingerprint(doc.text)
                    first_time = doc.id not in texts
                    first = texts.setdefault(doc.id, fp)
                    if first != fp:
                        bad(
                            UserError(
                                f'document id "{doc.id}" came earlier in this import with another text; ids must '
                                "be unique (the first one is kept with --skip-invalid)",
                                path=str(f),
                                line=doc.line,
                            )
                        )
                        continue
                    target = aliases.get(doc.id)
                    if target is None and first_time and not holds(doc.id):
                        derived = derive_id(doc.text)
                        if derived in derived_here or holds(derived):
                            target = aliases[doc.id] = derived
                            attached.append((doc.id, derived))
                    if target is not None:
                        got = Document(target, doc.text, doc.source, doc.line, doc.meta), got[1]
                        doc = got[0]
                reserved = _reserved_annotator(got)
                if reserved is not None:
                    bad(UserError(reserved, path=str(f), line=doc.line))
                    continue
                clash = _second_record(got, seen_records, file_no)
                if clash is not None:
                    who, first_file, first_line = clash
                    at = f"{files[first_file]}" + (f" line {first_line}" if first_line is not None else "")
                    bad(
                        UserError(
                            f'a second record of annotator "{who}" for document "{doc.id}" with other spans or '
                            f"another answer (the first: {at}); records of one annotator are never merged on "
                            "import: keep one of them (--skip-invalid keeps the first)",
                            path=str(f),
                            line=doc.line,
                        )
                    )
                    continue
                yield got
        except UserError as err:
            bad(err if err.path is not None else UserError(err.message, path=str(f)))
        if kind_reads_whole(f) and on_bytes is not None:
            with contextlib.suppress(OSError):
                on_bytes(f.stat().st_size)
        if attached:
            given, derived = attached[0]
            ctx.note(
                f"documents whose text this store already holds under the id derived from it (a .txt import) "
                f'were attached to that document; their given id is not kept (first: "{given}" -> {derived})',
                len(attached),
            )
        if on_note is not None:
            for message in ctx.summary():
                on_note(str(f), message)


def _reserved_annotator(item: Item) -> str | None:
    """What is wrong with a record of ``item`` whose annotator is reserved (None: nothing)."""
    for ia in item[1]:
        problem = imported_annotator_problem(ia.annotator)
        if problem is not None:
            return problem
    return None


def _fingerprint(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def _second_record(
    item: Item, seen: dict[int, tuple[int, int, int | None]], file_no: int
) -> tuple[str, int, int | None] | None:
    """The annotator, file number and line of an earlier record of this import for the same document
    and annotator that differs from one of ``item``'s (None if there is none). Remembers the item's."""
    doc, anns = item
    for ia in anns:
        if ia.only_suggestions():
            continue  # the shared layer's, not a record
        key = _fingerprint(f"{doc.id}\x00{ia.annotator}")
        record = _fingerprint(
            repr((sorted(s.key for s in ia.spans if not s.pending), ia.answer, sorted(s.key for s in ia.rejected)))
        )
        first = seen.setdefault(key, (record, file_no, doc.line))
        if first[0] != record:
            return ia.annotator, first[1], first[2]
    return None


def kind_reads_whole(path: Path) -> bool:
    """Files whose bytes are counted for progress when done (JSONL counts line by line)."""
    return path.suffix.lower() not in RECORD_SUFFIXES


def _text_file(path: Path) -> Iterator[Item | UserError]:
    yield read_txt_document(path), []


def _record_file(
    path: Path, fmt: str, ctx: ReadContext, on_bytes: Callable[[int], None] | None
) -> Iterator[Item | UserError]:
    name = str(path)
    forced = None if fmt in ("auto", "text") else fmt
    with open_binary(path) as fh:
        first = fh.peek(64)[:64] if hasattr(fh, "peek") else b""
        head = first.lstrip(b"\xef\xbb\xbf \t\r\n")
        is_jsonl = path.suffix.lower() in (".jsonl", ".ndjson")
        if head.startswith(b"[") and not is_jsonl:  # a JSON array of records (Label Studio's export)
            data = fh.read()
            if on_bytes is not None:
                on_bytes(len(data))
            try:
                values = loads(decode(data.removeprefix(b"\xef\xbb\xbf"), name))
            except ValueError as exc:
                yield UserError(f"not a valid JSON array: {exc}", path=name)
                return
            if not isinstance(values, list):  # pragma: no cover - starts with "["
                yield UserError("expected a JSON array of records", path=name)
                return
            for i, obj in enumerate(values, 1):
                try:
                    yield parse_record_in(obj, forced, ctx)
                except UserError as exc:
                    yield UserError(f"record #{i}: {exc.message}", path=name)
            return
        for lineno, start, raw in iter_lines(fh, name):
            if on_bytes is not None:
                on_bytes(len(raw))
            if not raw.strip():
                continue
            try:
                line = decode(raw, name, line=lineno, offset=start)
                try:
                    obj = loads(line)
                except ValueError as exc:
                    hint = ""
                    if lineno == 1 and line.strip() in ("[", "{"):
                        hint = " (JSONL needs one record per line; a JSON array of records goes in a .json file)"
                    raise UserError(f"invalid JSON: {exc}{hint}", path=name, line=lineno) from None
                item = parse_record_in(obj, forced, ctx)
            except UserError as exc:
                yield UserError(exc.message, path=name, line=lineno)
                continue
            yield Document(item[0].id, item[0].text, source=name, line=lineno, meta=item[0].meta), item[1]


def parse_record_in(obj: Any, forced: str | None, ctx: ReadContext) -> Item:
    if not isinstance(obj, dict):
        raise UserError(f"expected a JSON object, got {type(obj).__name__}")
    f = get(forced) if forced is not None else detect_record(obj)
    if f.parse_record is None:
        raise UserError(f"{f.name} records cannot be read from JSON")
    if forced == "label-studio" and not f.detect_record(obj):  # type: ignore[misc]
        raise UserError('a Label Studio task needs a "data" object (or is a JSON-MIN row: "text" and regions)')
    return f.parse_record(obj, ctx)


def detect_format(obj: dict[str, Any]) -> str:
    """The dialect of one JSON record: doccano, label-studio, prodigy or native."""
    return detect_record(obj).name


def parse_record(
    obj: Any,
    *,
    fmt: str = "auto",
    annotator: str,
    schema: LabelSchema | None,
    source: str | None = None,
    line: int | None = None,
    offsets: str = "codepoint",
) -> Item:
    """One JSON record as a document and its annotations; raises UserError (without file/line)."""
    from annotations.userfiles import find_lone_surrogate

    where = find_lone_surrogate(obj)  # a Python caller's strings were never decoded from UTF-8
    if where is not None:
        raise UserError(f"lone surrogate in {where}")
    ctx = ReadContext(annotator, schema, offsets, source=source)  # type: ignore[arg-type]
    doc, anns = parse_record_in(obj, None if fmt in ("auto", "text") else fmt, ctx)
    return Document(doc.id, doc.text, source=source, line=line, meta=doc.meta), anns


# ----------------------------------------------------------------------------------------------------
# Importing


def import_paths(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    *,
    fmt: str = "auto",
    annotator: str,
    schema: LabelSchema | None = None,
    skip_invalid: bool = False,
    on_invalid: Invalid | None = None,
    on_bytes: Callable[[int], None] | None = None,
    offsets: str = "codepoint",
    offsets_given: bool = False,
    on_note: Note | None = None,
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
        offsets=offsets,
        offsets_given=offsets_given,
        on_note=on_note,
        known=store.__contains__,
    )
    return store.import_items(items)
