"""The browsers signed in to one `reader serve`: a random session id (the cookie's value) -> the
annotator it belongs to. The token itself never goes into a cookie.

- A session id is 32 random bytes from :mod:`secrets`; the server keeps only its SHA-256, so the
  map holds nothing a memory dump could replay.
- A session remembers the digest of the token it was opened with. It is valid only while that
  annotator still holds that very token: removing the annotator (or removing and adding them again,
  which issues a new token) ends every session opened with the old one, at the next request.
- Sessions live in this process only: they end with the server (annotators sign in again with their
  link after a restart), after ``max_age`` seconds, or at sign-out.
- Each annotator keeps at most ``per_annotator`` sessions (the oldest is dropped first), so a valid
  token replayed in a loop cannot grow the map without bound.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from reader.serve.tokens import TokenFile

SESSION_BYTES = 32


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class SignIn:
    annotator: str
    token_digest: str
    opened: float  # on the clock of SignIns


class SignIns:
    """Session id -> annotator, for this server process only (see the module's docstring)."""

    def __init__(
        self,
        tokens: TokenFile,
        *,
        max_age: float,
        per_annotator: int = 64,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.tokens = tokens
        self.max_age = max_age
        self.per_annotator = per_annotator
        self._clock = clock
        self._open: dict[str, SignIn] = {}  # SHA-256 of the session id -> its sign-in

    def open(self, token: str) -> tuple[str, str] | None:
        """Sign in with ``token``: (the new session id, the annotator), or None if the token is not valid."""
        annotator = self.tokens.verify(token)
        if annotator is None:
            return None
        digest = self.tokens.digest_of(annotator)
        if digest is None:
            return None
        mine = [key for key, s in self._open.items() if s.annotator == annotator]
        for key in mine[: max(0, len(mine) - self.per_annotator + 1)]:  # dicts keep insertion order
            del self._open[key]
        session_id = secrets.token_urlsafe(SESSION_BYTES)
        self._open[_key(session_id)] = SignIn(annotator, digest, self._clock())
        return session_id, annotator

    def annotator(self, session_id: str | None) -> str | None:
        """Whose session this is, or None (unknown, expired, signed out, or the token was revoked)."""
        if not session_id:
            return None
        key = _key(session_id)
        signin = self._open.get(key)
        if signin is None:
            return None
        current = self.tokens.digest_of(signin.annotator)
        expired = self._clock() - signin.opened > self.max_age
        if expired or current is None or not hmac.compare_digest(current, signin.token_digest):
            del self._open[key]
            return None
        return signin.annotator

    def close(self, session_id: str | None) -> None:
        """Sign out: the session id is no longer valid."""
        if session_id:
            self._open.pop(_key(session_id), None)

    def __len__(self) -> int:
        return len(self._open)
