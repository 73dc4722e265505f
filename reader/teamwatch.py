"""The others' progress, as one annotator's app shows it: who else has answered which document,
followed live from ``Store.refresh()``. No Textual here.

Answers come from the store's answer codes (no shard read) when the app opens, or when another
process replaced the shards; after that only the records that changed are looked at. Gold records
(a reviewer's adjudication) are not an annotator's progress and are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from annotations.gold import FINAL_ANSWERS, is_gold
from annotations.store import Changes, Store


class TeamWatch:
    def __init__(self, store: Store, me: str) -> None:
        self.store = store
        self.me = me
        self.answers: dict[str, dict[str, str]] = {}  # annotator -> doc id -> answer (answered only)
        self.done: Counter[str] = Counter()  # doc id -> others who answered it accept/reject
        self._reload()

    def _reload(self) -> None:
        self.answers = {n: self.store.answered(n) for n in self.store.annotators() if self._counts(n)}
        self.done = Counter(d for by_doc in self.answers.values() for d, a in by_doc.items() if a in FINAL_ANSWERS)

    def _counts(self, name: str) -> bool:
        return name != self.me and not is_gold(name)

    def follow(self, changes: Changes) -> set[str]:
        """Take in what ``Store.refresh()`` found; returns the documents whose marks changed."""
        if changes.reloaded or changes.documents:
            before = self.done
            self._reload()
            return {d for d in before.keys() | self.done.keys() if before[d] != self.done[d]}
        changed: set[str] = set()
        for doc_id, name in changes.records:
            if self._counts(name) and self._set(doc_id, name):
                changed.add(doc_id)
        return changed

    def _set(self, doc_id: str, name: str) -> bool:
        answer = self.store.answer_of(doc_id, name)
        by_doc = self.answers.setdefault(name, {})
        old = by_doc.get(doc_id)
        if old == answer:
            return False
        if answer is None:
            by_doc.pop(doc_id, None)
        else:
            by_doc[doc_id] = answer
        self.done[doc_id] += (answer in FINAL_ANSWERS) - (old in FINAL_ANSWERS)
        if self.done[doc_id] <= 0:
            del self.done[doc_id]
        return True

    def others_done(self, doc_id: str) -> int:
        """How many other annotators answered ``doc_id`` (accept or reject)."""
        return self.done.get(doc_id, 0)

    def summary(self, ids: Iterable[str] | None = None) -> list[tuple[str, int]]:
        """Each other annotator with the number of documents they answered (of ``ids``, if given), most first."""
        scope = None if ids is None else set(ids)
        rows = []
        for name, by_doc in self.answers.items():
            n = sum(1 for d, a in by_doc.items() if a in FINAL_ANSWERS and (scope is None or d in scope))
            if n:
                rows.append((name, n))
        return sorted(rows, key=lambda r: (-r[1], r[0]))
