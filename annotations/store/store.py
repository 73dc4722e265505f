"""The annotation store: documents, annotation records, suggestions and routing claims, durable
after every call, written by several processes at once, fast at a million documents.

On disk, for a store at ``PATH`` (the real path: a store opened through a symlink is the store the
link points to, locked and written there):

``PATH``
    the manifest (:mod:`.manifest`), a small TinyDB JSON file: format, generation, the shard files,
    per shard and annotator one answer code per document, the index files. Replaced atomically.
``PATH.shards/``
    the shards (:mod:`.shards`): TinyDB JSON files of ``SHARD_SIZE`` documents each (in import
    order) with their annotation records, suggestions and claims, each readable with
    ``TinyDB(path, storage=AtomicJSONStorage)``; never changed in place. And the document index
    (:mod:`.index`).
``PATH.journal`` (and sealed segments ``PATH.journal.N``)
    the actions not yet folded into the shards, one checksummed line each, fsynced before the call
    returns (:mod:`.journal`). Past ``JOURNAL_LIMIT`` entries the segment is sealed and folded in
    the background into new files for the shards it touches (by a process of its own for a store of
    more than ``FOLD_PROCESS_SHARDS`` shards: :mod:`.folding`): no action waits for a fold.
``PATH.texts``
    the document texts, append-only (:mod:`.texts`).
``PATH.lock``, ``PATH.commit.lock``, ``PATH.annotator-*.lock``
    (:mod:`.lock`) around each append, around each fold or import, and held by the one process
    working as an annotator.

Many processes may write one store at once. Each action takes ``PATH.lock``, first reads what
the others appended since (so it acts on the latest state and never overwrites another's action),
appends its entry, releases the lock and fsyncs (fsyncs of concurrent writers overlap). A fold or
an import takes ``PATH.commit.lock``; an import that brings annotation records also holds
``PATH.lock`` while it merges them (actions of other processes wait for it). :meth:`Store.refresh`
reads what the others did, cheaply, and says what changed.

Opening reads the manifest, the id index and the unfolded journal: no shard and no text. A shard is
read when one of its documents is asked for (a few hundred kilobytes), and kept in a small cache.

Damage is refused, never repaired by guessing: a missing or inconsistent file set, a journal line
that fails its checksum, a manifest older than its journal, a missing or altered shard, a truncated
texts file, a bad document row. The refusal names the file and what to do, and changes no file. What
a kill leaves behind is recovered: an unfinished last journal line (its call never returned), an
interrupted rotation or fold (files not yet, or no longer, named by the manifest), an unreferenced
tail of the texts file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import math
import os
import re
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from glob import escape as glob_escape
from pathlib import Path
from types import TracebackType
from typing import Any

from annotations.errors import StoreError, UserError
from annotations.gold import is_gold
from annotations.model import Annotation, Document, Span
from annotations.store import folding
from annotations.store import journal as jr
from annotations.store.atomic import fsync_dir, remove_stale_temps
from annotations.store.index import DocIndex, IndexDamage
from annotations.store.legacy import load_legacy
from annotations.store.lock import FileLock, OwnerLock, os_reason
from annotations.store.manifest import FORMAT_VERSION, Manifest, ManifestDamage, OldFormat, ShardRow, parse_manifest
from annotations.store.merge import ImportedAnnotation, ImportResult, classify_document, merge_imported
from annotations.store.records import DocRec, check_answer, check_span, record_key
from annotations.store.shards import (
    CODE_ANSWERS,
    Shard,
    ShardDamage,
    read_claims,
    read_shard,
    sync_files,
    write_shard,
)
from annotations.store.texts import TextsAppender, TextsFile, encode_text

__all__ = ["FOLD_PROCESS_SHARDS", "FORMAT_VERSION", "JOURNAL_LIMIT", "SHARD_SIZE", "Changes", "Store"]

SHARD_SIZE = 500  # documents per shard file
JOURNAL_LIMIT = 2000  # actions in a journal segment before it is sealed and folded
OPEN_ATTEMPTS = 5  # reads without a lock before an open reads with every lock held
CACHE_SHARDS = 64  # shards kept in memory
# a store of more shards (50,000 documents) folds in a process of its own (:mod:`.folding`): its fold
# may rewrite a shard per action, seconds of work. A smaller store's fold (at most 100 shards, a few
# hundred milliseconds) costs about what starting that process does (Python, the store's index and
# journal: 0.3 s of CPU), which on two busy cores slowed 8 writers on 10,000 documents more than the
# interpreter lock they no longer shared gained them
FOLD_PROCESS_SHARDS = 100
UNREPORTED_LIMIT = 100_000  # the others' changes kept for refresh() before it just says "reloaded"
STAGED_SHARDS = 8  # shards an import keeps in memory before writing them out

Record = dict[str, Any]  # an annotation record as stored: Annotation.to_dict()
_ANSWERED = re.compile(r"[^.\-]")


@dataclass(slots=True)
class Changes:
    """What :meth:`Store.refresh` found: other processes' work since the last look."""

    records: set[tuple[str, str]] = field(default_factory=set)  # (doc id, annotator)
    claims: set[str] = field(default_factory=set)  # doc ids
    documents: bool = False  # documents were added (an import): the document list changed
    reloaded: bool = False  # shards were replaced by a fold or an import: anything may have changed

    def __bool__(self) -> bool:
        return bool(self.records or self.claims or self.documents or self.reloaded)

    def add(self, other: Changes) -> None:
        self.records |= other.records
        self.claims |= other.claims
        self.documents = self.documents or other.documents
        self.reloaded = self.reloaded or other.reloaded


@dataclass(slots=True)
class SuggestionsAdded:
    labels: dict[str, int] = field(default_factory=dict)  # label -> spans added
    documents: int = 0  # documents that got at least one

    @property
    def total(self) -> int:
        return sum(self.labels.values())


