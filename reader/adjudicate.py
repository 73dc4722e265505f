"""A reviewer's session: adjudicating the documents two or more annotators answered into gold records.
No Textual here.

It is an ordinary :class:`~reader.session.Session` working as the reviewer's gold annotator
(``gold:NAME``), so every decision is one journaled step with its undo in the gold record (durable
when it returns, undone with ``z`` also after a restart) and the gold record's answer is the
document's answer in the list. What the reviewer decides on — each document's candidates, who has
them, what is agreed — is annotations/adjudication.py's model, rebuilt from the store whenever an
annotator's record or the gold record changes.

The documents to review are those with two or more answered records (:class:`TeamWatch` follows the
others' answers); one that becomes ready while the reviewer works joins the end of the list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from annotations import adjudication as adj
from annotations.adjudication import Candidate, Review
from annotations.gold import FINAL_ANSWERS, gold_annotator, is_gold
from annotations.history import Action, AddSpan
from annotations.labels import LabelDef, LabelSchema
from annotations.model import Span
from annotations.store import Changes, Store
from reader.session import Session
from reader.teamwatch import TeamWatch

READY = 2  # answered records a document needs to be reviewed


def review_queue(store: Store, watch: TeamWatch) -> list[str]:
    """The documents two or more annotators answered, in document order."""
    ready = {d for d, n in watch.done.items() if n >= READY}
    if not ready:
        return []
    return [d for d in store.document_ids() if d in ready]


@dataclass
class AdjudicationSession(Session):
    reviewer: str = ""
    _reviews: dict[str, Review] = field(default_factory=dict)

    @classmethod
    def create(cls, store: Store, reviewer: str, schema: LabelSchema) -> AdjudicationSession:
        watch = TeamWatch(store, gold_annotator(reviewer))
        ids = review_queue(store, watch)
        session = cls(store, gold_annotator(reviewer), schema, ids=ids, reviewer=reviewer)
        session.ids = ids  # an empty queue stays empty (a Session would take every document)
        session.watch = watch
        session._recount()
        return session

    def __post_init__(self) -> None:
        super().__post_init__()
        if not is_gold(self.annotator):
            raise ValueError(f"a review session works as a gold annotator, not {self.annotator!r}")
        self.watch: TeamWatch | None = None

    # -- the model --------------------------------------------------------------------------------
    def review(self, doc_id: str | None = None) -> Review:
        doc_id = doc_id or self.doc_id
        cached = self._reviews.get(doc_id)
        if cached is None:
            names = [n for n in self.store.annotators() if not is_gold(n)]
            records = [a for a in (self.store.get_annotation(doc_id, n) for n in names) if a is not None]
            cached = adj.build(doc_id, self.store.document_hash(doc_id), records, self.annotation(doc_id))
            self._reviews[doc_id] = cached
        return cached

    def open_count(self, doc_id: str) -> int:
        """Candidates still undecided in a document (the list shows it beside each row)."""
        return self.review(doc_id).count("open")

    def _changed(self, doc_id: str) -> None:
        self._reviews.pop(doc_id, None)
        super()._changed(doc_id)

    def follow(self, changes: Changes) -> tuple[set[str], list[str]]:
        """Take in the others' work: the documents whose review changed, and those newly ready
        (appended to the list)."""
        if self.watch is None:
            return set(), []
        if changes.reloaded or changes.documents:
            self._reviews.clear()
        changed = self.watch.follow(changes) | {d for d, name in changes.records if not is_gold(name)}
        for doc_id in changed:
            self._reviews.pop(doc_id, None)
        if changes.reloaded:
            changed |= set(self.ids)
        present = set(self.ids)
        new = [d for d in sorted(changed) if d not in present and self.watch.others_done(d) >= READY]
        self.ids.extend(new)
        return changed, new

    # -- decisions (each one step in the gold record; False: nothing to do) --------------------------
    def _decide(self, action: Action | None) -> bool:
        return action is not None and self._do(action)

    def start(self) -> int:
        """On opening a document without a gold record: pre-accept what every annotator agrees on.
        Returns how many spans were pre-accepted."""
        review = self.review()
        if not review.reviewable:
            return 0
        agreed = sum(1 for c in review.candidates if review.agreed(c))
        return agreed if self._decide(adj.start(review)) else 0

    def accept_candidate(self, c: Candidate) -> bool:
        return self._decide(adj.accept(c))

    def reject_candidate(self, c: Candidate) -> bool:
        return self._decide(adj.reject(c))

    def accept_agreed(self) -> int:
        review = self.review()
        todo = sum(1 for c in review.candidates if review.agreed(c) and c.state == "open")
        return todo if self._decide(adj.accept_agreed(review)) else 0

    def take_version(self, annotator: str) -> bool:
        return self._decide(adj.take(self.review(), annotator))

    def add_own(self, label: LabelDef, start: int, end: int) -> tuple[str, Candidate | None]:
        """A label key: the candidate with that span and label is accepted; otherwise the reviewer's
        own span is added to the gold record. Returns what happened ("accepted", "added", "already")."""
        self._check(start, end)
        found = self.review().find((start, end, label.name))
        if found is not None:
            return ("accepted" if self.accept_candidate(found) else "already"), found
        self._do(AddSpan(Span(start, end, label.name, "review")))
        return "added", self.review().find((start, end, label.name))

    def candidate_under(self, cursor: int, *, drawn_only: bool = False) -> Candidate | None:
        """The innermost candidate under the cursor (with ``drawn_only``: not a rejected one)."""
        under = [
            c
            for c in self.review().candidates
            if c.span.contains(cursor) and not (drawn_only and c.state == "rejected")
        ]
        return min(under, key=lambda c: (c.span.end - c.span.start, c.state == "rejected")) if under else None

    def final(self, doc_id: str | None = None) -> bool:
        return self.answers.get(doc_id or self.doc_id) in FINAL_ANSWERS

    # -- what counts as adjudicated: a final gold answer. A skip ("come back later") or a flag is not
    # (Session counts every answer as done; here ``answered`` is the status line's "adjudicated N/M" and
    # ``J`` goes to the next document without a final gold record, the skipped ones included).
    def _recount(self) -> None:
        self.answered = sum(1 for i in self.ids if self.answers.get(i) in FINAL_ANSWERS)

    def _uncount(self, gone: Iterable[str]) -> None:
        self.answered -= sum(1 for d in gone if self.answers.get(d) in FINAL_ANSWERS)

    def _set_answer(self, doc_id: str, answer: str | None) -> None:
        before = self.answers.get(doc_id) in FINAL_ANSWERS
        self.answers[doc_id] = answer
        self.answered += (answer in FINAL_ANSWERS) - before

    def next_unanswered(self) -> int | None:
        n = len(self.ids)
        for step in range(1, n + 1):
            i = (self.index + step) % n
            if not self.final(self.ids[i]):
                return i
        return None

    @staticmethod
    def drawn(review: Review) -> list[Span]:
        """What the article shows: accepted spans as accepted, open ones as pending (italic), rejected
        ones not at all (the panel lists them)."""
        out = []
        for c in review.candidates:
            if c.state == "accepted":
                out.append(c.span)
            elif c.state == "open":
                out.append(Span(c.span.start, c.span.end, c.span.label, c.span.origin, pending=True))
        return out
