"""The annotation store: documents and annotation records, durable after every call.

On disk, for a store at ``PATH`` (the real path: a store opened through a symlink is the store the
link points to, locked and written there):

``PATH``
    the main file, a TinyDB JSON document with tables ``meta`` (format version, generation, the
    committed end of the texts file), ``documents`` (id, source, line, meta, text hash, length, and
    where the text lives) and ``annotations`` (one record per (document, annotator)). It is only
    ever rewritten atomically (:mod:`annotations.store.atomic`); ``TinyDB(PATH,
    storage=AtomicJSONStorage)`` reads it (while no ``reader`` process has the store open).
``PATH.journal``
    the actions since the main file was written, one checksummed line each, fsynced before the
    call returns (:mod:`annotations.store.journal`). Opening replays it; past ``JOURNAL_LIMIT``
    entries, and on close, it is folded into the main file and replaced by an empty one.
``PATH.texts``
    the document texts, append-only (:mod:`annotations.store.texts`).
``PATH.lock``
    held by the one process that may write (:mod:`annotations.store.lock`).

Damage is refused, never repaired by guessing: a missing or inconsistent file set, a journal line
that fails its checksum, a main file older than its journal, a truncated texts file, a bad document
row. The refusal names the file and what to do, and changes no file. The only damage recovered
silently is the one a kill leaves: an unfinished last journal line (its call never returned) or an
unreferenced tail of the texts file (an import that never committed).

Only one process may open a store for writing; ``Store.open(path, readonly=True)`` reads a snapshot
without locking (a snapshot taken while the writer is compacting is retried).
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from annotations.errors import StoreError, UserError
from annotations.model import Annotation, Document, Span
from annotations.store.atomic import atomic_write_tables
from annotations.store.journal import JournalContents, JournalDamage, JournalWriter, read_journal
from annotations.store.lock import WriterLock, os_reason
from annotations.store.merge import ImportedAnnotation, ImportResult, classify_document, merge_imported
from annotations.store.records import DocRec, check_answer, check_span, record_key
from annotations.store.texts import TextsAppender, TextsFile, encode_text

FORMAT_VERSION = 2
JOURNAL_LIMIT = 2000  # actions before the journal is folded into the main file

Record = dict[str, Any]  # an annotation record as stored: Annotation.to_dict()


class _Retry(Exception):
    """A read-only snapshot met a writer in the middle of a fold."""


class Store:
    path: Path
    readonly: bool

    def __init__(self, path: Path, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._docs: dict[str, DocRec] = {}
        self._by_hash: dict[str, str] = {}
        self._ann: dict[str, dict[str, Record]] = {}  # annotator -> doc id -> record
        self._generation = 0
        self._texts_end = 0
        self._exists = False  # False: a new store, nothing written yet
        self._journal = JournalWriter(self.journal_path)
        self._journal_stale = False  # the journal could not be replaced after a fold: replace before appending
        self._lock: WriterLock | None = None
        self._texts = TextsFile(self.texts_path)
        self._closed = False
        self._settled = False  # read-only: a state that looks inconsistent may be a writer mid-fold

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
        """Open the store at ``path`` (a new one, written at its first import, unless readonly)."""
        try:
            real = Path(os.path.realpath(os.path.abspath(os.fspath(path))))
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot resolve the store's path: {exc}", path=os.fspath(path)) from exc
        store = cls(real, readonly)
        try:
            store._open()
        except BaseException:
            store._release(refused=True)
            raise
        return store

    def _open(self) -> None:
        if self.readonly:
            for attempt in range(20):
                try:
                    self._load()
                    return
                except _Retry:
                    time.sleep(0.01 * attempt)
            self._settled = True  # the same state every time: what is seen is what is on disk
            self._load()
            return
        if not self.path.parent.is_dir():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the store's directory: {os_reason(exc)}", path=str(self.path.parent)
                ) from exc
        self._lock = WriterLock(self.lock_path, self.path)
        self._lock.acquire()
        contents = self._load()
        if self._exists:
            if (
                contents is None
                or contents.legacy
                or contents.header is None
                or contents.header["g"] != self._generation
            ):
                # format 1, an empty journal the user created on purpose, or one left behind by a
                # fold that crashed before replacing it: all of it is in memory now, so the first
                # write gives the store the current format and a fresh journal
                self._compact_or_refuse()
            else:
                self._journal.open(len(contents.entries))
        self._lock.claim()

    def _compact_or_refuse(self) -> None:
        try:
            self._fold()
        except OSError as exc:
            raise StoreError(f"cannot write the store: {os_reason(exc)}", path=str(self.path)) from exc

    def _companions(self) -> list[str]:
        """The files a store has besides its main file that hold data."""
        found = []
        with contextlib.suppress(OSError):
            if self.texts_path.stat().st_size > 0:
                found.append(self.texts_path.name)
        with contextlib.suppress(OSError):
            if self.journal_path.stat().st_size > 0:
                contents = None
                with contextlib.suppress(JournalDamage, OSError):
                    contents = read_journal(self.journal_path)
                if contents is None or contents.entries or (contents.header or {}).get("g", 1) != 0:
                    found.append(self.journal_path.name)
        return found

    def _load(self) -> JournalContents | None:
        # building a few hundred thousand small objects: the cyclic GC would run dozens of times for
        # nothing (they hold no cycles); pausing it makes opening a 100,000-document store faster
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._load_inner()
        finally:
            if was_enabled:
                gc.enable()

    def _load_inner(self) -> JournalContents | None:
        before = _stat_key(self.path)
        try:
            with open(self.path, "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            companions = self._companions()
            if companions:
                raise StoreError(
                    f"the main file is missing but {' and '.join(companions)} exist: the store is damaged. "
                    "Restore the main file from a backup; to start a new store here instead, move "
                    f"{' and '.join(companions)} aside",
                    path=str(self.path),
                ) from None
            if self.readonly:
                raise StoreError(f"no store at {self.path}") from None
            self._exists = False
            return None
        except OSError as exc:
            raise StoreError(f"cannot read the store: {os_reason(exc)}", path=str(self.path)) from exc
        self._exists = True
        try:
            data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except (ValueError, RecursionError) as exc:
            if self.readonly and not self._settled:
                raise _Retry from None
            raise StoreError(
                f"the main file is not valid JSON ({exc}); restore it from a backup", path=str(self.path)
            ) from None
        del raw
        if not isinstance(data, dict) or not isinstance(data.get("meta"), dict) or not data["meta"]:
            raise StoreError("not a reader store (no meta table)", path=str(self.path))
        meta = next(iter(data["meta"].values()))
        version = meta.get("format") if isinstance(meta, dict) else None
        if not isinstance(version, int) or isinstance(version, bool):
            raise StoreError("not a reader store (no format version)", path=str(self.path))
        if version > FORMAT_VERSION:
            raise StoreError(
                f"store format version {version} is newer than this reader supports ({FORMAT_VERSION}); "
                "upgrade reader to open it",
                path=str(self.path),
            )
        generation = meta.get("generation", 0)
        if not isinstance(generation, int) or generation < 0:
            raise StoreError(f"bad generation {generation!r} in the meta table", path=str(self.path))
        docs: dict[str, DocRec] = {}
        by_hash: dict[str, str] = {}
        end = 0
        ann: dict[str, dict[str, Record]] = {}
        try:
            tables = (data.get("documents") or {}, data.get("annotations") or {})
            if not all(isinstance(t, dict) for t in tables):
                raise ValueError("a table is not an object")
            for key, d in tables[0].items():
                try:
                    rec = DocRec.from_dict(d)
                except ValueError as exc:
                    raise ValueError(f"documents row {key}: {exc}") from None
                docs[rec.id] = rec
                by_hash.setdefault(rec.hash, rec.id)
                end = max(end, rec.end)
            for key, d in tables[1].items():
                if not isinstance(d, dict):
                    raise ValueError(f"annotations row {key}: not an object")
                annotator, doc_id = record_key(d)
                ann.setdefault(annotator, {})[doc_id] = d
        except ValueError as exc:
            raise StoreError(
                f"corrupt record: {exc}; restore the main file from a backup", path=str(self.path)
            ) from None
        texts_end = meta.get("texts_end", end) if version >= 2 else end
        if not isinstance(texts_end, int) or texts_end < end:
            raise StoreError(
                f"the meta table's texts_end {texts_end!r} is before the end of a document's text ({end})",
                path=str(self.path),
            )
        del data
        self._texts.check(texts_end)
        self._docs, self._by_hash, self._ann = docs, by_hash, ann
        self._generation, self._texts_end = generation, texts_end
        contents = self._read_journal(legacy=version == 1)
        if self.readonly and not self._settled and _stat_key(self.path) != before:
            raise _Retry
        return contents

    def _read_journal(self, *, legacy: bool) -> JournalContents | None:
        try:
            contents = read_journal(self.journal_path, legacy=legacy)
        except JournalDamage as exc:
            raise StoreError(
                f"journal line {exc.line} is corrupt ({exc.reason}). The actions from that line on cannot be "
                "trusted: restore the journal from a backup, or, to give up the actions it records, move "
                "it aside (the store then opens as it was last saved)",
                path=str(self.journal_path),
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot read the journal: {os_reason(exc)}", path=str(self.journal_path)) from exc
        if contents is None:
            if self._generation > 0 and not legacy:
                raise StoreError(
                    "the journal is missing: the actions since the store was last saved are lost. Restore it "
                    "from a backup; to open the store as it was last saved, create an empty journal file "
                    f"(`touch {self.journal_path}`)",
                    path=str(self.journal_path),
                )
            return None
        if legacy:
            entries = [e for e in contents.entries if e.get("g") == self._generation]
        elif contents.header is None:
            entries = []  # an empty file: the user gave up what it held
        else:
            g = contents.header["g"]
            if g > self._generation:
                if self.readonly and not self._settled:
                    raise _Retry  # a writer replaced the main file and then the journal since we read it
                raise StoreError(
                    f"the main file is older than its journal (saved state {self._generation}, the journal "
                    f"continues state {g}): an older copy of the main file was restored? Restore the matching "
                    "main file; nothing was changed",
                    path=str(self.path),
                )
            entries = contents.entries if g == self._generation else []  # older: already folded in
        for n, entry in enumerate(entries, 2):
            rec = entry.get("rec")
            try:
                if entry.get("op") != "ann" or not isinstance(rec, dict):
                    raise ValueError(f"unknown operation {entry.get('op')!r}")
                annotator, doc_id = record_key(rec)
                if doc_id not in self._docs:
                    raise ValueError(f"a record for unknown document {doc_id}")
            except ValueError as exc:
                raise StoreError(
                    f"journal line {n} is corrupt ({exc}); restore the journal from a backup, or move it aside "
                    "to open the store as it was last saved",
                    path=str(self.journal_path),
                ) from None
            self._ann.setdefault(annotator, {})[doc_id] = rec
        return contents

    def close(self) -> None:
        """Fold the journal into the main file (if writable) and release the store."""
        if self._closed:
            return
        try:
            if not self.readonly and self._exists and (self._journal.count or self._journal_stale):
                self.compact()
        finally:
            self._release()

    def _release(self, *, refused: bool = False) -> None:
        self._closed = True
        self._journal.close()
        self._texts.close()
        if self._lock is not None:
            # a refused open, or a store that was never written, leaves no lock file it created
            self._lock.release(remove=self._lock.created and (refused or not self._exists))
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            self.close()
        else:
            self._release()  # after a failure, write nothing more: the journal already holds every action

    # ---- main file
    def _write_main(self, docs: dict[str, DocRec], ann: dict[str, dict[str, Record]], gen: int, end: int) -> None:
        meta = {"format": FORMAT_VERSION, "generation": gen, "texts_end": end, "app": "reader"}

        def doc_rows() -> Iterator[tuple[str, Any]]:
            for i, rec in enumerate(docs.values(), 1):
                yield str(i), rec.to_dict()

        def ann_rows() -> Iterator[tuple[str, Any]]:
            i = 0
            for by_doc in ann.values():
                for a in by_doc.values():
                    i += 1
                    yield str(i), a

        atomic_write_tables(self.path, {"meta": [("1", meta)], "documents": doc_rows(), "annotations": ann_rows()})

    def _fold(
        self,
        docs: dict[str, DocRec] | None = None,
        ann: dict[str, dict[str, Record]] | None = None,
        end: int | None = None,
    ) -> None:
        """Write the main file with everything at the next generation, then start a new journal.

        Raises OSError with the store as it was if the main file cannot be written. If only the
        journal cannot be replaced, the store is consistent (the old journal belongs to an older
        generation and is ignored when read) and the next append replaces it first."""
        docs = self._docs if docs is None else docs
        ann = self._ann if ann is None else ann
        end = self._texts_end if end is None else end
        gen = self._generation + 1
        self._write_main(docs, ann, gen, end)
        self._generation = gen
        self._docs, self._ann, self._texts_end = docs, ann, end
        self._exists = True
        self._journal_stale = True
        self._journal.count = 0
        self._renew_journal()

    def _renew_journal(self) -> None:
        self._journal.reset({"op": "journal", "g": self._generation})
        self._journal_stale = False

    def compact(self) -> None:
        """Rewrite the main file with everything (atomically), then empty the journal."""
        self._check_writable()
        if not self._exists:
            return
        try:
            self._fold()
        except OSError as exc:
            raise StoreError(f"cannot write the store: {os_reason(exc)}", path=str(self.path)) from exc

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

    def get_document(self, doc_id: str) -> Document:
        return self._document(self._docs[doc_id])

    def iter_documents(self) -> Iterator[Document]:
        for rec in list(self._docs.values()):
            yield self._document(rec)

    def _document(self, rec: DocRec) -> Document:
        text = self._texts.read(rec.id, rec.offset, rec.length, rec.hash)
        return Document(rec.id, text, rec.source, rec.line, dict(rec.meta))

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
        atomic rewrite of the main file at the end. If ``items`` raises (bad input), the disk is full or
        the process dies, the store is left exactly as it was. A document with the same id and text as
        one in the store is a duplicate; the same id with another text replaces the text
        (``updated_ids``), which makes annotations on the old text stale. A document whose id was
        derived from its text (``derive_id``) is also a duplicate of any document with the same text.
        ``on_progress`` gets the number of items handled so far.
        """
        self._check_writable()
        result = ImportResult()
        staged: dict[str, DocRec] = {}
        staged_hash: dict[str, str] = {}
        staged_ann: dict[tuple[str, str], Annotation] = {}
        now = time.time()

        def hash_of(doc_id: str) -> str | None:
            rec = staged.get(doc_id) or self._docs.get(doc_id)
            return None if rec is None else rec.hash

        def id_with_hash(h: str) -> str | None:
            return staged_hash.get(h) or self._by_hash.get(h)

        with TextsAppender(self.texts_path, self._texts_end) as texts:
            try:
                n = 0
                for n, (doc, anns) in enumerate(items, 1):
                    if not isinstance(doc, Document) or not isinstance(doc.text, str):
                        raise ValueError(f"expected a Document, got {doc!r:.80}")
                    if not isinstance(doc.id, str) or not doc.id:
                        raise UserError(f"document id must be a non-empty string, got {doc.id!r}")
                    verdict, target = classify_document(doc, hash_of, id_with_hash)
                    if verdict == "duplicate":
                        result.duplicates += 1
                        rec = staged.get(target) or self._docs[target]
                    else:
                        data = encode_text(doc.id, doc.text)
                        offset = texts.append(data)
                        h = doc.text_hash
                        rec = DocRec(doc.id, doc.source, doc.line, dict(doc.meta), h, len(doc.text), offset, len(data))
                        if verdict == "update":
                            if doc.id not in result.updated_ids and doc.id in self._docs:
                                result.updated_ids.append(doc.id)
                        elif doc.id not in staged:
                            result.added += 1
                        staged[doc.id] = rec
                        staged_hash.setdefault(h, doc.id)
                    for ia in anns:
                        self._stage_annotation(staged_ann, target, rec, ia, now)
                    if on_progress is not None and n % 256 == 0:
                        on_progress(n)
                texts.sync()
                if on_progress is not None:
                    on_progress(n)
                if not staged and not staged_ann:
                    texts.abort()
                    return result
                docs = dict(self._docs)
                docs.update(staged)
                ann: dict[str, dict[str, Record]] = {k: dict(v) for k, v in self._ann.items()}
                for (annotator, doc_id), a in staged_ann.items():
                    ann.setdefault(annotator, {})[doc_id] = a.to_dict()
                self._write_main(docs, ann, self._generation + 1, texts.pos)
            except OSError as exc:
                texts.abort()
                raise StoreError(
                    f"cannot write the store: {os_reason(exc)}; nothing was imported", path=str(self.path)
                ) from exc
            except BaseException:
                texts.abort()
                raise
        self._generation += 1
        self._exists = True
        self._docs, self._ann, self._texts_end = docs, ann, texts.pos
        for h, doc_id in staged_hash.items():
            self._by_hash.setdefault(h, doc_id)
        self._journal.count = 0
        self._journal_stale = True
        with contextlib.suppress(OSError):  # if this fails, the next append retries first
            self._renew_journal()
        return result

    def _stage_annotation(
        self,
        staged: dict[tuple[str, str], Annotation],
        doc_id: str,
        rec: DocRec,
        ia: ImportedAnnotation,
        now: float,
    ) -> None:
        if not isinstance(ia.annotator, str) or not ia.annotator:
            raise UserError(f"annotator must be a non-empty string, got {ia.annotator!r}")
        for span in ia.spans:
            check_span(span, rec.chars, doc_id)
        check_answer(ia.answer)
        key = (ia.annotator, doc_id)
        base = staged.get(key)
        if base is None:
            base = self._lookup(ia.annotator, doc_id)
        merged = merge_imported(base, ia, doc_id, rec.hash, now)
        if merged is not None:
            staged[key] = merged  # nothing new: a re-import leaves the record (and the main file) alone

    # ---- annotations (reads return fresh objects: mutate the store only through its methods)
    def _lookup(self, annotator: str, doc_id: str) -> Annotation | None:
        rec = self._ann.get(annotator, {}).get(doc_id)
        if rec is None:
            return None
        try:
            return Annotation.from_dict(rec)
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(f"corrupt annotation of {doc_id} by {annotator}: {exc!r}", path=str(self.path)) from exc

    def get_annotation(self, doc_id: str, annotator: str) -> Annotation | None:
        return self._lookup(annotator, doc_id)

    def annotations(self, *, annotator: str | None = None) -> Iterator[Annotation]:
        """Annotation records, in document import order (then by annotator)."""
        names = [annotator] if annotator is not None else sorted(self._ann)
        for doc_id in list(self._docs):
            for name in names:
                a = self._lookup(name, doc_id)
                if a is not None:
                    yield a

    def annotators(self) -> list[str]:
        return sorted(name for name, by_doc in self._ann.items() if by_doc)

    def answers(self, annotator: str) -> dict[str, str | None]:
        """doc id -> this annotator's answer (None if none yet), for every document, in import order."""
        by_doc = self._ann.get(annotator, {})
        out: dict[str, str | None] = {}
        for doc_id in self._docs:
            rec = by_doc.get(doc_id)
            out[doc_id] = None if rec is None else rec.get("answer")
        return out

    def stale_annotations(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for annotator in sorted(self._ann):
            for doc_id, rec in self._ann[annotator].items():
                doc = self._docs.get(doc_id)
                if doc is not None and doc.hash != rec.get("text_hash"):
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
        work = old if old is not None else Annotation(doc_id, annotator, rec.hash, created=now)
        if not change(work):
            return False
        work.updated = now
        new = work.to_dict()
        try:
            if self._journal_stale:
                self._renew_journal()
            self._journal.append({"op": "ann", "rec": new})
        except OSError as exc:
            raise StoreError(f"cannot write the journal: {os_reason(exc)}", path=str(self.journal_path)) from exc
        self._ann.setdefault(annotator, {})[doc_id] = new
        if self._journal.count >= JOURNAL_LIMIT:
            # the journal already holds everything; a failed fold is retried at the next limit
            with contextlib.suppress(StoreError):
                self.compact()
        return True

    def update(self, doc_id: str, annotator: str, change: Callable[[Annotation], bool]) -> bool:
        """Apply ``change`` to a working copy of the record (created empty if missing); if it returns
        True the new record is journaled (durable when this returns) and becomes current. The generic
        mutation the named ones below are built on, for callers that change several fields at once."""
        return self._mutate(doc_id, annotator, change)

    def add_span(self, doc_id: str, annotator: str, span: Span) -> bool:
        """Add a span; False (and nothing written) if one with the same start, end and label exists."""
        check_span(span, self._chars(doc_id), doc_id)

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
        check_span(new, self._chars(doc_id), doc_id)
        a = self._lookup(annotator, doc_id)
        if a is None or not a.has_span(old):
            raise KeyError(f"no span {old.key} by {annotator} on {doc_id}")

        def change(a: Annotation) -> bool:
            a.spans = [s for s in a.spans if s.key not in (old.key, new.key)]
            a.spans.append(new)
            return True

        self._mutate(doc_id, annotator, change)

    def set_answer(self, doc_id: str, annotator: str, answer: str | None) -> None:
        check_answer(answer)

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
    except OSError:
        return (0, 0, 0)
    return (st.st_ino, st.st_mtime_ns, st.st_size)
