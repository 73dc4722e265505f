"""Locks between the processes that write one store, all ``fcntl.flock`` on small files.

:class:`OwnerLock` is held for the life of an open store by the one process that may act for an
annotator (``PATH.annotator-HASH.lock``): the file holds that process's id, so the one refused can
say who. The pid is written only once the store has been checked (a refused open leaves every file
as it was), and a lock file created for a store that was never written is removed again on release.
:class:`FileLock` is a short exclusive lock: ``PATH.lock`` around each journal append (so writers
never interleave and each acts on the latest state), ``PATH.commit.lock`` around a fold or an import.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
from pathlib import Path

from annotations.errors import StoreError

_BUSY = (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES)


def os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


class FileLock:
    """An exclusive flock on ``path`` (created if missing); re-entrant within one object."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._depth = 0
        self.created = False
        # threads of one process share the descriptor, and flock cannot tell them apart: the thread
        # lock makes the re-entry count one thread's own (another thread waits, as another process does)
        self._thread = threading.RLock()
        self._holder: int | None = None  # the thread that holds it
        self._inherited = False  # the lock is a parent process's, held for us all along (:meth:`inherit`)

    def _open(self) -> int:
        if self._fd is None:
            existed = self.path.exists()
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the lock file: {os_reason(exc)} (a writable store needs a writable "
                    "directory; `reader export` opens it read-only)",
                    path=str(self.path),
                ) from exc
            self.created = not existed
        return self._fd

    def acquire(self, *, blocking: bool = True) -> bool:
        if not self._thread.acquire(blocking=blocking):
            return False  # another thread of this process holds it
        try:
            fd = self._open()
            if self._depth == 0 and not self._inherited:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as exc:
                    if exc.errno in _BUSY and not blocking:
                        self._thread.release()
                        return False
                    raise StoreError(f"cannot lock the store: {os_reason(exc)}", path=str(self.path)) from exc
        except BaseException:
            self._thread.release()
            raise
        self._depth += 1
        self._holder = threading.get_ident()
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._holder = None
        if self._depth == 0 and self._fd is not None and not self._inherited:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread.release()

    @property
    def held(self) -> bool:
        """Whether the calling thread holds it."""
        return self._depth > 0 and self._holder == threading.get_ident()

    @property
    def fd(self) -> int | None:
        """The descriptor the lock is taken on (None until first used): a child process given it
        (:meth:`inherit`) holds the lock with this one, as long as neither releases it."""
        return self._fd

    def inherit(self, fd: int) -> None:
        """Use ``fd``, a descriptor of this lock file whose lock a parent process holds for us: a
        further acquire of this object succeeds at once (flock locks belong to the open file)."""
        self._fd = fd
        self._inherited = True

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def close(self, *, remove: bool = False) -> None:
        if self._fd is not None:
            if remove and self.created:
                with contextlib.suppress(OSError):
                    os.unlink(self.path)
            os.close(self._fd)
            self._fd = None
            self._depth = 0


class OwnerLock:
    def __init__(self, path: Path, store: Path, who: str = "") -> None:
        self.path = path
        self.store = store
        self.who = who  # the annotator, for the message
        self.created = False
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise StoreError naming the process that has it."""
        for _attempt in range(10):
            existed = self.path.exists()
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the lock file: {os_reason(exc)} (a writable store needs a writable "
                    "directory; `reader export` opens it read-only)",
                    path=str(self.path),
                ) from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                try:
                    pid = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
                finally:
                    os.close(fd)
                if exc.errno not in _BUSY:
                    raise StoreError(f"cannot lock the store: {os_reason(exc)}", path=str(self.path)) from exc
                raise StoreError(
                    f"annotator {self.who} is already working on store {self.store} in process {pid} "
                    "(close that reader first, or work under another --annotator name)"
                ) from None
            # the file we locked must still be the one at the path (a releasing owner may unlink it)
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                self.created = not existed
                return
            os.close(fd)
        raise StoreError("cannot lock the store (its lock file keeps changing)", path=str(self.path))

    def claim(self) -> None:
        """Record this process as the holder (after the store was found sound)."""
        assert self._fd is not None
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, f"{os.getpid()}\n".encode(), 0)

    def release(self, *, remove: bool = False) -> None:
        if self._fd is None:
            return
        if remove:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        os.close(self._fd)  # releases the flock
        self._fd = None
