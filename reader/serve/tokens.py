"""Per-annotator access tokens for `reader serve`, kept hashed in a file beside the store.

``STORE.serve-tokens`` (JSON, mode 0600, replaced whole and atomically) maps each annotator name to
the SHA-256 of its token. A token is 32 random bytes from :mod:`secrets` (URL-safe base64, 43
characters), printed once when it is made and never stored in the clear. A plain SHA-256 is enough
for a 256-bit random secret (a slow password hash such as scrypt protects guessable passwords, and
there is nothing here to guess); it also keeps checking cheap, which matters because every request
is checked. Checks compare against every entry with :func:`hmac.compare_digest`, so the time taken
does not tell whether, or where, a token matched.

The file is read again whenever it changes on disk, so `reader serve --add-annotator` and
`--remove-annotator` take effect in a running server without a restart.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from annotations.errors import UserError
from annotations.names import check_new_annotator_name
from annotations.store.atomic import fsync_dir
from annotations.store.lock import FileLock

FORMAT = "reader-serve-tokens"
VERSION = 1
TOKEN_BYTES = 32


def tokens_path(store: Path) -> Path:
    """Where the tokens of ``store`` live: beside it, named after it."""
    return store.with_name(store.name + ".serve-tokens")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class Entry:
    name: str
    digest: str  # hex SHA-256 of the token
    created: float  # seconds since the epoch


class TokenFile:
    """The annotators allowed in, and their token digests. One owner: the file on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, Entry] = {}
        self._stamp: tuple[int, int, int, int] | None = None  # what the entries were read from

    @classmethod
    def for_store(cls, store: Path) -> TokenFile:
        return cls(tokens_path(store))

    # ---- reading
    def _read(self) -> dict[str, Entry]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise UserError(f"cannot read the annotators' tokens: {exc.strerror}", path=str(self.path)) from exc
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserError(
                f"the annotators' tokens file is damaged ({exc}); move it away and add the annotators again "
                "(`reader serve --add-annotator NAME`)",
                path=str(self.path),
            ) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("annotators"), dict):
            raise UserError(
                "not a reader serve tokens file; move it away and add the annotators again", path=str(self.path)
            )
        if data.get("version") != VERSION:
            raise UserError(
                f"tokens file version {data.get('version')!r} is not one this reader knows ({VERSION}); "
                "use the reader that wrote it",
                path=str(self.path),
            )
        entries: dict[str, Entry] = {}
        for name, item in data["annotators"].items():
            digest = item.get("sha256") if isinstance(item, dict) else None
            created = item.get("created", 0) if isinstance(item, dict) else 0
            if (
                not isinstance(digest, str)
                or len(digest) != 64
                or any(c not in "0123456789abcdef" for c in digest)
                or not isinstance(created, int | float)
            ):
                raise UserError(
                    f"the entry of annotator {name!r} is damaged; remove it (`reader serve --remove-annotator`) "
                    "and add the annotator again",
                    path=str(self.path),
                )
            entries[name] = Entry(name, digest, float(created))
        return entries

    def _disk_stamp(self) -> tuple[int, int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def refresh(self) -> None:
        """Read the file again if it changed since it was last read."""
        stamp = self._disk_stamp()
        if stamp is not None and stamp == self._stamp:
            return
        self._entries = self._read() if stamp is not None else {}
        self._stamp = stamp

    def entries(self) -> list[Entry]:
        self.refresh()
        return sorted(self._entries.values(), key=lambda e: e.name)

    def names(self) -> list[str]:
        return [e.name for e in self.entries()]

    def digest_of(self, name: str) -> str | None:
        """The digest of ``name``'s current token (None if they have none, or the file is damaged)."""
        try:
            self.refresh()
        except UserError:
            return None
        entry = self._entries.get(name)
        return entry.digest if entry is not None else None

    def verify(self, token: str | None) -> str | None:
        """The annotator whose token this is, or None. Every entry is compared, in constant time each."""
        if not token:
            return None
        try:
            self.refresh()
        except UserError:
            return None  # a damaged file lets nobody in (the server reports it when it starts)
        digest = token_digest(token)
        found: str | None = None
        for entry in self._entries.values():
            if hmac.compare_digest(entry.digest, digest):
                found = entry.name
        return found

    # ---- writing (under a lock file, so two `--add-annotator` at once both land)
    def _lock(self) -> FileLock:
        return FileLock(self.path.with_name(self.path.name + ".lock"))

    def _write(self, entries: dict[str, Entry]) -> None:
        data = {
            "format": FORMAT,
            "version": VERSION,
            "annotators": {e.name: {"sha256": e.digest, "created": e.created} for e in entries.values()},
        }
        payload = (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
        tmp = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.fchmod(fd, 0o600)  # also if a stale temporary file had another mode
                os.write(fd, payload)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, self.path)
            fsync_dir(self.path.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise UserError(f"cannot write the annotators' tokens: {exc.strerror}", path=str(self.path)) from exc
        self._entries = dict(entries)
        self._stamp = self._disk_stamp()

    def add(self, name: str) -> str:
        """Make a token for ``name`` and return it (the only time it exists in the clear)."""
        check_new_annotator_name(name)  # what it can say before the file is read
        if not self.path.parent.is_dir():
            raise UserError("the store's directory does not exist", path=str(self.path.parent))
        lock = self._lock()
        try:
            with lock:
                entries = self._read()
                if name in entries:
                    raise UserError(
                        f"annotator {name!r} already has a token; to issue a new one, remove the old one first "
                        "(`reader serve --remove-annotator NAME`)"
                    )
                # Names that cannot be told apart by eye from one with a token are refused
                # (annotations/names.py); names already in the file keep working.
                name = check_new_annotator_name(name, entries)
                token = new_token()
                entries[name] = Entry(name, token_digest(token), time.time())
                self._write(entries)
        finally:
            lock.close()
        return token

    def remove(self, name: str) -> None:
        lock = self._lock()
        try:
            with lock:
                entries = self._read()
                if name not in entries:
                    known = ", ".join(sorted(entries)) or "none"
                    raise UserError(f"annotator {name!r} has no token (annotators with one: {known})")
                del entries[name]
                self._write(entries)
        finally:
            lock.close()