class Store:
    path: Path
    readonly: bool

    def __init__(self, path: Path, readonly: bool, annotator: str | None = None) -> None:
        self.path = path
        self.readonly = readonly
        self.annotator = annotator
        self._manifest = Manifest(shard_size=SHARD_SIZE)
        self._manifest_key: tuple[int, int, int] = (0, 0, 0)
        self._index = DocIndex([])
        self._index_dirty = False  # the index was rebuilt from the shards: write it at the next commit
        self._overlay: dict[tuple[str, str], tuple[int, Record]] = {}  # records newer than the shards
        self._claims: dict[str, tuple[int, list[str]]] = {}  # claims newer than the shards
        # the others' work read on the way to an action of this process (which must act on the latest
        # state): kept for the next refresh(), so a screen that follows the store misses nothing
        self._unreported = Changes()
        self._cache: OrderedDict[int, Shard] = OrderedDict()
        self._pinned = False  # an old-format store read without upgrading: every shard lives in memory
        self._by_hash: dict[str, str] | None = None  # text hash -> id, built when an import needs it
        self._exists = False  # False: a new store, nothing written yet
        # the active journal segment as this process follows it
        self._jfd: int | None = None
        self._jino = 0
        self._jseq = 0
        self._jpos = 0  # bytes read (and applied) so far
        self._jline = 1  # lines read so far
        self._jcount = 0  # entries in the segment
        self._jprev: int | None = None  # the CRC the next frame chains from (None: an unchained segment)
        self._next_ready = False  # the next segment's header is written ahead (PATH.journal.next)
        self._old_fds: list[int] = []
        self._owner: OwnerLock | None = None
        self._append = FileLock(self.lock_path)
        self._commit_flock = FileLock(self.path.with_name(self.path.name + ".commit.lock"))
        self._texts = TextsFile(self.texts_path)
        self._closed = False
        self._state = threading.RLock()  # in-memory state, shared with the fold thread
        self._commit_lock = threading.Lock()  # one fold or import at a time in this process
        self._fold_wanted = threading.Event()
        self._folder: threading.Thread | None = None
        self._fold_error: BaseException | None = None
        self._stop = False
        self._fold_child = False  # True in the process a background fold runs in (:mod:`.folding`)
        self._loading: bool | None = None  # while opening: whether the read is settled (all locks held)

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

    def owner_lock_path(self, annotator: str) -> Path:
        digest = hashlib.sha256(annotator.encode("utf-8")).hexdigest()[:16]
        return self.path.with_name(f"{self.path.name}.annotator-{digest}.lock")

    @property
    def _texts_end(self) -> int:
        return self._manifest.texts_end

    @staticmethod
    def has_files(path: str | os.PathLike[str]) -> bool:
        """Whether anything of a store is at ``path``: its main file, or (a damaged store) any of the
        others. Opening then says what is wrong; with none of them there is no store."""
        p = Path(os.path.abspath(os.fspath(path)))
        return p.exists() or p.is_symlink() or any(p.parent.glob(glob_escape(p.name) + ".*"))

    # ---- opening and closing
    @classmethod
    def open(cls, path: str | os.PathLike[str], *, readonly: bool = False, annotator: str | None = None) -> Store:
        """Open the store at ``path`` (a new one, written at its first import, unless readonly).

        ``annotator``: the one annotator this process works as; a second process (or a second open in
        this one) working as the same annotator is refused. Other writers (import, suggest, merge)
        give none."""
        try:
            real = Path(os.path.realpath(os.path.abspath(os.fspath(path))))
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot resolve the store's path: {exc}", path=os.fspath(path)) from exc
        if annotator is not None and (not isinstance(annotator, str) or not annotator):
            raise ValueError(f"annotator must be a non-empty string, got {annotator!r}")
        store = cls(real, readonly, None if readonly else annotator)
        try:
            store._open()
        except BaseException:
            store._release(refused=True)
            raise
        return store

    def _open(self) -> None:
        if not self.readonly:
            if not self.path.parent.is_dir():
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(
                        f"cannot create the store's directory: {os_reason(exc)}", path=str(self.path.parent)
                    ) from exc
            self._append.acquire()  # a read-only directory or file system is refused here
            self._append.release()
            if self.annotator is not None:
                self._owner = OwnerLock(self.owner_lock_path(self.annotator), self.path, self.annotator)
                self._owner.acquire()
        loaded = self._snapshot()
        if self.readonly:
            return
        for attempt in range(OPEN_ATTEMPTS):
            try:
                self._make_writable(loaded)
                break
            except _Retry:  # another writer settled or upgraded the store between our read and our lock
                self._reset_state()
                time.sleep(0.01 * attempt)
                loaded = self._snapshot()
        else:  # read and settle while nobody else can write at all
            with self._commit_flock, self._append, self._state:
                self._reset_state()
                loaded = self._load(settled=True)
                self._make_writable(loaded)
        if self._owner is not None:
            self._owner.claim()
        if self._exists and loaded.pending_sealed:
            self._want_fold()

    def _snapshot(self) -> _Loaded:
        """Read the store without any lock (others go on writing): retried if a fold or a rotation
        was met half-way; in the end read once more while no fold or import can run."""
        for attempt in range(6):
            try:
                return self._load(settled=False)
            except _Retry:
                self._reset_state()
                time.sleep(0.01 * attempt)
        if self.readonly:
            return self._load(settled=True)
        with self._commit_flock:
            return self._load(settled=True)

    def _make_writable(self, loaded: _Loaded) -> None:
        """Upgrade an older store, or make the journal read in :meth:`_snapshot` ours to append to
        (under ``PATH.lock``, following whatever the others wrote since). _Retry if what was read is
        no longer what is there in a way that following cannot mend."""
        try:
            if loaded.legacy is not None or (self._exists and self._manifest.version < FORMAT_VERSION):
                with self._commit_flock, self._append, self._state:
                    if _stat_key(self.path) != loaded.main_key:  # upgraded by another writer meanwhile
                        raise _Retry
                    self._migrate(loaded.legacy)
            elif self._exists:
                with self._append, self._state:  # a fold thread (started by a rotation followed) waits
                    self._settle_journal(loaded)
                if self._commit_flock.acquire(blocking=False):
                    try:
                        self._remove_unreferenced()
                    finally:
                        self._commit_flock.release()
        except OSError as exc:
            raise StoreError(f"cannot write the store: {os_reason(exc)}", path=str(self.path)) from exc

    def _reset_state(self) -> None:
        self._overlay.clear()
        self._claims.clear()
        self._cache.clear()
        self._close_journal()

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
        self._loading = settled
        try:
            with _no_collector():
                return self._load_inner(settled)
        finally:
            self._loading = None

    def _read_manifest_file(self) -> tuple[bytes, tuple[int, int, int]] | None:
        try:
            with open(self.path, "rb") as f:
                key = _fstat_key(f.fileno())
                return f.read(), key
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read the store: {os_reason(exc)}", path=str(self.path)) from exc

    def _parse_manifest(self, raw: bytes, settled: bool, key: tuple[int, int, int]) -> Manifest:
        try:
            return parse_manifest(raw)
        except ManifestDamage as exc:
            if not settled and _stat_key(self.path) != key:
                raise _Retry from None
            raise StoreError(f"{exc}; restore the main file from a backup", path=str(self.path)) from None
        except ValueError as exc:
            raise StoreError(
                f"store format version {exc.args[0]} is newer than this reader supports ({FORMAT_VERSION}); "
                "upgrade reader to open it",
                path=str(self.path),
            ) from None

    def _load_inner(self, settled: bool) -> _Loaded:
        loaded = _Loaded()
        got = self._read_manifest_file()
        if got is None:
            companions = self._companions()
            if companions:
                names = ", ".join(companions[:-1]) + (" and " if len(companions) > 1 else "") + companions[-1]
                raise StoreError(
                    f"the main file is missing but {names} exist: the store is damaged. Restore the main file "
                    f"from a backup; to start a new store here instead, move {names} aside",
                    path=str(self.path),
                )
            if self.readonly:
                raise StoreError(f"no store at {self.path}")
            self._exists = False
            return loaded
        raw, key = got
        self._exists = True
        loaded.main_key = key
        try:
            manifest = self._parse_manifest(raw, settled, key)
        except OldFormat as old:
            loaded.legacy = load_legacy(self.path, self.journal_path, old.version, raw)
            self._texts.check(loaded.legacy.texts_end)
            self._adopt_legacy(loaded.legacy)
            return loaded
        del raw
        self._manifest, self._manifest_key = manifest, key
        self._read_segments(loaded, settled)
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
        for seq, p, line, entry in loaded.entries:
            self._apply(entry, seq, p, line, None)
        if not settled and _stat_key(self.path) != key:
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

    def _journal_damage(self, exc: jr.JournalDamage, p: Path) -> StoreError:
        return StoreError(
            f"journal line {exc.line} is corrupt ({exc.reason}). The actions from that line on cannot be "
            "trusted: restore the journal from a backup, or, to give up the actions it records, replace it "
            f"with the word discard (`echo discard > {p}`; the store then opens as it was last saved)",
            path=str(p),
        )

    def _read_segments(self, loaded: _Loaded, settled: bool) -> None:
        """Read the unfolded journal: sealed segments after the manifest's, then the active one."""
        folded = self._manifest.folded_seq
        active = self.journal_path
        sealed = [(n, p) for n, p in jr.sealed_segments(active) if n > folded]
        expected = folded + 1
        for n, p in sealed:
            try:
                contents = jr.read_journal(p)
            except FileNotFoundError:
                raise _Retry from None
            except jr.JournalDamage as exc:
                raise self._journal_damage(exc, p) from None
            except OSError as exc:
                raise StoreError(f"cannot read the journal: {os_reason(exc)}", path=str(p)) from exc
            seq = (contents.header or {}).get("seq") if contents is not None else None
            if contents is not None and contents.discarded:
                seq = n  # given up on purpose: no actions
            if seq != n or n < expected:
                if not settled:
                    raise _Retry
                raise StoreError(f"journal segment {p.name} is out of order (it says {seq})", path=str(p))
            if n > expected:
                self._older_manifest(n, settled)
            assert contents is not None
            loaded.entries.extend((n, p, line, e) for line, e in enumerate(contents.entries, 2))
            loaded.pending_sealed = True
            expected = n + 1
        path = active
        if not active.exists() and jr.next_path(active).exists():
            path = jr.next_path(active)  # a rotation under way or interrupted: finished when settling
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            if not self._manifest.documents and not sealed:
                # a store of no documents (a first import was killed before its commit): no action
                # can have been made on it, so there is nothing a journal could hold
                loaded.stale_active = True
                loaded.active_seq = expected
                return
            if not settled:
                raise _Retry from None
            raise StoreError(
                "the journal is missing: the actions since the store was last saved are lost. Restore it "
                "from a backup; to open the store as it was last saved, giving them up, create the journal "
                f"holding the word discard (`echo discard > {active}`)",
                path=str(active),
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot read the journal: {os_reason(exc)}", path=str(path)) from exc
        try:
            raw = _read_all(fd)
            if raw.strip() == jr.DISCARD:  # the user gave up what it held
                loaded.stale_active = True
                loaded.active_seq = expected
                loaded.journal_key = _fstat_key(fd)
                os.close(fd)
                return
            try:
                entries, end, prev = jr.parse_complete(raw, 1, None)
            except jr.JournalDamage as exc:
                raise self._journal_damage(exc, path) from None
            if not entries:
                raise StoreError(
                    f"the journal is {'empty' if not raw else 'cut inside its first line'} (it always starts with a "
                    "header line: it was truncated or overwritten), so the actions since the store was last saved "
                    "are lost. Restore it from a backup; to open the store as it was last saved, giving them up, "
                    f"write the word discard into it (`echo discard > {path}`)",
                    path=str(path),
                )
            head, entries = entries[0], entries[1:]
            seq = head.get("seq") if head.get("op") == "journal" else None
            if not isinstance(seq, int):
                raise StoreError("journal line 1 is corrupt (not the header of this format's journal)", path=str(path))
            if seq < expected:
                if sealed:
                    raise StoreError(f"journal {path.name} is out of order (it says {seq})", path=str(path))
                loaded.stale_active = True  # already folded: a copy restored, or a crash after a fold
                loaded.active_seq = expected
                loaded.journal_key = _fstat_key(fd)
                os.close(fd)
                return
            if seq > expected:
                self._older_manifest(seq, settled)
            loaded.entries.extend((seq, path, line, e) for line, e in enumerate(entries, 2))
            loaded.active_seq = seq
        except BaseException:
            os.close(fd)
            raise
        self._jfd, self._jino, self._jseq = fd, os.fstat(fd).st_ino, seq
        self._jpos, self._jline, self._jcount = end, len(entries) + 2, len(entries)
        self._jprev = prev

    def _older_manifest(self, seq: int, settled: bool) -> None:
        if not settled:
            raise _Retry
        raise StoreError(
            f"the main file is older than its journal (it has folded the journal up to segment "
            f"{self._manifest.folded_seq}, the journal continues from segment {seq}): an older copy of the main "
            "file was restored? Restore the matching main file; nothing was changed",
            path=str(self.path),
        )

    def _apply(self, entry: dict[str, Any], seq: int, p: Path, line: int, changes: Changes | None) -> None:
        """Apply one journal entry to the in-memory state."""
        if seq <= self._manifest.folded_seq:
            return  # already in the shards
        op = entry.get("op")
        try:
            if op == "ann":
                rec = entry.get("rec")
                if not isinstance(rec, dict):
                    raise ValueError("no record")
                annotator, doc_id = record_key(rec)
                if not self._known(doc_id, changes):
                    raise ValueError(f"a record for unknown document {doc_id}")
                self._overlay[(annotator, doc_id)] = (seq, rec)
                if changes is not None:
                    changes.records.add((doc_id, annotator))
            elif op == "claim":
                claimed, holders = entry.get("doc"), entry.get("annotators")
                if not isinstance(claimed, str) or not self._known(claimed, changes):
                    raise ValueError(f"a claim on unknown document {claimed!r}")
                if not isinstance(holders, list) or not all(isinstance(h, str) for h in holders):
                    raise ValueError("a claim without annotators")
                self._claims[claimed] = (seq, holders)
                if changes is not None:
                    changes.claims.add(claimed)
            else:
                raise ValueError(f"unknown operation {op!r}")
        except ValueError as exc:
            raise StoreError(
                f"journal line {line} is corrupt ({exc}); restore the journal from a backup, or move it aside "
                "to open the store as it was last saved",
                path=str(p),
            ) from None

    def _known(self, doc_id: str, changes: Changes | None) -> bool:
        """Whether a journal entry's document is in the store. An import may have added it since
        the manifest was last read (others act on it at once): then the manifest is read again (when
        opening: the whole reading starts over)."""
        if self._index.position(doc_id) is not None:
            return True
        if _stat_key(self.path) == self._manifest_key:
            return False
        if self._loading is not None:
            if self._loading:  # read with the locks held: nothing can have changed
                return False
            raise _Retry
        self._reload_manifest(changes)
        return self._index.position(doc_id) is not None

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
            legacy.generation, legacy.texts_end, size, len(legacy.docs), 0, None, 0, None, 0, tuple(rows), 2
        )
        self._index = DocIndex([d.id for d in legacy.docs])

    # -- making the files consistent (writable opens only, after everything was read and checked)
    def _migrate(self, legacy: Any) -> None:
        """Write an older store in the current format: pending suggestions move from the records to the
        shared suggestions layer; shards, index, manifest, and (from format 1 and 2) a new journal."""
        self.shards_dir.mkdir(exist_ok=True)
        segments: list[tuple[int, Path]] = []
        if legacy is None:  # format 3: shards already; fold the journal on the way
            segments = [(n, p) for n, p in jr.sealed_segments(self.journal_path) if n > self._manifest.folded_seq]
            if self._jcount:
                self._rotate()
                segments.append((self._jseq - 1, jr.segment_path(self.journal_path, self._jseq - 1)))
        staging = _Staging(self, self._manifest.generation + 1)
        upto = self._stage_segments(staging, segments) if legacy is None and segments else self._manifest.folded_seq
        for k in range(len(self._manifest.shards)):
            shard = staging.shard(k)
            for by_doc in shard.records.values():
                for doc_id, rec in list(by_doc.items()):
                    spans = rec.get("spans") or []
                    pending = [sp for sp in spans if isinstance(sp, dict) and sp.get("pending")]
                    if pending:
                        layer = shard.suggestions.setdefault(doc_id, [])
                        keys = {_span_key(sp) for sp in layer}
                        layer.extend(sp for sp in pending if _span_key(sp) not in keys)
                        by_doc[doc_id] = {**rec, "spans": [sp for sp in spans if sp not in pending]}
            staging.touched(k)
        self._commit(staging, folded_upto=upto, texts_end=self._manifest.texts_end, new_ids=None, rewrite_index=True)
        self._pinned = False
        if legacy is not None:
            jr.create(self.journal_path, 1)
            for _n, p in jr.sealed_segments(self.journal_path):
                with contextlib.suppress(OSError):
                    p.unlink()
            self._open_journal(1)
        else:
            self._open_journal()  # writable from here on
            if self._jprev is None and not self._jcount:  # an empty segment of the unchained form
                jr.create(self.journal_path, self._jseq)
                self._open_journal()

    def _settle_journal(self, loaded: _Loaded) -> None:
        """Make the active segment read in the snapshot ours to append to (we hold ``PATH.lock``).
        Others may have appended to it, sealed it and folded it since: that is followed as any
        rotation is (every entry read, none skipped). A journal found missing, given up or already
        folded is replaced -- only if it is still exactly as it was read."""
        jr.finish_rotation(self.journal_path)  # one seen in the snapshot, or a writer killed in one since
        if loaded.stale_active:
            if _stat_key(self.journal_path) != loaded.journal_key:  # another writer replaced it meanwhile
                raise _Retry
            jr.create(self.journal_path, loaded.active_seq)
            self._open_journal(loaded.active_seq)
        elif self._jfd is not None:
            fd = os.open(self.journal_path, os.O_RDWR | os.O_APPEND)
            if os.fstat(fd).st_ino == self._jino:  # the segment we read: append where the reading stopped
                os.close(self._jfd)
                self._jfd = fd
            else:
                os.close(fd)  # sealed since: _catch_up reads the rest of it and follows the new one
        self._catch_up(None, locked=True)
        if self._jprev is None:  # a segment written before frames were chained: new actions go to a chained one
            self._rotate()
            loaded.pending_sealed = True  # folded once the open is done (not while we hold PATH.lock)

    def _open_journal(self, seq: int | None = None) -> None:
        """Follow the active segment from its start (its header) on. Its number is read from its
        header: another process may have sealed the one we expected in the meantime."""
        self._close_journal()
        fd = os.open(self.journal_path, os.O_RDWR | os.O_APPEND if not self.readonly else os.O_RDONLY)
        raw = os.pread(fd, 1 << 16, 0)
        end = raw.find(b"\n") + 1
        try:
            head, crc = jr.decode_frame(raw[: end - 1], None) if end else ({}, 0)
        except ValueError:
            head, crc = {}, 0
        found = head.get("seq")
        if not isinstance(found, int):
            os.close(fd)
            raise StoreError("journal line 1 is corrupt (no header)", path=str(self.journal_path))
        self._jfd, self._jino, self._jseq = fd, os.fstat(fd).st_ino, found
        self._jpos, self._jline, self._jcount = end, 2, 0
        self._jprev = jr.chain_start(head, crc)

    def _close_journal(self) -> None:
        if self._jfd is not None:
            self._old_fds.append(self._jfd)
            self._jfd = None
        for fd in self._old_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._old_fds = []

    def _remove_unreferenced(self) -> None:
        """Files a crash left behind that the manifest does not name. We hold the commit lock, so no
        commit is under way; the manifest is read again (what we loaded may be older by now)."""
        got = self._read_manifest_file()
        if got is None:
            return
        try:
            m = parse_manifest(got[0])
        except (ManifestDamage, OldFormat, ValueError):
            return
        keep = {row.file for row in m.shards} | {m.ids_file, m.order_file}
        for name in (self.path.name, self.journal_path.name, jr.next_path(self.journal_path).name):
            remove_stale_temps(self.path.parent, name)  # a killed writer's half-written replacements
        with contextlib.suppress(OSError):
            for p in self.shards_dir.iterdir():
                if p.name not in keep:
                    with contextlib.suppress(OSError):
                        p.unlink()
        for n, p in jr.sealed_segments(self.journal_path):
            if n <= m.folded_seq:
                with contextlib.suppress(OSError):
                    p.unlink()

    # -- following the others
    def refresh(self) -> Changes:
        """Read what other processes did since the last look (cheap when nothing happened: two
        ``stat`` calls) and say what changed, so a screen redraws only that."""
        changes = Changes()
        if self._closed or (not self._exists and not self.path.exists()):
            return changes
        with self._state:
            self._catch_up(changes, locked=False)
            changes.add(self._unreported)
            self._unreported = Changes()
        return changes

    def _catch_up(self, changes: Changes | None, *, locked: bool) -> None:
        """Bring the in-memory state up to what is on disk. ``locked``: we hold ``PATH.lock``, so an
        unfinished last line was left by a writer that died (it is cut off). What is read for an action
        (``changes`` None) is kept for the next :meth:`refresh`."""
        if changes is None:
            changes = self._unreported
            if len(changes.records) + len(changes.claims) > UNREPORTED_LIMIT:
                # nobody asks (an import, a merge): say "anything may have changed" instead of keeping it all
                changes.records.clear()
                changes.claims.clear()
                changes.reloaded = True
        key = _stat_key(self.path)
        if key != self._manifest_key and key != (0, 0, 0):
            self._reload_manifest(changes)
        if not self._exists:
            return
        try:
            st = os.stat(self.journal_path)
        except FileNotFoundError:
            if locked and jr.finish_rotation(self.journal_path):
                st = os.stat(self.journal_path)
            else:
                return  # a rotation in progress: look again next time
        if self._jfd is None or st.st_ino != self._jino:
            self._follow_rotation(changes)
        self._read_new(changes, locked=locked)

    def _read_new(self, changes: Changes | None, *, locked: bool) -> None:
        fd = self._jfd
        if fd is None:
            return
        size = os.fstat(fd).st_size
        if size <= self._jpos:
            if size < self._jpos and locked:
                raise StoreError("the journal became shorter while the store was open", path=str(self.journal_path))
            return
        raw = os.pread(fd, size - self._jpos, self._jpos)
        try:
            entries, used, prev = jr.parse_complete(raw, self._jline, self._jprev)
        except jr.JournalDamage as exc:
            raise self._journal_damage(exc, self.journal_path) from None
        for i, entry in enumerate(entries):
            self._apply(entry, self._jseq, self.journal_path, self._jline + i, changes)
        self._jprev = prev
        self._jpos += used
        self._jline += len(entries)
        self._jcount += len(entries)
        if locked and used < len(raw) and not self.readonly:
            os.ftruncate(fd, self._jpos)  # an unfinished line from a writer killed mid-append

    def _follow_rotation(self, changes: Changes | None) -> None:
        """The active segment was sealed by someone: finish ours, read the ones sealed since, follow the new one."""
        if self._jfd is not None:
            self._read_new(changes, locked=False)
        old_seq = self._jseq
        try:
            fd = os.open(self.journal_path, os.O_RDWR | os.O_APPEND if not self.readonly else os.O_RDONLY)
        except FileNotFoundError:
            return
        head = os.pread(fd, 1 << 16, 0)
        end = head.find(b"\n") + 1
        try:
            entries, _, prev = jr.parse_complete(head[:end], 1, None)
            seq = entries[0]["seq"] if entries and entries[0].get("op") == "journal" else None
        except jr.JournalDamage:
            seq, prev = None, None
        if not isinstance(seq, int):
            os.close(fd)
            return
        for n in range(old_seq + 1, seq):
            if n <= self._manifest.folded_seq:
                continue
            p = jr.segment_path(self.journal_path, n)
            try:
                contents = jr.read_journal(p)
            except FileNotFoundError:
                self._reload_manifest(changes)  # folded meanwhile: the shards have it
                continue
            except jr.JournalDamage as exc:
                os.close(fd)
                raise self._journal_damage(exc, p) from None
            if contents is not None:
                for line, entry in enumerate(contents.entries, 2):
                    self._apply(entry, n, p, line, changes)
        self._close_journal()
        self._jfd, self._jino, self._jseq = fd, os.fstat(fd).st_ino, seq
        self._jpos, self._jline, self._jcount = end, 2, 0
        self._jprev = prev
        self._next_ready = False
        if not self.readonly:
            self._want_fold()

    def _reload_manifest(self, changes: Changes | None) -> None:
        got = self._read_manifest_file()
        if got is None:
            return
        raw, key = got
        try:
            new = parse_manifest(raw)
        except (ManifestDamage, OldFormat, ValueError):
            return  # not ours to judge mid-session: the next open reports it
        self._adopt_manifest(new, key, changes)

    def _adopt_manifest(
        self, new: Manifest, key: tuple[int, int, int], changes: Changes | None, index: DocIndex | None = None
    ) -> None:
        with self._state:
            old = self._manifest
            self._manifest_key = key
            if new.generation == old.generation and not self._pinned:
                return
            if index is not None:
                self._index = index
            elif new.ids_file != old.ids_file and new.documents:
                assert new.ids_file is not None and new.order_file is not None
                self._index = DocIndex.read(
                    self.shards_dir / new.ids_file,
                    self.shards_dir / new.order_file,
                    new.ids_crc,
                    new.order_crc,
                    new.documents,
                )
                if changes is not None:
                    changes.documents = True
            # a fold of journal entries this process has all read: its cached shards plus those entries
            # are exactly the new shard files, so they are patched instead of read again
            patch = new.commit == "fold" and new.generation == old.generation + 1 and self._jseq > new.folded_seq
            size = new.shard_size
            moved: dict[int, list[tuple[str, Any, bool]]] = {}
            if patch:
                for (annotator, doc_id), (seq, rec) in self._overlay.items():
                    if seq <= new.folded_seq and (pos := self._index.position(doc_id)) is not None:
                        moved.setdefault(pos // size, []).append((annotator, rec, True))
                for doc_id, (seq, holders) in self._claims.items():
                    if seq <= new.folded_seq and (pos := self._index.position(doc_id)) is not None:
                        moved.setdefault(pos // size, []).append((doc_id, holders, False))
            for k in list(self._cache):
                shard = self._cache[k]
                if k < len(new.shards) and shard.file == new.shards[k].file:
                    continue
                if patch and k < len(old.shards) and shard.file == old.shards[k].file:
                    patched = shard.copy(new.shards[k].file)
                    for name, value, is_record in moved.get(k, []):
                        if is_record:
                            patched.records.setdefault(name, {})[value["doc_id"]] = value
                        else:
                            patched.claims[name] = value
                    self._cache[k] = patched
                else:
                    del self._cache[k]
            self._manifest = new
            self._overlay = {k: v for k, v in self._overlay.items() if v[0] > new.folded_seq}
            self._claims = {k: v for k, v in self._claims.items() if v[0] > new.folded_seq}
            if not patch:
                self._by_hash = None
                if changes is not None:
                    changes.reloaded = True

    # -- closing
    def close(self) -> None:
        """Fold the journal into the shards (if writable and nobody else has the store open for
        writing) and release the store."""
        if self._closed:
            return
        try:
            if not self.readonly and self._exists:
                self._stop_folder()
                self.compact()
        finally:
            self._release()

    def _release(self, *, refused: bool = False) -> None:
        self._stop_folder()
        self._closed = True
        self._close_journal()
        self._texts.close()
        gone = refused or not self._exists  # a refused open, or a store never written: no lock files left
        self._append.close(remove=gone)
        self._commit_flock.close(remove=gone)
        if self._owner is not None:
            # a refused open, or a store that was never written, leaves no lock file it created
            self._owner.release(remove=self._owner.created and (refused or not self._exists))
            self._owner = None

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
        if self._closed or self._fold_child:
            return
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
                if not self._fold_elsewhere():
                    self._fold_sealed(blocking=False)  # a small store, or no child process could be started
                self._fold_error = None
            except (OSError, StoreError, folding.ChildFailed) as exc:
                self._fold_error = exc  # the journal still holds everything; retried at the next rotation

    def _fold_elsewhere(self) -> bool:
        """Fold the sealed segments in a child process that holds our ``PATH.commit.lock`` (so that of
        the writers who saw a rotation, only one starts a fold, and nothing commits in between); then
        adopt the new manifest in this thread rather than in the next action. False (fold here) for a
        small store, or if no child could be started."""
        if len(self._manifest.shards) <= FOLD_PROCESS_SHARDS:
            return False
        with self._commit_lock:
            if not self._commit_flock.acquire(blocking=False):
                return True  # another process is folding; what it leaves, the next rotation folds
            try:
                fd = self._commit_flock.fd
                assert fd is not None
                if not folding.fold_in_child(self.path, fd):
                    return False
            finally:
                self._commit_flock.release()
        with self._state:
            self._catch_up(None, locked=False)
        return True

    def _stop_folder(self) -> None:
        if self._folder is not None:
            self._stop = True
            self._fold_wanted.set()
            self._folder.join()
            self._folder = None
            self._stop = False

    @classmethod
    def fold_sealed_segments(cls, path: str | os.PathLike[str], commit_lock_fd: int) -> None:
        """Fold the sealed journal segments of the store at ``path`` into the shards, for a writer
        that holds ``PATH.commit.lock`` on ``commit_lock_fd`` and passed it on (:mod:`.folding`): the
        manifest, the index and the sealed segments are read, the active segment and ``PATH.lock``
        are left alone, so the writers never wait for this process."""
        store = cls(Path(os.path.realpath(os.path.abspath(os.fspath(path)))), True, None)  # no journal writes
        store._fold_child = True  # no fold thread of its own
        store._commit_flock.inherit(commit_lock_fd)
        try:
            loaded = None
            for attempt in range(6):
                try:
                    loaded = store._load(settled=False)
                    break
                except _Retry:  # a rotation under way (no fold or import can run: we hold the lock)
                    store._reset_state()
                    time.sleep(0.01 * attempt)
            if loaded is None:
                loaded = store._load(settled=True)
            if not store._exists or loaded.legacy is not None or store._manifest.version < FORMAT_VERSION:
                return  # nothing to fold here: a writer's open upgrades an old store first
            store._fold_sealed()
        except OSError as exc:
            raise StoreError(f"cannot write the store: {os_reason(exc)}", path=str(store.path)) from exc
        finally:
            store._release()

    def _fold_sealed(self, *, blocking: bool = True) -> None:
        """Fold the sealed journal segments into new shard files and a new manifest (if no other
        process is folding: then that one does it)."""
        with self._commit_lock:
            if not self._commit_flock.acquire(blocking=blocking):
                return
            try:
                with self._state:
                    self._catch_up(None, locked=False)
                m = self._manifest
                segments = [(n, p) for n, p in jr.sealed_segments(self.journal_path) if n > m.folded_seq]
                if not segments:
                    return
                staging = _Staging(self, m.generation + 1)
                upto = self._stage_segments(staging, segments)
                self._commit(staging, folded_upto=upto, texts_end=m.texts_end, new_ids=None, kind="fold")
            finally:
                self._commit_flock.release()

    def _stage_segments(self, staging: _Staging, segments: list[tuple[int, Path]]) -> int:
        by_shard: dict[int, list[dict[str, Any]]] = {}
        upto = self._manifest.folded_seq
        size = self._manifest.shard_size
        for n, p in segments:
            try:
                contents = jr.read_journal(p)
            except jr.JournalDamage as exc:
                raise self._journal_damage(exc, p) from None
            assert contents is not None
            for entry in contents.entries:
                doc_id = entry["rec"]["doc_id"] if entry["op"] == "ann" else entry["doc"]
                pos = self._index.position(doc_id)
                assert pos is not None
                by_shard.setdefault(pos // size, []).append(entry)
            upto = n
        for k, entries in sorted(by_shard.items()):
            shard = staging.shard(k)
            for entry in entries:
                if entry["op"] == "ann":
                    rec = entry["rec"]
                    shard.records.setdefault(rec["annotator"], {})[rec["doc_id"]] = rec
                else:
                    shard.claims[entry["doc"]] = entry["annotators"]
            staging.touched(k)
            staging.flush_some()  # a fold touching thousands of shards keeps only a few in memory
        return upto

    def _commit(
        self,
        staging: _Staging,
        *,
        folded_upto: int,
        texts_end: int,
        new_ids: list[str] | None,
        rewrite_index: bool = False,
        kind: str = "import",
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
            "version": FORMAT_VERSION,
            "commit": kind,
        }
        written: list[Path] = []  # the shard files are synced already
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
            self._index_dirty = False
            self._adopt_manifest(new, _stat_key(self.path), None, index)
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
        try:
            with self._append, self._state:
                self._catch_up(None, locked=True)
                if self._jcount:
                    self._rotate()
            self._fold_sealed()
        except OSError as exc:
            raise StoreError(f"cannot write the store: {os_reason(exc)}", path=str(self.path)) from exc

    def _rotate(self) -> None:
        """Seal the active segment (we hold ``PATH.lock`` and have read it to its end)."""
        jr.rotate(self.journal_path, self._jseq)
        self._open_journal()
        self._next_ready = False

    # ---- shards in memory
    def _read_shard(self, row: ShardRow) -> Shard:
        try:
            with _no_collector():
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
            for _attempt in range(5):
                row = self._manifest.shards[k]
                try:
                    shard = self._read_shard(row)
                    break
                except StoreError:
                    if (self.shards_dir / row.file).exists():
                        raise
                    # replaced by another process's commit (a fold, an import, suggestions) since we
                    # looked: the next refresh() reports the reload, as if it had found it itself
                    self._reload_manifest(self._unreported)
                    if self._manifest.shards[k].file == row.file:
                        raise
            else:
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
        """Every document in import order with its stored records (of ``annotators``, default all, in
        that order; pending suggestions of the shared layer included), read shard by shard: what an
        export streams over."""
        for rec, anns in self._iter_records(list(annotators) if annotators is not None else None):
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

        Other processes may work on the store meanwhile; from the first item that brings annotation
        data until the commit, their actions wait (the import merges into the latest records).
        """
        self._check_writable()
        with self._commit_lock, self._commit_flock:
            try:
                return self._import(items, on_progress)
            finally:
                while self._append.held:
                    self._append.release()

    def _begin_records(self, staging: _Staging) -> int:
        """Take ``PATH.lock`` for the rest of an import: every action so far (of every process) is
        staged into the shards this commit writes, and no new one can come in between."""
        self._append.acquire()
        with self._state:
            self._catch_up(None, locked=True)
            m = self._manifest
            segments = [(n, p) for n, p in jr.sealed_segments(self.journal_path) if n > m.folded_seq]
            if self._jcount:
                segments.append((self._jseq, self.journal_path))
            return self._stage_segments(staging, segments) if segments else m.folded_seq

    def _import(
        self,
        items: Iterable[tuple[Document, Sequence[ImportedAnnotation]]],
        on_progress: Callable[[int], None] | None,
    ) -> ImportResult:
        result = ImportResult()
        with self._state:
            self._catch_up(None, locked=False)  # another process may have committed meanwhile
        created = not self._exists
        if created:
            self._create()
        elif not self._manifest.documents and not self.shards_dir.is_dir():
            try:  # a first import killed between writing the main file and making the directory
                self.shards_dir.mkdir(exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot write the store: {os_reason(exc)}; nothing was imported", path=str(self.path)
                ) from exc
        try:
            self._import_into(items, on_progress, result)
        except BaseException:
            if created:
                self._uncreate()
            raise
        if created and not self._manifest.documents:
            self._uncreate()  # nothing to import: no store either
        return result

    def _create(self) -> None:
        """A new store's files, the main file first: a store of no documents. A kill at any moment of
        the first import then leaves either nothing or a store that opens (its unreferenced files are
        recovered as after any killed import), and the import run again completes it. Then the journal:
        a store of no documents without one is recovered too (no action can have been made on it)."""
        try:
            self._manifest.write(self.path)
            with self._state:
                self._manifest_key = _stat_key(self.path)
                self._exists = True
            self.shards_dir.mkdir(exist_ok=True)
            jr.create(self.journal_path, self._manifest.folded_seq + 1)
            self._open_journal(self._manifest.folded_seq + 1)
        except OSError as exc:
            self._uncreate()
            raise StoreError(
                f"cannot write the store: {os_reason(exc)}; nothing was imported", path=str(self.path)
            ) from exc

    def _uncreate(self) -> None:
        """Remove what a first import that failed (bad input, a full disk) made: the store stays absent.
        We hold the commit lock, and a store of no documents has no actions: nobody else wrote here."""
        if self._manifest.documents or self._jcount:
            return
        self._close_journal()
        for p in (self.path, self.journal_path, self.texts_path):
            with contextlib.suppress(OSError):
                if p != self.texts_path or p.stat().st_size == 0:
                    p.unlink()
        with contextlib.suppress(OSError):
            self.shards_dir.rmdir()  # only if empty: an aborted import removed its shard files
        with contextlib.suppress(OSError):
            fsync_dir(self.path.parent)
        with self._state:
            self._exists = False
            self._manifest_key = (0, 0, 0)

    def _import_into(
        self,
        items: Iterable[tuple[Document, Sequence[ImportedAnnotation]]],
        on_progress: Callable[[int], None] | None,
        result: ImportResult,
    ) -> ImportResult:
        m = self._manifest
        now = time.time()
        staging = _Staging(self, m.generation + 1)
        new_ids: list[str] = []
        new_pos: dict[str, int] = {}
        new_hash: dict[str, str] = {}
        base = len(self._index)
        upto: int | None = None

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
                    if anns and upto is None:
                        upto = self._begin_records(staging)
                    for ia in anns:
                        result.records += self._stage_annotation(staging, pos, rec, ia, now)
                    staging.flush_some()
                    if on_progress is not None and n % 256 == 0:
                        on_progress(n)
                texts.sync()
                if on_progress is not None:
                    on_progress(n)
                if not staging.changed:
                    texts.abort()
                    staging.abort()
                    return result
                if upto is None:
                    upto = self._begin_records(staging)
                with self._state:
                    if self._jcount:
                        self._rotate()  # everything in the active segment is in this commit
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
        if self._jfd is None:
            try:
                jr.create(self.journal_path, upto + 1)
                self._open_journal(upto + 1)
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

    def _stage_annotation(self, staging: _Staging, pos: int, rec: DocRec, ia: ImportedAnnotation, now: float) -> bool:
        """Stage one imported record; whether a record was created or changed."""
        if not isinstance(ia.annotator, str) or not ia.annotator:
            raise UserError(f"annotator must be a non-empty string, got {ia.annotator!r}")
        for span in [*ia.spans, *ia.rejected]:
            check_span(span, rec.chars, rec.id)
        check_answer(ia.answer)
        k = pos // self._manifest.shard_size
        suggested = [s for s in ia.spans if s.pending]
        if suggested:
            # pending suggestions belong to the shared layer (every annotator who has not decided on
            # one sees it), as `reader suggest` puts them; the record keeps the decisions
            self._stage_suggestions(staging, k, rec.id, suggested)
            if ia.only_suggestions() and staging.peek(k).record(ia.annotator, rec.id) is None:
                return False
            ia = dataclasses.replace(ia, spans=[s for s in ia.spans if not s.pending])
        shard = staging.shard(k)
        old = shard.record(ia.annotator, rec.id)
        base = None if old is None else _annotation(old, self.path)
        merged = merge_imported(base, ia, rec.id, rec.hash, now)
        if merged is None:  # nothing new: a re-import leaves the record (and the shard) alone
            return False
        shard.records.setdefault(ia.annotator, {})[rec.id] = merged.to_dict()
        staging.touched(k)
        return True

    def _stage_suggestions(self, staging: _Staging, k: int, doc_id: str, spans: list[Span]) -> None:
        """Add imported suggestions to a document's layer (one already there is not added twice)."""
        current = staging.peek(k).suggestions.get(doc_id, [])
        keys = {_span_key(d) for d in current}
        new = []
        for span in spans:
            if span.key not in keys:
                keys.add(span.key)
                new.append(replace_pending(span).to_dict())
        if new:
            staging.shard(k).suggestions[doc_id] = [*current, *new]
            staging.touched(k)

    # ---- the shared suggestions layer
    def suggestions(self, doc_id: str) -> list[Span]:
        """The suggested spans of a document (pending), shared by every annotator."""
        pos, _rec = self._docrec(doc_id)
        size = self._manifest.shard_size
        return [_span(d, self.path) for d in self._shard(pos // size).suggestions.get(doc_id, [])]

    def add_suggestions(
        self,
        items: Iterable[tuple[str, Iterable[Span]]],
        *,
        on_progress: Callable[[int], None] | None = None,
    ) -> SuggestionsAdded:
        """Add suggested spans to documents' shared layer, streaming, all or nothing; a span already
        there (same start, end and label) is not added twice, so running a suggester again adds
        nothing. Actions of annotators go on meanwhile."""
        self._check_writable()
        added = SuggestionsAdded()
        with self._commit_lock, self._commit_flock:
            with self._state:
                self._catch_up(None, locked=False)
            m = self._manifest
            staging = _Staging(self, m.generation + 1)
            size = m.shard_size
            try:
                for n, (doc_id, spans) in enumerate(items, 1):
                    pos, rec = self._docrec(doc_id)
                    k = pos // size
                    current = staging.peek(k).suggestions.get(doc_id, [])
                    keys = {_span_key(d) for d in current}
                    new = []
                    for span in spans:
                        check_span(span, rec.chars, doc_id)
                        if span.key not in keys:
                            keys.add(span.key)
                            new.append(replace_pending(span).to_dict())
                            added.labels[span.label] = added.labels.get(span.label, 0) + 1
                    if new:
                        added.documents += 1
                        staging.shard(k).suggestions[doc_id] = [*current, *new]
                        staging.touched(k)
                        staging.flush_some()
                    if on_progress is not None and n % 256 == 0:
                        on_progress(n)
                if staging.changed:
                    self._commit(
                        staging, folded_upto=m.folded_seq, texts_end=m.texts_end, new_ids=None, kind="suggestions"
                    )
            except OSError as exc:
                staging.abort()
                raise StoreError(
                    f"cannot write the store: {os_reason(exc)}; nothing was added", path=str(self.path)
                ) from exc
            except BaseException:
                staging.abort()
                raise
        return added

    def _layer(self, doc_id: str, annotator: str | None = None) -> list[Span]:
        """The shared suggestions of a document; none for a gold record (``gold:NAME``): suggestions
        are for annotators, a reviewer's adjudication holds only what was decided."""
        if annotator is not None and is_gold(annotator):
            return []
        pos = self._index.position(doc_id)
        if pos is None:
            return []
        size = self._manifest.shard_size
        return [_span(d, self.path) for d in self._shard(pos // size).suggestions.get(doc_id, [])]

    def _with_pending(
        self,
        a: Annotation | None,
        doc_id: str,
        annotator: str,
        *,
        virtual: bool,
        layer: list[Span] | None = None,
    ) -> Annotation | None:
        """A record with the layer's suggestions it has not decided on added as pending spans."""
        if is_gold(annotator):
            return a
        layer = self._layer(doc_id) if layer is None else layer
        if not layer:
            return a
        decided = set() if a is None else {s.key for s in a.spans} | {s.key for s in a.rejected}
        pending = [s for s in layer if s.key not in decided]
        if not pending:
            return a
        if a is None:
            if not virtual:
                return None
            a = Annotation(doc_id, annotator, self._docrec(doc_id)[1].hash)
        a.spans.extend(pending)
        return a

    # ---- claims: routing slots, taken atomically across processes
    def claim(self, doc_id: str, annotator: str, capacity: int) -> bool:
        """Take one of the ``capacity`` slots of a document for ``annotator``: True if they hold one
        (already, or now), False if all are taken. Durable when it returns; never over-assigns, however
        many processes claim at once (decided under ``PATH.lock`` on the latest state)."""
        self._check_writable()
        if not isinstance(annotator, str) or not annotator:
            raise ValueError(f"annotator must be a non-empty string, got {annotator!r}")
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"capacity must be a positive integer, got {capacity!r}")
        self._prepare()
        self._docrec(doc_id)
        with self._append, self._state:
            self._catch_up(None, locked=True)
            holders = self._holders(doc_id)
            if annotator in holders:
                return True
            if len(holders) >= capacity:
                return False
            new = [*holders, annotator]
            self._seal_if_full()
            fd = self._write_entry({"op": "claim", "doc": doc_id, "annotators": new})
            self._claims[doc_id] = (self._jseq, new)
        self._sync(fd)
        return True

    def claims(self, doc_id: str) -> list[str]:
        """The annotators holding a slot of this document, in the order they claimed it."""
        self._docrec(doc_id)
        return list(self._holders(doc_id))

    def all_claims(self) -> dict[str, list[str]]:
        """Every claimed document with its holders (documents nobody claimed are left out). Reads
        every shard once (what an annotator's routed queue needs when the app opens); after that,
        :meth:`refresh` says which documents' claims changed."""
        with self._state:
            out: dict[str, list[str]] = {}
            for k, row in enumerate(self._manifest.shards):
                cached = self._cache.get(k)
                found: dict[str, list[str]] | None = cached.claims if cached is not None else None
                if found is None and not self._pinned:
                    with contextlib.suppress(OSError):  # the claims table alone; else the whole shard
                        found = read_claims(self.shards_dir / row.file, row.crc)
                if found is None:
                    found = self._shard(k).claims
                for doc_id, holders in found.items():
                    if holders:
                        out[doc_id] = list(holders)
            for doc_id, (_seq, holders) in self._claims.items():
                out[doc_id] = list(holders)
            return out

    def _holders(self, doc_id: str) -> list[str]:
        hit = self._claims.get(doc_id)
        if hit is not None:
            return hit[1]
        pos, _rec = self._docrec(doc_id)
        return self._shard(pos // self._manifest.shard_size).claims.get(doc_id, [])

    # ---- annotations (reads return fresh objects: mutate the store only through its methods)
    def _record(self, annotator: str, doc_id: str) -> Record | None:
        hit = self._overlay.get((annotator, doc_id))
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
        """The annotator's record, with the shared suggestions they have not accepted or rejected
        yet as pending spans (a record with only those if they have none)."""
        return self._with_pending(self._lookup(annotator, doc_id), doc_id, annotator, virtual=True)

    def answer_of(self, doc_id: str, annotator: str) -> str | None:
        """The annotator's answer on a document (None: none, or no record), without building the record
        or its pending suggestions: cheap for a record another process just changed."""
        rec = self._record(annotator, doc_id)
        answer = None if rec is None else rec.get("answer")
        return answer if isinstance(answer, str) else None

    def annotations(self, *, annotator: str | None = None, layer: bool = True) -> Iterator[Annotation]:
        """Stored annotation records (pending suggestions of the shared layer included, unless
        ``layer`` is False: the records exactly as stored), in document import order (then by
        annotator), read shard by shard."""
        names = [annotator] if annotator is not None else None
        for _doc, anns in self._iter_records(names, layer=layer):
            yield from anns

    def _iter_records(
        self, names: list[str] | None, *, layer: bool = True
    ) -> Iterator[tuple[DocRec, list[Annotation]]]:
        names = names if names is not None else self.annotators()
        for k in range(len(self._manifest.shards)):
            shard = self._shard(k)
            for rec in shard.docs:
                shared = [_span(d, self.path) for d in shard.suggestions.get(rec.id, [])] if layer else []
                anns = []
                for name in names:
                    hit = self._overlay.get((name, rec.id))
                    stored = hit[1] if hit is not None else shard.record(name, rec.id)
                    found = None if stored is None else _annotation(stored, self.path)
                    a = self._with_pending(found, rec.id, name, virtual=False, layer=shared) if layer else found
                    if a is not None:
                        anns.append(a)
                yield rec, anns

    def annotators(self) -> list[str]:
        names = {name for row in self._manifest.shards for name, codes in row.answers.items() if codes.strip("-")}
        names |= {annotator for annotator, _ in self._overlay}
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
        for (name, doc_id), (_seq, rec) in self._overlay.items():
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

    # ---- mutations: validated first, journaled (under PATH.lock, on the latest state), fsynced
    def _write_entry(self, entry: dict[str, Any]) -> int:
        """Append one entry (we hold PATH.lock and have caught up); return the descriptor to fsync."""
        fd = self._jfd
        if fd is None:
            raise StoreError("the store has no journal (import documents first)", path=str(self.journal_path))
        data, crc = jr.encode_frame(entry, self._jprev)
        try:
            written = os.write(fd, data)
            while written < len(data):
                written += os.write(fd, data[written:])
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self._jpos)
            raise StoreError(f"cannot write the journal: {os_reason(exc)}", path=str(self.journal_path)) from exc
        self._jpos += len(data)
        self._jline += 1
        self._jcount += 1
        if self._jprev is not None:
            self._jprev = crc
        return os.dup(fd)  # for the fsync after PATH.lock is released (the segment may change meanwhile)

    def _prepare(self) -> None:
        """Before taking PATH.lock: follow the others (a new manifest, their entries) and load the
        shard we need, so that the time under the lock, when everyone else waits, stays short."""
        with self._state:
            self._catch_up(None, locked=False)
            if self._jcount >= JOURNAL_LIMIT - 1 and self._jfd is not None and not self._next_ready:
                with contextlib.suppress(OSError):
                    jr.prepare_next(self.journal_path, self._jseq)
                    self._next_ready = True

    def _seal_if_full(self) -> None:
        """Before an append (PATH.lock held, caught up): a full segment is sealed for the background
        fold. If that fails (a full disk) the segment just grows, and sealing is tried again next time."""
        if self._jcount >= JOURNAL_LIMIT:
            try:
                self._rotate()
            except OSError:
                return
            self._want_fold()

    def _sync(self, fd: int) -> None:
        """fsync outside PATH.lock: concurrent writers' fsyncs overlap (group commit). Closes ``fd``."""
        try:
            os.fsync(fd)
        except OSError as exc:
            raise StoreError(
                f"cannot write the journal: {os_reason(exc)} (the last action may not be saved)",
                path=str(self.journal_path),
            ) from exc
        finally:
            os.close(fd)

    def _mutate(
        self, doc_id: str, annotator: str, change: Callable[[Annotation], bool], *, content: bool = True
    ) -> bool:
        """Apply ``change`` to the record and journal it. ``updated`` -- what ``reader merge`` compares
        -- is stamped only when the content changes (``content``); bookkeeping such as time spent
        leaves it alone, so a record that was merely opened never looks newer than real work."""
        self._check_writable()
        if not isinstance(annotator, str) or not annotator:
            raise ValueError(f"annotator must be a non-empty string, got {annotator!r}")
        self._prepare()
        _pos, rec = self._docrec(doc_id)
        with self._append, self._state:
            self._catch_up(None, locked=True)
            self._seal_if_full()
            old_rec = self._overlay.get((annotator, doc_id))
            old = self._lookup(annotator, doc_id)
            now = time.time()
            work = old if old is not None else Annotation(doc_id, annotator, rec.hash, created=now)
            if not change(work):
                return False
            if content:
                work.updated = now
            new = work.to_dict()
            start, prev = self._jpos, self._jprev
            fd = self._write_entry({"op": "ann", "rec": new})
            self._overlay[(annotator, doc_id)] = (self._jseq, new)
        self._sync_or_take_back(fd, (start, prev), self._jseq, annotator, doc_id, old_rec)
        return True

    def update(self, doc_id: str, annotator: str, change: Callable[[Annotation], bool]) -> bool:
        """Apply ``change`` to a working copy of the record (created empty if missing); if it returns
        True the new record is journaled (durable when this returns) and becomes current. The generic
        mutation, for callers that change several fields at once (an undo step, say).

        The working copy is the record as :meth:`get_annotation` shows it: with the shared layer's
        undecided suggestions as pending spans. What ``change`` does to them is kept as a decision of
        this annotator (accepted: in the spans; removed: remembered in ``rejected``); the ones it leaves
        alone stay in the layer, out of the stored record. A gold record (``gold:NAME``) sees no layer.
        The layer is read after catching up, under the lock: suggestions another process added a moment
        ago are in the working copy, so ``change`` decides on the latest state."""

        def layered(work: Annotation) -> bool:
            layer = {s.key: s for s in self._layer(doc_id, annotator)}
            decided = {s.key for s in work.spans} | {s.key for s in work.rejected}
            injected = [s for s in layer.values() if s.key not in decided]
            work.spans.extend(injected)
            changed = change(work)
            # left as they were: still the layer's, not stored in the record
            untouched = [s for s in injected if s in work.spans]
            work.spans = [s for s in work.spans if s not in untouched]
            kept = {s.key for s in work.spans} | {s.key for s in work.rejected}
            for s in injected:
                if s not in untouched and s.key not in kept:
                    # gone from the spans without being accepted in another form (relabelled,
                    # deleted): decided against, so the layer does not bring it back
                    work.rejected.append(s)
            return changed

        return self._mutate(doc_id, annotator, layered)

    def put_record(self, record: Annotation) -> bool:
        """Write ``record`` as it is -- spans, decisions, answer, history and its own ``created`` and
        ``updated`` times -- in place of the stored record of its (document, annotator); False (and
        nothing written) if the store already holds exactly that. For copying records between stores
        (``reader merge`` keeps the winning version's time): an annotator's action goes through
        :meth:`update`, which stamps the time of the action.

        Pending spans that are suggestions of this store's shared layer are left to the layer (the
        record shows them anyway); a record made on an older text of the document is kept as such
        (stale). Durable when it returns."""
        if not isinstance(record, Annotation):
            raise ValueError(f"expected an Annotation, got {type(record).__name__}")
        self._check_writable()
        if not isinstance(record.annotator, str) or not record.annotator:
            raise ValueError(f"annotator must be a non-empty string, got {record.annotator!r}")
        for t in (record.created, record.updated, record.seconds_spent):
            if isinstance(t, bool) or not isinstance(t, int | float) or not math.isfinite(t) or t < 0:
                raise ValueError(f"record times must be finite non-negative numbers, got {t!r}")
        check_answer(record.answer)
        chars = self._chars(record.doc_id)
        for span in [*record.spans, *record.rejected]:
            check_span(span, chars, record.doc_id)
        layer = {s.key for s in self._layer(record.doc_id, record.annotator)}
        new = record.copy()
        new.spans = [s for s in new.spans if not (s.pending and s.key in layer)]
        wanted = new.to_dict()
        annotator, doc_id = record.annotator, record.doc_id
        self._prepare()
        with self._append, self._state:
            self._catch_up(None, locked=True)
            if self._record(annotator, doc_id) == wanted:
                return False
            self._seal_if_full()
            old_rec = self._overlay.get((annotator, doc_id))
            start, prev = self._jpos, self._jprev
            fd = self._write_entry({"op": "ann", "rec": wanted})
            self._overlay[(annotator, doc_id)] = (self._jseq, wanted)
        self._sync_or_take_back(fd, (start, prev), self._jseq, annotator, doc_id, old_rec)
        return True

    def _sync_or_take_back(
        self,
        fd: int,
        before: tuple[int, int | None],
        seq: int,
        annotator: str,
        doc_id: str,
        old_rec: tuple[int, Record] | None,
    ) -> None:
        """fsync an appended record; if that fails and nobody appended after it, take it back
        (``before``: the segment's length and chain before the append)."""
        start, prev = before
        try:
            self._sync(fd)
        except StoreError:
            with self._append, self._state:
                if self._jfd is not None and self._jseq == seq and os.fstat(self._jfd).st_size == self._jpos:
                    os.ftruncate(self._jfd, start)
                    with contextlib.suppress(OSError):
                        os.fsync(self._jfd)  # the frame taken back stays taken back
                    self._jpos, self._jline, self._jcount = start, self._jline - 1, self._jcount - 1
                    self._jprev = prev
                    if old_rec is None:
                        self._overlay.pop((annotator, doc_id), None)
                    else:
                        self._overlay[(annotator, doc_id)] = old_rec
            raise

    def document_hash(self, doc_id: str) -> str:
        """The text hash of a document, without reading its text."""
        return self._docrec(doc_id)[1].hash

    def add_span(self, doc_id: str, annotator: str, span: Span) -> bool:
        """Add a span; False (and nothing written) if one with the same start, end and label exists."""
        check_span(span, self._chars(doc_id), doc_id)
        if self._is_pending(doc_id, annotator, span):
            return False

        def change(a: Annotation) -> bool:
            if a.has_span(span):
                return False
            a.spans.append(span)
            a.rejected = [s for s in a.rejected if s.key != span.key]  # decided again (an undo)
            return True

        return self._mutate(doc_id, annotator, change)

    def _is_pending(self, doc_id: str, annotator: str, span: Span) -> bool:
        """The span is a suggestion of the layer the annotator has not decided on."""
        view = self.get_annotation(doc_id, annotator)
        stored = self._lookup(annotator, doc_id)
        return (
            view is not None
            and view.has_span(span)
            and (stored is None or not (stored.has_span(span) or any(s.key == span.key for s in stored.rejected)))
        )

    def remove_span(self, doc_id: str, annotator: str, span: Span) -> bool:
        """Remove the span with the same start, end and label; False if there is none. A suggestion
        of the shared layer (pending, or accepted) is remembered as rejected, so it stays gone."""
        if not isinstance(span, Span):
            raise ValueError(f"expected a Span, got {type(span).__name__}")
        view = self.get_annotation(doc_id, annotator)
        if view is None or not view.has_span(span):
            self._check_writable()
            self._docrec(doc_id)
            return False
        layer = {s.key: s for s in self._layer(doc_id, annotator)}

        def change(a: Annotation) -> bool:
            a.spans = [s for s in a.spans if s.key != span.key]
            suggested = layer.get(span.key)
            if suggested is not None and not any(s.key == span.key for s in a.rejected):
                a.rejected.append(suggested)
            return True

        return self._mutate(doc_id, annotator, change)

    def replace_span(self, doc_id: str, annotator: str, old: Span, new: Span) -> None:
        """Replace ``old`` (matched by start, end and label) by ``new``: relabel, resize, accept a suggestion.

        Raises KeyError if ``old`` is not there. A span equal in key to ``new`` is replaced too.
        """
        check_span(new, self._chars(doc_id), doc_id)
        a = self.get_annotation(doc_id, annotator)
        if a is None or not a.has_span(old):
            raise KeyError(f"no span {old.key} by {annotator} on {doc_id}")

        layer = {s.key: s for s in self._layer(doc_id, annotator)}

        def change(a: Annotation) -> bool:
            a.spans = [s for s in a.spans if s.key not in (old.key, new.key)]
            a.spans.append(new)
            suggested = layer.get(old.key)
            if old.key != new.key and suggested is not None and not any(s.key == old.key for s in a.rejected):
                a.rejected.append(suggested)  # relabelled: the suggestion as made was decided against
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

        # bookkeeping, not content: the record's ``updated`` stays the time of its last edit
        self._mutate(doc_id, annotator, change, content=False)

    def _chars(self, doc_id: str) -> int:
        return self._docrec(doc_id)[1].chars


# --------------------------------------------------------------------------------------------------


class _Retry(Exception):
    """A snapshot met a writer in the middle of a fold or a rotation: read again."""


@dataclass(slots=True)
class _Loaded:
    legacy: Any = None
    entries: list[tuple[int, Path, int, dict[str, Any]]] = field(default_factory=list)  # (segment, file, line, entry)
    active_seq: int = 1
    stale_active: bool = False
    journal_key: tuple[int, int, int] = (0, 0, 0)  # the stale active segment as read (0s: missing)
    main_key: tuple[int, int, int] = (0, 0, 0)  # the main file as read
    pending_sealed: bool = False


class _Staging:
    """Shards being rewritten by a fold, an import or a suggester, written out as they accumulate."""

    def __init__(self, store: Store, generation: int) -> None:
        self.store = store
        self.generation = generation
        self.size = store._manifest.shard_size
        self._mem: dict[int, Shard] = {}  # staged, in memory
        self._dirty: set[int] = set()
        self.rows: dict[int, ShardRow] = {}  # staged, written
        self.files: list[Path] = []
        self.changed = False
        # a fold in the background (a thread, or the fold process) yields to the annotators' actions
        self.background = store._fold_child or threading.current_thread() is not threading.main_thread()

    def _name(self, k: int) -> str:
        return f"{k}.{self.generation}.json"

    def peek(self, k: int) -> Shard:
        """Shard ``k`` as this commit would write it so far (not to be changed)."""
        shard = self._mem.get(k)
        if shard is not None:
            return shard
        row = self.rows.get(k)
        if row is not None:
            return self.store._read_shard(row)
        if k < len(self.store._manifest.shards):
            return self.store._shard(k)
        return Shard(k, self._name(k))

    def shard(self, k: int) -> Shard:
        """Shard ``k``, staged for changes."""
        shard = self._mem.get(k)
        if shard is None:
            shard = self.peek(k).copy(self._name(k))
            self._mem[k] = shard
        return shard

    def touched(self, k: int) -> None:
        self._dirty.add(k)
        self.changed = True

    def doc(self, pos: int) -> DocRec:
        k, i = divmod(pos, self.size)
        return self.peek(k).docs[i]

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
        if self.background:
            time.sleep(0.002)  # a background fold yields the interpreter and the disk to the actions
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


def _span(d: dict[str, Any], path: Path) -> Span:
    try:
        return Span.from_dict(d)
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"corrupt suggestion {d!r:.80}: {exc}", path=str(path)) from exc


def _span_key(d: dict[str, Any]) -> tuple[Any, Any, Any]:
    return (d.get("start"), d.get("end"), d.get("label"))


def replace_pending(span: Span) -> Span:
    """A suggestion as the layer keeps it: pending, origin ``suggested`` unless it says otherwise."""
    from dataclasses import replace

    return replace(span, pending=True, origin=span.origin if span.origin != "manual" else "suggested")


@contextlib.contextmanager
def _no_collector() -> Iterator[None]:
    """Parsing a shard (or the files read at open) makes thousands of small containers and no
    cycles: the cyclic collector, set off by their number, would run for nothing in the middle of an
    action (tens of milliseconds at a time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    return os.pread(fd, size, 0) if size else b""


def _fstat_key(fd: int) -> tuple[int, int, int]:
    st = os.fstat(fd)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _stat_key(path: Path) -> tuple[int, int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0, 0)
    return (st.st_ino, st.st_mtime_ns, st.st_size)
