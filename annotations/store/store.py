"""The annotation store: documents and annotation records, durable after every call, fast at a
million documents.

On disk, for a store at ``PATH`` (the real path: a store opened through a symlink is the store the
link points to, locked and written there):

``PATH``
    the manifest (:mod:`.manifest`), a small TinyDB JSON file: format, generation, the shard files,
    per shard and annotator one answer code per document, the index files. Replaced atomically.
``PATH.shards/``
    the shards (:mod:`.shards`): TinyDB JSON files of ``SHARD_SIZE`` documents each (in import
    order) with their annotation records, each readable with ``TinyDB(path,
    storage=AtomicJSONStorage)``; never changed in place. And the document index (:mod:`.index`).
``PATH.journal`` (and sealed segments ``PATH.journal.N``)
    the actions not yet folded into the shards, one checksummed line each, fsynced before the call
    returns (:mod:`.journal`). Past ``JOURNAL_LIMIT`` entries the segment is sealed and a background
    thread folds it into new files for the shards it touches: no action waits for a fold.
``PATH.texts``
    the document texts, append-only (:mod:`.texts`).
``PATH.lock``
    held by the one process that may write (:mod:`.lock`).

Opening reads the manifest, the id index and the unfolded journal: no shard and no text. A shard is
read when one of its documents is asked for (a few hundred kilobytes), and kept in a small cache.

Damage is refused, never repaired by guessing: a missing or inconsistent file set, a journal line
that fails its checksum, a manifest older than its journal, a missing or altered shard, a truncated
texts file, a bad document row. The refusal names the file and what to do, and changes no file. What
a kill leaves behind is recovered: an unfinished last journal line (its call never returned), an
interrupted rotation or fold (files not yet, or no longer, named by the manifest), an unreferenced
tail of the texts file.

Only one process may open a store for writing; ``Store.open(path, readonly=True)`` reads a snapshot
without locking.
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import re
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from annotations.errors import StoreError, UserError
from annotations.model import Annotation, Document, Span
from annotations.store import journal as jr
from annotations.store.atomic import fsync_dir
from annotations.store.index import DocIndex, IndexDamage
from annotations.store.legacy import load_legacy
from annotations.store.lock import WriterLock, os_reason
from annotations.store.manifest import FORMAT_VERSION, Manifest, ManifestDamage, OldFormat, ShardRow, parse_manifest
from annotations.store.merge import ImportedAnnotation, ImportResult, classify_document, merge_imported
from annotations.store.records import DocRec, check_answer, check_span, record_key
from annotations.store.shards import CODE_ANSWERS, Shard, ShardDamage, read_shard, sync_files, write_shard
from annotations.store.texts import TextsAppender, TextsFile, encode_text

__all__ = ["FORMAT_VERSION", "JOURNAL_LIMIT", "SHARD_SIZE", "Store"]

SHARD_SIZE = 500  # documents per shard file
JOURNAL_LIMIT = 2000  # actions in a journal segment before it is sealed and folded
CACHE_SHARDS = 64  # shards kept in memory
STAGED_SHARDS = 8  # shards an import keeps in memory before writing them out

Record = dict[str, Any]  # an annotation record as stored: Annotation.to_dict()
_ANSWERED = re.compile(r"[^.\-]")


@dataclass(slots=True)
class _Overlay:
    """Records changed since the shards were written: (annotator, doc id) -> (segment, record)."""

    records: dict[tuple[str, str], tuple[int, Record]] = field(default_factory=dict)

    def drop_folded(self, upto: int) -> None:
        self.records = {k: v for k, v in self.records.items() if v[0] > upto}


class Store:
    path: Path
    readonly: bool

    def __init__(self, path: Path, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._manifest = Manifest(shard_size=SHARD_SIZE)
        self._index = DocIndex([])
        self._overlay = _Overlay()
        self._cache: OrderedDict[int, Shard] = OrderedDict()
        self._pinned = False  # an old-format store read without upgrading: every shard lives in memory
        self._by_hash: dict[str, str] | None = None  # text hash -> id, built when an import needs it
        self._exists = False  # False: a new store, nothing written yet
        self._journal = jr.JournalWriter(self.journal_path)
        self._lock: WriterLock | None = None
        self._texts = TextsFile(self.texts_path)
        self._closed = False
        self._state = threading.RLock()  # in-memory state, shared with the fold thread
        self._commit_lock = threading.Lock()  # one fold or import at a time
        self._fold_wanted = threading.Event()
        self._folder: threading.Thread | None = None
        self._fold_error: BaseException | None = None
        self._stop = False
        self._index_dirty = False  # the index was rebuilt from the shards: write it at the next commit

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

    @property
    def shards_dir(self) -> Path:
        return self.path.with_name(self.path.name + ".shards")

    @property
    def _texts_end(self) -> int:
        return self._manifest.texts_end

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
                    self._load(settled=False)
                    return
                except _Retry:
                    time.sleep(0.01 * attempt)
            self._load(settled=True)
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
        state = self._load(settled=True)
        try:
            if state.legacy is not None:
                self._migrate(state.legacy)
            elif self._exists:
                self._settle_journal(state)
        except OSError as exc:
            raise StoreError(f"cannot write the store: {os_reason(exc)}", path=str(self.path)) from exc
        self._lock.claim()
        if self._exists and state.pending_sealed:
            self._want_fold()

    # -- reading what is on disk
    def _companions(self) -> list[str]:
        """The files a store has besides its main file that hold data."""
        found = []
        with contextlib.suppress(OSError):
            if self.texts_path.stat().st_size > 0:
                found.append(self.texts_path.name)
        with contextlib.suppress(OSError):
            if self.journal_path.stat().st_size > 0 or jr.sealed_segments(self.journal_path):
                found.append(self.journal_path.name)
        with contextlib.suppress(OSError):
            if any(self.shards_dir.iterdir()):
                found.append(self.shards_dir.name + "/")
        return found

    def _load(self, *, settled: bool) -> _Loaded:
        was_enabled = gc.isenabled()
        gc.disable()  # many small objects and no cycles: the collector would run for nothing
        try:
            return self._load_inner(settled)
        finally:
            if was_enabled:
                gc.enable()

    def _load_inner(self, settled: bool) -> _Loaded:
        loaded = _Loaded()
        before = _stat_key(self.path)
        try:
            with open(self.path, "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            companions = self._companions()
            if companions:
                names = ", ".join(companions[:-1]) + (" and " if len(companions) > 1 else "") + companions[-1]
                raise StoreError(
                    f"the main file is missing but {names} exist: the store is damaged. Restore the main file "
                    f"from a backup; to start a new store here instead, move {names} aside",
                    path=str(self.path),
                ) from None
            if self.readonly:
                raise StoreError(f"no store at {self.path}") from None
            self._exists = False
            return loaded
        except OSError as exc:
            raise StoreError(f"cannot read the store: {os_reason(exc)}", path=str(self.path)) from exc
        self._exists = True
        try:
            manifest = parse_manifest(raw)
        except OldFormat as old:
            loaded.legacy = load_legacy(self.path, self.journal_path, old.version, raw)
            self._texts.check(loaded.legacy.texts_end)
            self._adopt_legacy(loaded.legacy)
            return loaded
        except ManifestDamage as exc:
            if not settled and _stat_key(self.path) != before:
                raise _Retry from None
            raise StoreError(f"{exc}; restore the main file from a backup", path=str(self.path)) from None
        except ValueError as exc:
            raise StoreError(
                f"store format version {exc.args[0]} is newer than this reader supports ({FORMAT_VERSION}); "
                "upgrade reader to open it",
                path=str(self.path),
            ) from None
        del raw
        self._manifest = manifest
        self._read_journal(loaded, settled)
        self._texts.check(manifest.texts_end)
        for row in manifest.shards:
            if not (self.shards_dir / row.file).is_file():
                if not settled:
                    raise _Retry
                raise StoreError(
                    f"shard file {row.file} is missing (it holds documents {row.number * manifest.shard_size + 1}"
                    f"–{row.number * manifest.shard_size + row.docs}); restore {self.shards_dir.name}/ from a backup",
                    path=str(self.shards_dir / row.file),
                )
        self._index = self._read_index(manifest, settled)
        self._apply_entries(loaded)
        if not settled and _stat_key(self.path) != before:
            raise _Retry
        return loaded

    def _read_index(self, m: Manifest, settled: bool) -> DocIndex:
        if not m.documents:
            return DocIndex([])
        assert m.ids_file is not None and m.order_file is not None
        try:
            return DocIndex.read(
                self.shards_dir / m.ids_file, self.shards_dir / m.order_file, m.ids_crc, m.order_crc, m.documents
            )
        except (OSError, ValueError, IndexDamage):
            if not settled:
                raise _Retry from None
        # derived data: rebuilt from the shards (slow at a million documents, but exact)
        ids: list[str] = []
        for row in m.shards:
            ids.extend(d.id for d in self._read_shard(row).docs)
        self._index_dirty = True
        return DocIndex(ids)

    def _read_journal(self, loaded: _Loaded, settled: bool) -> None:
        folded = self._manifest.folded_seq
        active = self.journal_path
        sealed = [(n, p) for n, p in jr.sealed_segments(active) if n > folded]
        segments: list[tuple[int, Path]] = list(sealed)
        if not active.exists() and jr.next_path(active).exists():
            loaded.interrupted_rotation = True
            segments.append((-1, jr.next_path(active)))
        else:
            segments.append((-1, active))
        expected = folded + 1
        for n, p in segments:
            try:
                contents = jr.read_journal(p)
            except jr.JournalDamage as exc:
                raise StoreError(
                    f"journal line {exc.line} is corrupt ({exc.reason}). The actions from that line on cannot be "
                    "trusted: restore the journal from a backup, or, to give up the actions it records, move "
                    "it aside (the store then opens as it was last saved)",
                    path=str(p),
                ) from None
            except OSError as exc:
                raise StoreError(f"cannot read the journal: {os_reason(exc)}", path=str(p)) from exc
            if contents is None:  # the active segment is missing
                if not settled:
                    raise _Retry
                raise StoreError(
                    "the journal is missing: the actions since the store was last saved are lost. Restore it "
                    "from a backup; to open the store as it was last saved, create an empty journal file "
                    f"(`touch {active}`)",
                    path=str(active),
                )
            if contents.header is None:  # an empty file: the user gave up what it held
                loaded.stale_active = True
                loaded.active_seq = expected
                continue
            seq = contents.header.get("seq")
            if not isinstance(seq, int):
                raise StoreError("journal line 1 is corrupt (a journal of another format)", path=str(p))
            if n >= 0 and seq != n:
                raise StoreError(f"journal segment {p.name} says it is segment {seq}", path=str(p))
            if seq < expected:
                if n < 0 and not sealed:
                    loaded.stale_active = True  # already folded: a copy restored, or a crash after the fold
                    loaded.active_seq = expected
                    continue
                raise StoreError(f"journal segment {p.name} is out of order", path=str(p))
            if seq > expected:
                if not settled:
                    raise _Retry
                raise StoreError(
                    f"the main file is older than its journal (it has folded the journal up to segment {folded}, "
                    f"the journal continues from segment {seq}): an older copy of the main file was restored? "
                    "Restore the matching main file; nothing was changed",
                    path=str(self.path),
                )
            for entry in contents.entries:
                loaded.entries.append((seq, p, entry))
            expected = seq + 1
            if n < 0:
                loaded.active_seq = seq
                loaded.active_count = len(contents.entries)
            else:
                loaded.pending_sealed = True

    def _apply_entries(self, loaded: _Loaded) -> None:
        last_path: Path | None = None
        line = 1
        for seq, p, entry in loaded.entries:
            if p != last_path:
                last_path, line = p, 1
            line += 1
            rec = entry.get("rec")
            try:
                if entry.get("op") != "ann" or not isinstance(rec, dict):
                    raise ValueError(f"unknown operation {entry.get('op')!r}")
                key = record_key(rec)
                if self._index.position(key[1]) is None:
                    raise ValueError(f"a record for unknown document {key[1]}")
            except ValueError as exc:
                raise StoreError(
                    f"journal line {line} is corrupt ({exc}); restore the journal from a backup, or move it aside "
                    "to open the store as it was last saved",
                    path=str(p),
                ) from None
            self._overlay.records[key] = (seq, rec)

    def _adopt_legacy(self, legacy: Any) -> None:
        """Hold a format-1/2 store in memory as shards (read-only opens use it as it is)."""
        size = SHARD_SIZE
        rows = []
        for k in range(0, len(legacy.docs), size):
            shard = Shard(k // size, f"{k // size}.legacy", legacy.docs[k : k + size])
            for d in shard.docs:
                for annotator, by_doc in legacy.records.items():
                    rec = by_doc.get(d.id)
                    if rec is not None:
                        shard.records.setdefault(annotator, {})[d.id] = rec
            self._cache[shard.number] = shard
            rows.append(ShardRow(shard.number, shard.file, len(shard.docs), 0, shard.answer_codes()))
        self._pinned = True
        self._manifest = Manifest(
            legacy.generation, legacy.texts_end, size, len(legacy.docs), 0, None, 0, None, 0, tuple(rows)
        )
        self._index = DocIndex([d.id for d in legacy.docs])

    # -- making the files consistent (writable opens only, after everything was read and checked)
    def _migrate(self, legacy: Any) -> None:
        """Write an old-format store in the current format: shards, index, manifest, a new journal."""
        self.shards_dir.mkdir(exist_ok=True)
        staging = _Staging(self, self._manifest.generation + 1)
        for k in sorted(self._cache):
            staging.put(self._cache[k])
        self._commit(staging, folded_upto=0, texts_end=legacy.texts_end, new_ids=None, rewrite_index=True)
        self._pinned = False
        jr.create(self.journal_path, 1)
        self._journal.open(0, 1)
        for _n, p in jr.sealed_segments(self.journal_path):
            with contextlib.suppress(OSError):
                p.unlink()

    def _settle_journal(self, loaded: _Loaded) -> None:
        if loaded.interrupted_rotation:
            jr.finish_rotation(self.journal_path)
        if loaded.stale_active:
            jr.create(self.journal_path, loaded.active_seq)
        self._journal.open(loaded.active_count, loaded.active_seq)
        self._remove_unreferenced()

    def _remove_unreferenced(self) -> None:
        """Files a crash left behind that the manifest does not name (we hold the writer lock)."""
        m = self._manifest
        keep = {row.file for row in m.shards} | {m.ids_file, m.order_file}
        with contextlib.suppress(OSError):
            for p in self.shards_dir.iterdir():
                if p.name not in keep:
                    with contextlib.suppress(OSError):
                        p.unlink()
        for n, p in jr.sealed_segments(self.journal_path):
            if n <= m.folded_seq:
                with contextlib.suppress(OSError):
                    p.unlink()

    # -- closing
    def close(self) -> None:
        """Fold the journal into the shards (if writable) and release the store."""
        if self._closed:
            return
        try:
            if not self.readonly and self._exists:
                self._stop_folder()
                if self._journal.count or jr.sealed_segments(self.journal_path):
                    self.compact()
        finally:
            self._release()

    def _release(self, *, refused: bool = False) -> None:
        self._stop_folder()
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

    # ---- folding
    def _want_fold(self) -> None:
        if self._folder is None:
            self._folder = threading.Thread(target=self._fold_loop, name="store-fold", daemon=True)
            self._folder.start()
        self._fold_wanted.set()

    def _fold_loop(self) -> None:
        while True:
            self._fold_wanted.wait()
            self._fold_wanted.clear()
            if self._stop:
                return
            try:
                self._fold_sealed()
                self._fold_error = None
            except (OSError, StoreError) as exc:
                self._fold_error = exc  # the journal still holds everything; retried at the next rotation

    def _stop_folder(self) -> None:
        if self._folder is not None:
            self._stop = True
            self._fold_wanted.set()
            self._folder.join()
            self._folder = None
            self._stop = False

    def _fold_sealed(self) -> None:
        """Fold the sealed journal segments into new shard files and a new manifest."""
        with self._commit_lock:
            m = self._manifest
            segments = [(n, p) for n, p in jr.sealed_segments(self.journal_path) if n > m.folded_seq]
            if not segments:
                return
            staging = _Staging(self, m.generation + 1)
            upto = self._stage_segments(staging, segments)
            self._commit(staging, folded_upto=upto, texts_end=m.texts_end, new_ids=None)

    def _stage_segments(self, staging: _Staging, segments: list[tuple[int, Path]]) -> int:
        by_shard: dict[int, list[Record]] = {}
        upto = self._manifest.folded_seq
        for n, p in segments:
            try:
                contents = jr.read_journal(p)
            except jr.JournalDamage as exc:
                raise StoreError(f"journal line {exc.line} is corrupt ({exc.reason})", path=str(p)) from None
            assert contents is not None
            for entry in contents.entries:
                rec = entry["rec"]
                pos = self._index.position(rec["doc_id"])
                assert pos is not None
                by_shard.setdefault(pos // self._manifest.shard_size, []).append(rec)
            upto = n
        for k, recs in sorted(by_shard.items()):
            shard = staging.shard(k)
            for rec in recs:
                shard.records.setdefault(rec["annotator"], {})[rec["doc_id"]] = rec
            staging.touched(k)
        return upto

    def _commit(
        self,
        staging: _Staging,
        *,
        folded_upto: int,
        texts_end: int,
        new_ids: list[str] | None,
        rewrite_index: bool = False,
    ) -> None:
        """Write the staged shards and a new manifest (the commit point), then switch to them."""
        m = self._manifest
        gen = staging.generation
        staging.flush_all()
        rows = list(m.shards)
        for k, row in sorted(staging.rows.items()):
            if k < len(rows):
                rows[k] = row
            else:
                assert k == len(rows)
                rows.append(row)
        index = self._index if new_ids is None else self._index.extended(new_ids)
        changes: dict[str, Any] = {
            "generation": gen,
            "texts_end": texts_end,
            "documents": len(index),
            "folded_seq": folded_upto,
            "shards": tuple(rows),
        }
        written = list(staging.files)
        if new_ids or rewrite_index or self._index_dirty:
            ids_blob, order_blob = index.encode()
            ids_file, order_file = f"ids.{gen}.json", f"order.{gen}.bin"
            for name, blob in ((ids_file, ids_blob), (order_file, order_blob)):
                (self.shards_dir / name).write_bytes(blob)
                written.append(self.shards_dir / name)
            changes.update(ids_file=ids_file, ids_crc=zlib.crc32(ids_blob), order_file=order_file)
            changes["order_crc"] = zlib.crc32(order_blob)
        new = m.with_(**changes)
        sync_files(written)
        fsync_dir(self.shards_dir)
        new.write(self.path)  # the commit point
        with self._state:
            self._manifest = new
            self._index = index
            self._index_dirty = False
            for k in staging.rows:
                if k in self._cache and self._cache[k].file != staging.rows[k].file:
                    del self._cache[k]
            self._overlay.drop_folded(folded_upto)
            self._exists = True
        old = {row.file for row in m.shards} - {row.file for row in rows}
        if new.ids_file != m.ids_file:
            old |= {m.ids_file or "", m.order_file or ""}
        for name in old - {""}:
            with contextlib.suppress(OSError):
                (self.shards_dir / name).unlink()
        for n, p in jr.sealed_segments(self.journal_path):
            if n <= folded_upto:
                with contextlib.suppress(OSError):
                    p.unlink()

    def compact(self) -> None:
        """Fold the whole journal into the shards now (seal the active segment first)."""
        self._check_writable()
        if not self._exists:
            return
        if self._fold_error is not None and isinstance(self._fold_error, StoreError):
            self._fold_error = None
        try:
            with self._state:
                if self._journal.count:
                    self._rotate()
            self._fold_sealed()
        except OSError as exc:
            raise StoreError(f"cannot write the store: {os_reason(exc)}", path=str(self.path)) from exc

    def _rotate(self) -> None:
        jr.rotate(self.journal_path, self._journal.seq)
        self._journal.open(0, self._journal.seq + 1)

    # ---- shards in memory
    def _read_shard(self, row: ShardRow) -> Shard:
        try:
            return read_shard(self.shards_dir / row.file, row.number, row.crc, row.docs)
        except ShardDamage as exc:
            raise StoreError(
                f"shard {row.file} is damaged: {exc}; restore it from a backup", path=str(self.shards_dir / row.file)
            ) from None
        except FileNotFoundError:
            raise StoreError(
                f"shard file {row.file} is missing; restore {self.shards_dir.name}/ from a backup",
                path=str(self.shards_dir / row.file),
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot read a shard: {os_reason(exc)}", path=str(self.shards_dir / row.file)) from exc

    def _shard(self, k: int) -> Shard:
        with self._state:
            shard = self._cache.get(k)
            if shard is not None:
                self._cache.move_to_end(k)
                return shard
            shard = self._read_shard(self._manifest.shards[k])
            self._cache_put(k, shard)
            return shard

    def _cache_put(self, k: int, shard: Shard) -> None:
        self._cache[k] = shard
        self._cache.move_to_end(k)
        while len(self._cache) > CACHE_SHARDS and not self._pinned:
            self._cache.popitem(last=False)

    def _docrec(self, doc_id: str) -> tuple[int, DocRec]:
        pos = self._index.position(doc_id) if isinstance(doc_id, str) else None
        if pos is None:
            raise KeyError(doc_id)
        size = self._manifest.shard_size
        return pos, self._shard(pos // size).docs[pos % size]

    def _check_writable(self) -> None:
        if self._closed:
            raise StoreError("the store is closed", path=str(self.path))
        if self.readonly:
            raise StoreError("the store is open read-only", path=str(self.path))

    # ---- documents
    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self._index.position(doc_id) is not None

    def document_ids(self) -> list[str]:
        """Every document id, in import order."""
        return list(self._index.ids)

    def get_document(self, doc_id: str) -> Document:
        return self._document(self._docrec(doc_id)[1])

    def iter_documents(self) -> Iterator[Document]:
        """Every document in import order, read shard by shard (memory stays bounded)."""
        for k in range(len(self._manifest.shards)):
            for rec in self._shard(k).docs:
                yield self._document(rec)

    def iter_annotated(self, annotators: Sequence[str] | None = None) -> Iterator[tuple[Document, list[Annotation]]]:
        """Every document in import order with its records (of ``annotators``, default all, in that
        order), read shard by shard: what an export or a suggester streams over."""
        names = list(annotators) if annotators is not None else self.annotators()
        for k in range(len(self._manifest.shards)):
            shard = self._shard(k)
            for rec in shard.docs:
                anns = [a for name in names if (a := self._lookup(name, rec.id)) is not None]
                yield self._document(rec), anns

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

        Texts are appended to the texts file and shards written as items stream in (memory stays
        bounded); the whole batch becomes visible in one atomic replacement of the manifest at the end.
        If ``items`` raises (bad input), the disk is full or the process dies, the store is left exactly
        as it was. A document with the same id and text as one in the store is a duplicate; the same id
        with another text replaces the text (``updated_ids``), which makes annotations on the old text
        stale. A document whose id was derived from its text (``derive_id``) is also a duplicate of any
        document with the same text. ``on_progress`` gets the number of items handled so far.
        """
        self._check_writable()
        with self._commit_lock:
            return self._import(items, on_progress)

    def _import(
        self,
        items: Iterable[tuple[Document, Sequence[ImportedAnnotation]]],
        on_progress: Callable[[int], None] | None,
    ) -> ImportResult:
        result = ImportResult()
        m = self._manifest
        now = time.time()
        try:
            if not self._exists:
                self.shards_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot write the store: {os_reason(exc)}; nothing was imported", path=str(self.path)
            ) from exc
        staging = _Staging(self, m.generation + 1)
        new_ids: list[str] = []
        new_pos: dict[str, int] = {}
        new_hash: dict[str, str] = {}
        base = len(self._index)

        def position(doc_id: str) -> int | None:
            p = new_pos.get(doc_id)
            return p if p is not None else self._index.position(doc_id)

        def hash_of(doc_id: str) -> str | None:
            p = position(doc_id)
            return None if p is None else staging.doc(p).hash

        def id_with_hash(h: str) -> str | None:
            found = new_hash.get(h)
            return found if found is not None else self._hash_lookup(h)

        with TextsAppender(self.texts_path, m.texts_end) as texts:
            try:
                # every action so far is folded by this commit: the sealed segments, and the active one
                # (sealed just before the commit, so that a failed import leaves the journal as it was)
                segments = [(n, p) for n, p in jr.sealed_segments(self.journal_path) if n > m.folded_seq]
                active = self._journal.count > 0
                if active:
                    segments.append((self._journal.seq, self.journal_path))
                upto = self._stage_segments(staging, segments) if segments else m.folded_seq
                n = 0
                for n, (doc, anns) in enumerate(items, 1):
                    if not isinstance(doc, Document) or not isinstance(doc.text, str):
                        raise ValueError(f"expected a Document, got {doc!r:.80}")
                    if not isinstance(doc.id, str) or not doc.id:
                        raise UserError(f"document id must be a non-empty string, got {doc.id!r}")
                    verdict, target = classify_document(doc, hash_of, id_with_hash)
                    if verdict == "duplicate":
                        result.duplicates += 1
                        pos = position(target)
                        assert pos is not None
                        rec = staging.doc(pos)
                    else:
                        data = encode_text(doc.id, doc.text)
                        offset = texts.append(data)
                        h = doc.text_hash
                        rec = DocRec(doc.id, doc.source, doc.line, dict(doc.meta), h, len(doc.text), offset, len(data))
                        found = position(doc.id)
                        if found is None:
                            found = base + len(new_ids)
                            new_ids.append(doc.id)
                            new_pos[doc.id] = found
                            result.added += 1
                        elif found < base and doc.id not in result.updated_ids:
                            result.updated_ids.append(doc.id)
                        staging.set_doc(found, rec)
                        new_hash.setdefault(h, doc.id)
                        pos = found
                    for ia in anns:
                        self._stage_annotation(staging, pos, rec, ia, now)
                    staging.flush_some()
                    if on_progress is not None and n % 256 == 0:
                        on_progress(n)
                texts.sync()
                if on_progress is not None:
                    on_progress(n)
                if not staging.changed and not segments:
                    texts.abort()
                    staging.abort()
                    return result
                if active:
                    with self._state:
                        self._rotate()
                self._commit(staging, folded_upto=upto, texts_end=texts.pos, new_ids=new_ids)
            except OSError as exc:
                texts.abort()
                staging.abort()
                raise StoreError(
                    f"cannot write the store: {os_reason(exc)}; nothing was imported", path=str(self.path)
                ) from exc
            except BaseException:
                texts.abort()
                staging.abort()
                raise
        self._by_hash = None
        if not self._journal.is_open:
            try:
                jr.create(self.journal_path, upto + 1)
                self._journal.open(0, upto + 1)
            except OSError as exc:
                raise StoreError(f"cannot create the journal: {os_reason(exc)}", path=str(self.journal_path)) from exc
        return result

    def _hash_lookup(self, h: str) -> str | None:
        """The id of a stored document with this text hash (reads every shard once per import)."""
        if self._by_hash is None:
            by_hash: dict[str, str] = {}
            for k in range(len(self._manifest.shards)):
                for d in self._shard(k).docs:
                    by_hash.setdefault(d.hash, d.id)
            self._by_hash = by_hash
        return self._by_hash.get(h)

    def _stage_annotation(self, staging: _Staging, pos: int, rec: DocRec, ia: ImportedAnnotation, now: float) -> None:
        if not isinstance(ia.annotator, str) or not ia.annotator:
            raise UserError(f"annotator must be a non-empty string, got {ia.annotator!r}")
        for span in ia.spans:
            check_span(span, rec.chars, rec.id)
        check_answer(ia.answer)
        k = pos // self._manifest.shard_size
        shard = staging.shard(k)
        old = shard.record(ia.annotator, rec.id)
        base = None if old is None else _annotation(old, self.path)
        merged = merge_imported(base, ia, rec.id, rec.hash, now)
        if merged is not None:  # nothing new: a re-import leaves the record (and the shard) alone
            shard.records.setdefault(ia.annotator, {})[rec.id] = merged.to_dict()
            staging.touched(k)

    # ---- annotations (reads return fresh objects: mutate the store only through its methods)
    def _record(self, annotator: str, doc_id: str) -> Record | None:
        hit = self._overlay.records.get((annotator, doc_id))
        if hit is not None:
            return hit[1]
        pos = self._index.position(doc_id)
        if pos is None:
            return None
        size = self._manifest.shard_size
        return self._shard(pos // size).record(annotator, doc_id)

    def _lookup(self, annotator: str, doc_id: str) -> Annotation | None:
        rec = self._record(annotator, doc_id)
        return None if rec is None else _annotation(rec, self.path)

    def get_annotation(self, doc_id: str, annotator: str) -> Annotation | None:
        return self._lookup(annotator, doc_id)

    def annotations(self, *, annotator: str | None = None) -> Iterator[Annotation]:
        """Annotation records, in document import order (then by annotator), read shard by shard."""
        names = [annotator] if annotator is not None else None
        for _doc, anns in self._iter_records(names):
            yield from anns

    def _iter_records(self, names: list[str] | None) -> Iterator[tuple[DocRec, list[Annotation]]]:
        names = names if names is not None else self.annotators()
        for k in range(len(self._manifest.shards)):
            shard = self._shard(k)
            for rec in shard.docs:
                yield rec, [a for name in names if (a := self._lookup(name, rec.id)) is not None]

    def annotators(self) -> list[str]:
        names = {name for row in self._manifest.shards for name, codes in row.answers.items() if codes.strip("-")}
        names |= {annotator for annotator, _ in self._overlay.records}
        return sorted(names)

    def answered(self, annotator: str) -> dict[str, str]:
        """doc id -> answer, for the documents this annotator has answered: read from the manifest's
        answer codes and the journal, without reading a shard."""
        out: dict[str, str] = {}
        ids = self._index.ids
        size = self._manifest.shard_size
        for row in self._manifest.shards:
            codes = row.answers.get(annotator)
            if codes:
                first = row.number * size
                for match in _ANSWERED.finditer(codes):
                    answer = CODE_ANSWERS.get(match.group())
                    if answer is not None:
                        out[ids[first + match.start()]] = answer
        for (name, doc_id), (_seq, rec) in self._overlay.records.items():
            if name == annotator:
                answer = rec.get("answer")
                if answer is None:
                    out.pop(doc_id, None)
                else:
                    out[doc_id] = answer
        return out

    def answers(self, annotator: str) -> dict[str, str | None]:
        """doc id -> this annotator's answer (None if none yet), for every document, in import order.
        (At a million documents prefer :meth:`answered`, which lists only the answered ones.)"""
        out: dict[str, str | None] = dict.fromkeys(self._index.ids)
        out.update(self.answered(annotator))
        return out

    def stale_annotations(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for doc, anns in self._iter_records(None):
            out.extend((doc.id, a.annotator) for a in anns if a.text_hash != doc.hash)
        return sorted(out, key=lambda t: t[1])

    # ---- mutations: validated first, journaled and fsynced, then applied
    def _mutate(self, doc_id: str, annotator: str, change: Callable[[Annotation], bool]) -> bool:
        self._check_writable()
        if not isinstance(annotator, str) or not annotator:
            raise ValueError(f"annotator must be a non-empty string, got {annotator!r}")
        _pos, rec = self._docrec(doc_id)
        with self._state:
            old = self._lookup(annotator, doc_id)
            now = time.time()
            work = old if old is not None else Annotation(doc_id, annotator, rec.hash, created=now)
            if not change(work):
                return False
            work.updated = now
            new = work.to_dict()
            try:
                self._journal.append({"op": "ann", "rec": new})
            except OSError as exc:
                raise StoreError(f"cannot write the journal: {os_reason(exc)}", path=str(self.journal_path)) from exc
            self._overlay.records[(annotator, doc_id)] = (self._journal.seq, new)
            if self._journal.count >= JOURNAL_LIMIT:
                # the action is on disk; sealing the segment for the background fold may fail
                # (full disk): then the journal just grows, and sealing is tried again next time
                with contextlib.suppress(OSError):
                    self._rotate()
                    self._want_fold()
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
            self._docrec(doc_id)
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
        return self._docrec(doc_id)[1].chars


# --------------------------------------------------------------------------------------------------


class _Retry(Exception):
    """A read-only snapshot met a writer in the middle of a fold: read again."""


@dataclass(slots=True)
class _Loaded:
    legacy: Any = None
    entries: list[tuple[int, Path, dict[str, Any]]] = field(default_factory=list)
    active_seq: int = 1
    active_count: int = 0
    stale_active: bool = False
    interrupted_rotation: bool = False
    pending_sealed: bool = False


class _Staging:
    """Shards being rewritten by a fold or an import, written out as they accumulate."""

    def __init__(self, store: Store, generation: int) -> None:
        self.store = store
        self.generation = generation
        self.size = store._manifest.shard_size
        self._mem: dict[int, Shard] = {}  # staged, in memory
        self._dirty: set[int] = set()
        self.rows: dict[int, ShardRow] = {}  # staged, written
        self.files: list[Path] = []
        self.changed = False

    def _name(self, k: int) -> str:
        return f"{k}.{self.generation}.json"

    def shard(self, k: int) -> Shard:
        shard = self._mem.get(k)
        if shard is not None:
            return shard
        row = self.rows.get(k)
        if row is not None:
            base = self.store._read_shard(row)
        elif k < len(self.store._manifest.shards):
            base = self.store._shard(k)
        else:
            base = Shard(k, self._name(k))
        shard = Shard(k, self._name(k), list(base.docs), {a: dict(r) for a, r in base.records.items()})
        self._mem[k] = shard
        return shard

    def put(self, shard: Shard) -> None:
        self._mem[shard.number] = Shard(shard.number, self._name(shard.number), shard.docs, shard.records)
        self.touched(shard.number)

    def touched(self, k: int) -> None:
        self._dirty.add(k)
        self.changed = True

    def doc(self, pos: int) -> DocRec:
        k, i = divmod(pos, self.size)
        shard = self._mem.get(k)
        if shard is None and k not in self.rows:
            return self.store._shard(k).docs[i]
        return self.shard(k).docs[i]

    def set_doc(self, pos: int, rec: DocRec) -> None:
        k, i = divmod(pos, self.size)
        shard = self.shard(k)
        if i == len(shard.docs):
            shard.docs.append(rec)
        else:
            shard.docs[i] = rec
        self.touched(k)

    def flush_some(self) -> None:
        if len(self._mem) > STAGED_SHARDS:
            self.flush_all(keep_last=True)

    def flush_all(self, *, keep_last: bool = False) -> None:
        last = max(self._mem) if (keep_last and self._mem) else None
        for k in sorted(self._mem):
            if k == last:
                continue
            shard = self._mem.pop(k)
            if k in self._dirty:
                self._write(shard)
        self._dirty &= set(self._mem)

    def _write(self, shard: Shard) -> None:
        crc = write_shard(self.store.shards_dir, shard, shard.number * self.size)
        path = self.store.shards_dir / shard.file
        if path not in self.files:
            self.files.append(path)
        self.rows[shard.number] = ShardRow(shard.number, shard.file, len(shard.docs), crc, shard.answer_codes())

    def abort(self) -> None:
        for p in self.files:
            with contextlib.suppress(OSError):
                p.unlink()
        self.files = []


def _annotation(rec: Record, path: Path) -> Annotation:
    try:
        return Annotation.from_dict(rec)
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(
            f"corrupt annotation of {rec.get('doc_id')} by {rec.get('annotator')}: {exc!r}", path=str(path)
        ) from exc


def _stat_key(path: Path) -> tuple[int, int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0, 0)
    return (st.st_ino, st.st_mtime_ns, st.st_size)
