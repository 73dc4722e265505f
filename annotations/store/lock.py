"""The writer lock: an ``fcntl.flock`` on ``PATH.lock`` held for the life of a writable store.

The lock file holds the id of the process that has it, so the one refused can say who. The pid is
written only once the store has been checked (a refused open leaves every file as it was), and a
lock file this process created for a store that was never written is removed again on release.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from pathlib import Path

from annotations.errors import StoreError

_BUSY = (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES)


def os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


class WriterLock:
    def __init__(self, path: Path, store: Path) -> None:
        self.path = path
        self.store = store
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
                    f"store {self.store} is in use by process {pid} (open it read-only, or close the other reader)"
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
