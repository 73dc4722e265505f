"""An annotator's queue under the store's routing policy: the documents they hold or may still claim,
in document order, kept up to date as the others claim documents. No Textual here.

The decision (who may take what) is annotations/routing.py's; claiming itself is the store's
(atomic across processes, never beyond a document's capacity). This module keeps the list the app
shows: it reads every claim once when the app opens, then follows the claims that change
(:meth:`follow`, fed from ``Store.refresh()``), and re-reads the policy file when it changes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path

from annotations.errors import UserError
from annotations.routing import RoutingPolicy, capacity, may_claim, policy_path, read_policy_file
from annotations.store import Store

# Store.claim takes a whole number; the agreement sample of a policy without a team has no limit.
UNLIMITED = 2**31 - 1


def load_policy(store_path: Path) -> RoutingPolicy | None:
    """The routing policy beside a store (``STORE.routing.toml``), or None if it has none."""
    return read_policy_file(policy_path(store_path))


def _stat_key(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class Queue:
    """The documents ``annotator`` works on under ``policy``; ``ids`` is that list (changed in place, so
    whoever shares it sees the changes)."""

    def __init__(self, store: Store, policy: RoutingPolicy, annotator: str, ids: Iterable[str] | None = None) -> None:
        if policy.team and annotator not in policy.team:
            raise UserError(
                f"{annotator!r} is not in the team of the routing policy (team: {', '.join(policy.team)}); "
                "add them with `reader team --team ...`",
                path=str(policy_path(store.path)),
            )
        self.store = store
        self.policy = policy
        self.annotator = annotator
        self._file = policy_path(store.path)
        self._file_key = _stat_key(self._file)
        self.universe = list(ids) if ids is not None else store.document_ids()
        self.claims = store.all_claims()
        self.ids: list[str] = self._wanted_ids()
        self.policy_error: str | None = None  # the policy file changed into something unreadable
        self.dropped: set[str] | None = set()  # what the last follow() took out (None: rebuilt)

    def holders(self, doc_id: str) -> list[str]:
        return self.claims.get(doc_id, [])

    def holds(self, doc_id: str) -> bool:
        return self.annotator in self.claims.get(doc_id, ())

    def wanted(self, doc_id: str) -> bool:
        """In the queue: held, or still open to this annotator."""
        holders = self.claims.get(doc_id)
        if not holders:  # nobody took it: open to the team (a capacity is never below 1)
            return not self.policy.team or self.annotator in self.policy.team
        return self.annotator in holders or may_claim(self.policy, doc_id, self.claims, self.annotator)

    def capacity(self, doc_id: str) -> int:
        cap = capacity(self.policy, doc_id)
        return UNLIMITED if math.isinf(cap) else int(cap)

    def claim(self, doc_id: str) -> bool:
        """Take a slot of ``doc_id`` (nothing written if it is held already). False: the others took
        every slot meanwhile; it leaves the queue."""
        if self.holds(doc_id):
            return True
        if not may_claim(self.policy, doc_id, self.claims, self.annotator):
            self._drop({doc_id})
            return False
        ok = self.store.claim(doc_id, self.annotator, self.capacity(doc_id))
        self.claims[doc_id] = self.store.claims(doc_id)
        if not ok:
            self._drop({doc_id})
        return ok

    def follow(self, changed: Iterable[str], *, everything: bool = False) -> bool:
        """Take in the claims of ``changed`` documents (or re-read them all: ``everything``, after
        another process replaced the shards) and a changed policy file; True if the list changed
        (:attr:`dropped` then holds the documents that left it, or None if it was rebuilt)."""
        self.dropped = set()
        policy_changed = self._reload_policy()
        if everything:
            self.claims = self.store.all_claims()
        else:
            for doc_id in changed:
                self.claims[doc_id] = self.store.claims(doc_id)
        if everything or policy_changed:
            self.dropped = None
            return self._rebuild()
        gone = {d for d in changed if not self.wanted(d)}
        return self._drop(gone)

    def _drop(self, gone: set[str]) -> bool:
        """Remove ``gone`` from the list: one by one when they are few (a search and a move in C,
        not a new list of a million ids), else in one pass."""
        if not gone:
            return False
        ids = self.ids
        if len(gone) <= 16:
            removed = set()
            for doc_id in gone:
                try:
                    del ids[ids.index(doc_id)]
                except ValueError:
                    continue
                removed.add(doc_id)
        else:
            present = set(ids) & gone
            if present:
                ids[:] = [d for d in ids if d not in present]
            removed = present
        if self.dropped is not None:
            self.dropped |= removed
        return bool(removed)

    def _wanted_ids(self) -> list[str]:
        """The universe less what this annotator may not take: only claimed documents need a look (an
        unclaimed one is open to the team), so a million documents cost one pass of set lookups."""
        if self.policy.team and self.annotator not in self.policy.team:
            return [d for d in self.universe if self.holds(d)]
        closed = {d for d in self.claims if not self.wanted(d)}
        return [d for d in self.universe if d not in closed] if closed else list(self.universe)

    def _rebuild(self) -> bool:
        new = self._wanted_ids()
        if new == self.ids:
            return False
        self.ids[:] = new
        return True

    def _reload_policy(self) -> bool:
        key = _stat_key(self._file)
        if key == self._file_key or key is None:
            return False  # unchanged, or removed: the policy the session started with stays
        self._file_key = key
        try:
            policy = load_policy(self.store.path)
        except UserError as exc:
            self.policy_error = exc.describe()
            return False
        self.policy_error = None
        if policy is None or policy == self.policy:
            return False
        self.policy = policy
        return True
