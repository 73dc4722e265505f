"""The texts file: document texts, append-only, one JSON line ``{"id": ..., "text": ...}`` each.

The main file holds each text's byte offset and length (and the committed end of the file), so
opening a store reads no text, and a reader checks what it reads against the text's hash. A killed
import leaves at most an unreferenced tail past the committed end; the next import cuts it off
before appending (it holds the writer lock, so nothing else can be writing there).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import IO

from annotations.errors import StoreError
from annotations.model import text_hash
from annotations.store.lock import os_reason

_UNCHANGED = "nothing was imported and the store is unchanged"


def encode_text(doc_id: str, text: str) -> bytes:
    return (json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n").encode("utf-8")


class TextsFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._r: IO[bytes] | None = None

    def check(self, committed_end: int) -> None:
        """Refuse a texts file that is missing or shorter than what the main file refers to."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            if committed_end == 0:
                return
            raise StoreError(
                f"the texts file is missing (the store's documents refer to {committed_end} bytes of text); "
                "restore it from a backup",
                path=str(self.path),
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot read the texts file: {os_reason(exc)}", path=str(self.path)) from exc
        if size < committed_end:
            raise StoreError(
                f"the texts file is truncated ({size} bytes, the store's documents need {committed_end}); "
                "restore it from a backup",
                path=str(self.path),
            )

    def read(self, doc_id: str, offset: int, length: int, expected_hash: str) -> str:
        if self._r is None:
            try:
                self._r = open(self.path, "rb")  # noqa: SIM115 - kept open for the store's life
            except FileNotFoundError:
                raise StoreError("the texts file is missing; restore it from a backup", path=str(self.path)) from None
            except OSError as exc:
                raise StoreError(f"cannot read the texts file: {os_reason(exc)}", path=str(self.path)) from exc
        # pread, not seek+read: positional and atomic, so a search thread can read texts while the
        # app reads titles.
        try:
            raw = os.pread(self._r.fileno(), length, offset)
        except OSError as exc:
            raise StoreError(f"cannot read the texts file: {os_reason(exc)}", path=str(self.path)) from exc
        text: object = None
        try:
            d = json.loads(raw.decode("utf-8"))
            text = d["text"]
            ok = d["id"] == doc_id and isinstance(text, str)
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok or not isinstance(text, str) or text_hash(text) != expected_hash:
            raise StoreError(
                f"text of document {doc_id} is corrupt (offset {offset}); restore the texts file from a backup",
                path=str(self.path),
            )
        return text

    def close(self) -> None:
        if self._r is not None:
            self._r.close()
            self._r = None


class TextsAppender:
    """Appends texts from the committed end of the file; :meth:`abort` puts the file back as it was."""

    def __init__(self, path: Path, committed_end: int) -> None:
        self.path = path
        self.start = committed_end
        self.pos = committed_end
        self.created = False
        self._f: IO[bytes] | None = None

    def __enter__(self) -> TextsAppender:
        try:
            self.created = not self.path.exists()
            self._f = open(self.path, "ab")
            if self._f.tell() != self.start:
                self._f.truncate(self.start)  # an unreferenced tail left by a killed import
                self._f.seek(self.start)
        except OSError as exc:
            self.abort()
            raise StoreError(
                f"cannot write the texts file: {os_reason(exc)}; {_UNCHANGED}", path=str(self.path)
            ) from exc
        return self

    def __exit__(self, *exc: object) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None

    def append(self, data: bytes) -> int:
        """Append one encoded text; return its offset."""
        assert self._f is not None
        offset = self.pos
        try:
            self._f.write(data)
        except OSError as exc:
            raise StoreError(
                f"cannot write the texts file: {os_reason(exc)}; {_UNCHANGED}", path=str(self.path)
            ) from exc
        self.pos += len(data)
        return offset

    def sync(self) -> None:
        assert self._f is not None
        try:
            self._f.flush()
            os.fsync(self._f.fileno())
        except OSError as exc:
            raise StoreError(
                f"cannot write the texts file: {os_reason(exc)}; {_UNCHANGED}", path=str(self.path)
            ) from exc

    def abort(self) -> None:
        """Cut what this appender wrote (or remove the file it created)."""
        if self._f is not None:
            with contextlib.suppress(OSError):
                self._f.close()
            self._f = None
        with contextlib.suppress(OSError):
            if self.created:
                os.unlink(self.path)
            else:
                os.truncate(self.path, self.start)
