"""The annotation store: documents and annotation records, durable after every call.

On disk, for a store at ``PATH``:

``PATH``
    the main file, a TinyDB JSON document with tables ``meta`` (format version, generation),
    ``documents`` (id, source, line, meta, text hash, length, and where the text lives) and
    ``annotations`` (one record per (document, annotator)). It is only ever rewritten atomically
    (temp file in the same directory, fsync, ``os.replace``, fsync of the directory), through
    :class:`AtomicJSONStorage`, a TinyDB ``Storage``: ``TinyDB(PATH, storage=AtomicJSONStorage)``
    reads it (read it only while no ``reader`` process has the store open).
``PATH.journal``
    one JSON line per action since the last rewrite (the whole new annotation record), written and
    fsynced before the call returns. Opening replays it on top of the main file; a torn last line
    (a kill in the middle of a write) is ignored. Past ``JOURNAL_LIMIT`` entries, and on close, the
    journal is folded into the main file and truncated. Each line carries the generation of the main
    file it applies to, so a crash between the rewrite and the truncation cannot replay old records.
``PATH.texts``
    the document texts, append-only, one JSON line per document; the main file holds each text's
    byte offset, so opening a store does not read any text. A kill during an import leaves at most
    an unreferenced tail, which the next writable open cuts off.
``PATH.lock``
    ``fcntl.flock``-ed by the one process that may write; it holds that process's id.

Only one process may open a store for writing; ``Store.open(path, readonly=True)`` reads a snapshot
without locking (a snapshot taken while the writer is compacting is retried).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import json
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from tinydb.storages import Storage

from annotations.errors import StoreError, UserError
from annotations.model import ANSWERS, Annotation, Document, Span, derive_id

FORMAT_VERSION = 1
JOURNAL_LIMIT = 2000  # actions before the journal is folded into the main file
TABLES = ("meta", "documents", "annotations")


# --------------------------------------------------------------------------------------------------
# Atomic files


def fsync_dir(directory: str | os.PathLike[str]) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_tables(path: Path, tables: dict[str, Iterable[tuple[str, Any]]]) -> None:
    """Write a TinyDB-layout JSON file atomically, streaming each record (no full dump in memory)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write("{")
            for t, (name, rows) in enumerate(tables.items()):
                f.write(("," if t else "") + json.dumps(name) + ":{")
                for i, (key, value) in enumerate(rows):
                    f.write(("," if i else "") + "\n" + json.dumps(key) + ":")
                    f.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
                f.write("}")
            f.write("}\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class AtomicJSONStorage(Storage):
    """A TinyDB storage that reads UTF-8 JSON and rewrites the file atomically (never in place)."""

    def __init__(self, path: str | os.PathLike[str], **_kwargs: Any) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            with open(self.path, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            return None
        if not text.strip():
            return None
        data: dict[str, dict[str, Any]] = json.loads(text)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write_tables(self.path, {name: table.items() for name, table in data.items()})

    def close(self) -> None:
        pass


# --------------------------------------------------------------------------------------------------
# Records


@dataclass(slots=True)
class ImportResult:
    added: int = 0
    duplicates: int = 0
    updated_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ImportedAnnotation:
    """Annotation data that comes with an imported document (merged into the store's record)."""

    annotator: str
    spans: list[Span] = field(default_factory=list)
    answer: str | None = None
    created: float | None = None
    updated: float | None = None
    seconds_spent: float = 0.0


_Slot = Annotation | dict[str, Any]


@dataclass(slots=True)
class _DocRec:
    id: str
    source: str | None
    line: int | None
    meta: dict[str, Any]
    hash: str
    chars: int  # len(text) in code points
    offset: int  # byte offset of the text line in PATH.texts
    length: int  # its length in bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "line": self.line,
            "meta": self.meta,
            "text_hash": self.hash,
            "chars": self.chars,
            "offset": self.offset,
            "length": self.length,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> _DocRec:
        return cls(
            str(d["id"]),
            d.get("source"),
            d.get("line"),
            dict(d.get("meta") or {}),
            str(d["text_hash"]),
            int(d["chars"]),
            int(d["offset"]),
            int(d["length"]),
        )


def _check_span(span: Span, chars: int, doc_id: str) -> None:
    if not isinstance(span, Span):
        raise ValueError(f"expected a Span, got {type(span).__name__}")
    if not isinstance(span.label, str) or not span.label:
        raise ValueError(f"span label must be a non-empty string, got {span.label!r}")
    if not (isinstance(span.start, int) and isinstance(span.end, int)) or span.start < 0 or span.end > chars:
        raise UserError(f"span [{span.start}, {span.end}) is outside document {doc_id} ({chars} characters)")


def _check_answer(answer: str | None) -> None:
    if answer is not None and answer not in ANSWERS:
        raise ValueError(f"unknown answer {answer!r} (expected one of {', '.join(ANSWERS)} or None)")


# --------------------------------------------------------------------------------------------------
# The store


class Store:
    path: Path
    readonly: bool

    def __init__(self, path: Path, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._docs: dict[str, _DocRec] = {}
        self._by_hash: dict[str, str] = {}
        # annotator -> doc id -> record; records stay raw dicts (as loaded) until first used, so that
        # opening a big store does not build 100,000 Annotation objects
        self._ann: dict[str, dict[str, _Slot]] = {}
        self._generation = 0
        self._journal_count = 0
        self._journal_fd: int | None = None
        self._lock_fd: int | None = None
        self._texts_r: IO[bytes] | None = None
        self._texts_end = 0
        self._closed = False

    # ---- paths
    @property
    def journal_path(self) -> Path:
        return self.path.with_name(self.path.name + ".journal")

    @property
    def texts_path(self) -> Path:
        return self.path.with_name(self.path.name + ".texts")

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    # ---- opening and closing
    @classmethod
    def open(cls, path: str | os.PathLike[str], *, readonly: bool = False) -> Store:
        """Open (creating it if missing, unless readonly) the store at ``path``."""
        p = Path(os.path.abspath(os.fspath(path)))
        store = cls(p, readonly)
        try:
            store._open()
        except BaseException:
            store._release()
            raise
        return store

    def _open(self) -> None:
        if self.readonly:
            if not self.path.exists():
                raise StoreError(f"no store at {self.path}")
            for _attempt in range(5):
                before = _stat_key(self.path)
                self._load()
                if _stat_key(self.path) == before:
                    break
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store's directory: {exc.strerror}", path=str(self.path.parent)
            ) from exc
        self._lock()
        if not self.path.exists():
            self._write_main(self._docs, self._ann, 0)
        self._load()
        # cut an unreferenced tail of the texts file left by a killed import
        try:
            size = self.texts_path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size > self._texts_end:
            os.truncate(self.texts_path, self._texts_end)
        self._journal_fd = os.open(self.journal_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        fsync_dir(self.path.parent)

    def _lock(self) -> None:
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise
            try:
                pid = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            finally:
                os.close(fd)
            raise StoreError(
                f"store {self.path} is in use by process {pid} (open it read-only, or close the other reader)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    def _load(self) -> None:
        # building a few hundred thousand small objects: the cyclic GC would run dozens of times for
        # nothing (they hold no cycles); pausing it makes opening a 100,000-document store ~40% faster
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._load_inner()
        finally:
            if was_enabled:
                gc.enable()

    def _load_inner(self) -> None:
        try:
            data = AtomicJSONStorage(self.path).read()
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot read the store: {exc}", path=str(self.path)) from exc
        if data is None:
            data = {}
        if not isinstance(data, dict) or not isinstance(data.get("meta"), dict) or not data["meta"]:
            raise StoreError("not a reader store (no meta table)", path=str(self.path))
        meta = next(iter(data["meta"].values()))
        version = meta.get("format") if isinstance(meta, dict) else None
        if not isinstance(version, int):
            raise StoreError("not a reader store (no format version)", path=str(self.path))
        if version > FORMAT_VERSION:
            raise StoreError(
                f"store format version {version} is newer than this reader supports ({FORMAT_VERSION}); "
                "upgrade reader to open it",
                path=str(self.path),
            )
        self._generation = int(meta.get("generation", 0))
        docs: dict[str, _DocRec] = {}
        by_hash: dict[str, str] = {}
        end = 0
        try:
            for d in data.get("documents", {}).values():
                rec = _DocRec.from_dict(d)
                docs[rec.id] = rec
                by_hash.setdefault(rec.hash, rec.id)
                end = max(end, rec.offset + rec.length)
            ann: dict[str, dict[str, _Slot]] = {}
            for d in data.get("annotations", {}).values():
                ann.setdefault(str(d["annotator"]), {})[str(d["doc_id"])] = d
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(f"corrupt record: {exc!r}", path=str(self.path)) from exc
        del data
        self._docs, self._by_hash, self._ann, self._texts_end = docs, by_hash, ann, end
        self._journal_count = self._replay()

    def _replay(self) -> int:
        """Apply the journal; return the number of entries. A torn last line is dropped."""
        try:
            with open(self.journal_path, "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            return 0
        count = 0
        good = 0
        pos = 0
        lineno = 0
        while pos < len(raw):
            nl = raw.find(b"\n", pos)
            lineno += 1
            last = nl == -1 or nl == len(raw) - 1
            chunk = raw[pos:] if nl == -1 else raw[pos:nl]
            try:
                if nl == -1:
                    raise ValueError("no end of line")
                entry = json.loads(chunk.decode("utf-8"))
                if entry.get("op") != "ann":
                    raise ValueError(f"unknown op {entry.get('op')!r}")
                a = Annotation.from_dict(entry["rec"])
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                if last:
                    break  # torn write from a crash: the call never returned
                raise StoreError(
                    f"journal line {lineno} is corrupt ({exc}); move the journal aside to open the store "
                    "without the actions it records",
                    path=str(self.journal_path),
                ) from exc
            pos = nl + 1
            good = pos
            if entry.get("g") != self._generation:
                continue  # already folded into the main file
            self._ann.setdefault(a.annotator, {})[a.doc_id] = a
            count += 1
        if good < len(raw) and not self.readonly:
            os.truncate(self.journal_path, good)
        return count

    def close(self) -> None:
        """Fold the journal into the main file (if writable) and release the store."""
        if self._closed:
            return
        try:
            if not self.readonly and self._journal_count:
                self.compact()
        finally:
            self._release()

    def _release(self) -> None:
        self._closed = True
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        if self._texts_r is not None:
            self._texts_r.close()
            self._texts_r = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ---- main file
    def _write_main(self, docs: dict[str, _DocRec], ann: dict[str, dict[str, _Slot]], gen: int) -> None:
        meta = {"format": FORMAT_VERSION, "generation": gen, "app": "reader"}

        def doc_rows() -> Iterator[tuple[str, Any]]:
            for i, rec in enumerate(docs.values(), 1):
                yield str(i), rec.to_dict()

        def ann_rows() -> Iterator[tuple[str, Any]]:
            i = 0
            for by_doc in ann.values():
                for a in by_doc.values():
                    i += 1
                    yield str(i), a if isinstance(a, dict) else a.to_dict()

        try:
            atomic_write_tables(self.path, {"meta": [("1", meta)], "documents": doc_rows(), "annotations": ann_rows()})
        except OSError as exc:
            raise StoreError(f"cannot write the store: {exc}", path=str(self.path)) from exc

    def compact(self) -> None:
        """Rewrite the main file with everything (atomically), then empty the journal."""
        self._check_writable()
        self._write_main(self._docs, self._ann, self._generation + 1)
        self._generation += 1
        self._truncate_journal()

    def _truncate_journal(self) -> None:
        assert self._journal_fd is not None
        os.ftruncate(self._journal_fd, 0)
        os.fsync(self._journal_fd)
        self._journal_count = 0

    def _journal_append(self, entry: dict[str, Any]) -> None:
        assert self._journal_fd is not None
        data = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        size = os.fstat(self._journal_fd).st_size
        try:
            written = os.write(self._journal_fd, data)
            while written < len(data):
                written += os.write(self._journal_fd, data[written:])
            os.fsync(self._journal_fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._journal_fd, size)
            raise StoreError(f"cannot write the journal: {exc}", path=str(self.journal_path)) from exc
        self._journal_count += 1

    def _check_writable(self) -> None:
        if self._closed:
            raise StoreError("the store is closed", path=str(self.path))
        if self.readonly:
            raise StoreError("the store is open read-only", path=str(self.path))

    # ---- documents
    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def document_ids(self) -> list[str]:
        return list(self._docs)

    def document_length(self, doc_id: str) -> int:
        """len(text) of a document, without reading the text."""
        return self._docs[doc_id].chars

    def document_hash(self, doc_id: str) -> str:
        return self._docs[doc_id].hash

    def get_document(self, doc_id: str) -> Document:
        rec = self._docs[doc_id]
        return Document(rec.id, self._read_text(rec), rec.source, rec.line, dict(rec.meta))

    def iter_documents(self) -> Iterator[Document]:
        for rec in list(self._docs.values()):
            yield Document(rec.id, self._read_text(rec), rec.source, rec.line, dict(rec.meta))

    def _read_text(self, rec: _DocRec) -> str:
        if self._texts_r is None:
            try:
                self._texts_r = open(self.texts_path, "rb")  # noqa: SIM115 - kept open for the store's life
            except FileNotFoundError:
                raise StoreError("the texts file is missing", path=str(self.texts_path)) from None
        # pread, not seek+read: positional and atomic, so a search thread can read texts while the
        # app reads titles.
        raw = os.pread(self._texts_r.fileno(), rec.length, rec.offset)
        try:
            d = json.loads(raw.decode("utf-8"))
            text = d["text"]
            ok = d["id"] == rec.id and isinstance(text, str)
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok or Document("", text).text_hash != rec.hash:
            raise StoreError(f"text of document {rec.id} is corrupt (offset {rec.offset})", path=str(self.texts_path))
        return str(text)

    def add_documents(
        self, docs: Iterable[Document], *, on_progress: Callable[[int], None] | None = None
    ) -> ImportResult:
        """Add documents; one already present (same id, or same text for a derived id) is a duplicate."""
        return self.import_items(((d, ()) for d in docs), on_progress=on_progress)

    def import_items(
        self,
        items: Iterable[tuple[Document, Sequence[ImportedAnnotation]]],
        *,
        on_progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Add documents with their annotations, all or nothing.

        Texts are appended to the texts file as they stream in; the whole batch becomes visible in one
        atomic rewrite of the main file at the end. If ``items`` raises (bad input) or the process dies,
        the store is left exactly as it was. A document with the same id and text as one in the store
        is a duplicate; the same id with another text replaces the text (``updated_ids``), which makes
        annotations on the old text stale. A document whose id was derived from its text
        (``derive_id``) is also a duplicate of any document with the same text.
        ``on_progress`` gets the number of items handled so far.
        """
        self._check_writable()
        result = ImportResult()
        staged: dict[str, _DocRec] = {}
        staged_hash: dict[str, str] = {}
        staged_ann: dict[tuple[str, str], Annotation] = {}
        start = self._texts_end
        pos = start
        now = time.time()
        try:
            with open(self.texts_path, "ab") as tf:
                if tf.tell() != start:
                    tf.truncate(start)
                    tf.seek(start)
                n = 0
                for n, (doc, anns) in enumerate(items, 1):
                    if not isinstance(doc, Document) or not isinstance(doc.text, str):
                        raise ValueError(f"expected a Document, got {doc!r:.80}")
                    if not isinstance(doc.id, str) or not doc.id:
                        raise UserError(f"document id must be a non-empty string, got {doc.id!r}")
                    h = doc.text_hash
                    target = doc.id
                    existing = staged.get(doc.id) or self._docs.get(doc.id)
                    if existing is None and doc.id == derive_id(doc.text):
                        other = staged_hash.get(h) or self._by_hash.get(h)
                        if other is not None:
                            target = other
                            existing = staged.get(other) or self._docs[other]
                    if existing is not None and existing.hash == h:
                        result.duplicates += 1
                        rec = existing
                    else:
                        line = json.dumps({"id": doc.id, "text": doc.text}, ensure_ascii=False) + "\n"
                        data = line.encode("utf-8")
                        tf.write(data)
                        rec = _DocRec(doc.id, doc.source, doc.line, dict(doc.meta), h, len(doc.text), pos, len(data))
                        pos += len(data)
                        if doc.id in self._docs:
                            if doc.id not in result.updated_ids:
                                result.updated_ids.append(doc.id)
                        elif doc.id not in staged:
                            result.added += 1
                        staged[doc.id] = rec
                        staged_hash.setdefault(h, doc.id)
                    for ia in anns:
                        self._stage_annotation(staged_ann, target, rec, ia, now)
                    if on_progress is not None and n % 256 == 0:
                        on_progress(n)
                tf.flush()
                os.fsync(tf.fileno())
            if on_progress is not None:
                on_progress(n)
            if not staged and not staged_ann:
                return result
            docs = dict(self._docs)
            docs.update(staged)
            ann: dict[str, dict[str, _Slot]] = {k: dict(v) for k, v in self._ann.items()}
            for (annotator, doc_id), a in staged_ann.items():
                ann.setdefault(annotator, {})[doc_id] = a
            self._write_main(docs, ann, self._generation + 1)
        except BaseException:
            with contextlib.suppress(OSError):
                os.truncate(self.texts_path, start)
            raise
        self._generation += 1
        self._docs, self._ann, self._texts_end = docs, ann, pos
        for h, doc_id in staged_hash.items():
            self._by_hash.setdefault(h, doc_id)
        self._truncate_journal()
        return result

    def _stage_annotation(
        self,
        staged: dict[tuple[str, str], Annotation],
        doc_id: str,
        rec: _DocRec,
        ia: ImportedAnnotation,
        now: float,
    ) -> None:
        if not isinstance(ia.annotator, str) or not ia.annotator:
            raise UserError(f"annotator must be a non-empty string, got {ia.annotator!r}")
        for span in ia.spans:
            _check_span(span, rec.chars, doc_id)
        _check_answer(ia.answer)
        key = (ia.annotator, doc_id)
        base = staged.get(key)
        if base is None:
            old = self._lookup(ia.annotator, doc_id)
            base = old.copy() if old is not None else None
        fresh = base is None or base.text_hash != rec.hash
        if base is None or base.text_hash != rec.hash:
            # new, or made on an older text: the imported record replaces it
            created = ia.created if ia.created is not None else now
            updated = ia.updated if ia.updated is not None else now
            base = Annotation(doc_id, ia.annotator, rec.hash, [], None, created, updated, 0.0)
        changed = False
        for span in ia.spans:
            if not base.has_span(span):
                base.spans.append(span)
                changed = True
        if ia.answer is not None and ia.answer != base.answer:
            base.answer = ia.answer  # type: ignore[assignment]
            changed = True
        if ia.seconds_spent > base.seconds_spent:
            base.seconds_spent = ia.seconds_spent
            changed = True
        if changed and ia.updated is None:
            base.updated = now
        if changed or fresh or key in staged:
            staged[key] = base  # nothing new: a re-import leaves the record (and the main file) alone

    # ---- annotations (reads return copies: mutate the store only through its methods)
    def _lookup(self, annotator: str, doc_id: str) -> Annotation | None:
        by_doc = self._ann.get(annotator)
        if by_doc is None:
            return None
        a = by_doc.get(doc_id)
        if isinstance(a, dict):
            try:
                a = Annotation.from_dict(a)
            except (KeyError, TypeError, ValueError) as exc:
                raise StoreError(
                    f"corrupt annotation of {doc_id} by {annotator}: {exc!r}", path=str(self.path)
                ) from exc
            by_doc[doc_id] = a
        return a

    def get_annotation(self, doc_id: str, annotator: str) -> Annotation | None:
        a = self._lookup(annotator, doc_id)
        return None if a is None else a.copy()

    def annotations(self, *, annotator: str | None = None) -> Iterator[Annotation]:
        """Annotation records, in document import order (then by annotator)."""
        if annotator is not None:
            for doc_id in list(self._docs):
                a = self._lookup(annotator, doc_id)
                if a is not None:
                    yield a.copy()
            return
        annotators = sorted(self._ann)
        for doc_id in list(self._docs):
            for name in annotators:
                a = self._lookup(name, doc_id)
                if a is not None:
                    yield a.copy()

    def annotators(self) -> list[str]:
        return sorted(name for name, by_doc in self._ann.items() if by_doc)

    def answers(self, annotator: str) -> dict[str, str | None]:
        """doc id -> this annotator's answer (None if none yet), for every document, in import order."""
        by_doc = self._ann.get(annotator, {})
        out: dict[str, str | None] = {}
        for doc_id in self._docs:
            a = by_doc.get(doc_id)
            out[doc_id] = None if a is None else a["answer"] if isinstance(a, dict) else a.answer
        return out

    def stale_annotations(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for annotator in sorted(self._ann):
            for doc_id, a in self._ann[annotator].items():
                rec = self._docs.get(doc_id)
                h = a["text_hash"] if isinstance(a, dict) else a.text_hash
                if rec is not None and rec.hash != h:
                    out.append((doc_id, annotator))
        return out

    # ---- mutations: validated first, journaled and fsynced, then applied
    def _mutate(self, doc_id: str, annotator: str, change: Callable[[Annotation], bool]) -> bool:
        self._check_writable()
        if not isinstance(annotator, str) or not annotator:
            raise ValueError(f"annotator must be a non-empty string, got {annotator!r}")
        rec = self._docs.get(doc_id)
        if rec is None:
            raise KeyError(doc_id)
        old = self._lookup(annotator, doc_id)
        now = time.time()
        work = old.copy() if old is not None else Annotation(doc_id, annotator, rec.hash, created=now)
        if not change(work):
            return False
        work.updated = now
        self._journal_append({"g": self._generation, "op": "ann", "rec": work.to_dict()})
        self._ann.setdefault(annotator, {})[doc_id] = work
        if self._journal_count >= JOURNAL_LIMIT:
            # the journal already holds everything; a failed fold is retried at the next limit
            with contextlib.suppress(StoreError, OSError):
                self.compact()
        return True

    def update(self, doc_id: str, annotator: str, change: Callable[[Annotation], bool]) -> bool:
        """Apply ``change`` to a working copy of the record (created empty if missing); if it returns
        True the new record is journaled (durable when this returns) and becomes current. The generic
        mutation the named ones below are built on, for callers that change several fields at once."""
        return self._mutate(doc_id, annotator, change)

    def add_span(self, doc_id: str, annotator: str, span: Span) -> bool:
        """Add a span; False (and nothing written) if one with the same start, end and label exists."""
        _check_span(span, self._chars(doc_id), doc_id)

        def change(a: Annotation) -> bool:
            if a.has_span(span):
                return False
            a.spans.append(span)
            return True

        return self._mutate(doc_id, annotator, change)

    def remove_span(self, doc_id: str, annotator: str, span: Span) -> bool:
        """Remove the span with the same start, end and label; False if there is none."""
        if not isinstance(span, Span):
            raise ValueError(f"expected a Span, got {type(span).__name__}")
        a = self._lookup(annotator, doc_id)
        if a is None or not a.has_span(span):
            self._check_writable()
            if doc_id not in self._docs:
                raise KeyError(doc_id)
            return False

        def change(a: Annotation) -> bool:
            a.spans = [s for s in a.spans if s.key != span.key]
            return True

        return self._mutate(doc_id, annotator, change)

    def replace_span(self, doc_id: str, annotator: str, old: Span, new: Span) -> None:
        """Replace ``old`` (matched by start, end and label) by ``new``: relabel, resize, accept a suggestion.

        Raises KeyError if ``old`` is not there. A span equal in key to ``new`` is replaced too.
        """
        _check_span(new, self._chars(doc_id), doc_id)
        a = self._lookup(annotator, doc_id)
        if a is None or not a.has_span(old):
            raise KeyError(f"no span {old.key} by {annotator} on {doc_id}")

        def change(a: Annotation) -> bool:
            a.spans = [s for s in a.spans if s.key not in (old.key, new.key)]
            a.spans.append(new)
            return True

        self._mutate(doc_id, annotator, change)

    def set_answer(self, doc_id: str, annotator: str, answer: str | None) -> None:
        _check_answer(answer)

        def change(a: Annotation) -> bool:
            a.answer = answer  # type: ignore[assignment]
            return True

        self._mutate(doc_id, annotator, change)

    def add_time(self, doc_id: str, annotator: str, seconds: float) -> None:
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
            raise ValueError(f"seconds must be a finite number, got {seconds!r}")
        if seconds < 0:
            raise ValueError(f"seconds must not be negative, got {seconds}")

        def change(a: Annotation) -> bool:
            a.seconds_spent += float(seconds)
            return True

        self._mutate(doc_id, annotator, change)

    def _chars(self, doc_id: str) -> int:
        rec = self._docs.get(doc_id)
        if rec is None:
            raise KeyError(doc_id)
        return rec.chars


def _stat_key(path: Path) -> tuple[int, int, int]:
    try:
        st = path.stat()
    except FileNotFoundError:
        return (0, 0, 0)
    return (st.st_ino, st.st_mtime_ns, st.st_size)
