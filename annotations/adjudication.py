"""Adjudication: what a reviewer decides when annotators disagree, as a model over records (no I/O).

A document is up for review when two or more annotators answered it (accept or reject,
:data:`annotations.gold.FINAL_ANSWERS`) on its current text. Every span any of them accepted is one
:class:`Candidate`, shown once whatever the number of annotators who have it, with who has it
(``holders``). A candidate is *agreed* when every annotator who answered the document has it; a
document one of them rejected has no agreed span (the answer itself is in dispute).

The reviewer's decisions live in their gold record (``gold:NAME``, :mod:`annotations.gold`): a
candidate in its ``spans`` is accepted (origin ``review``), one in its ``rejected`` list is
rejected, any other is still open. Spans the reviewer adds that nobody had are candidates with no
holders. Each decision is an :mod:`annotations.history` action on the gold record, so it is undone
and redone like any annotator's step and survives a restart:

* :func:`start` — the first step on a document with no gold record yet: pre-accepts the agreed spans;
* :func:`accept` / :func:`reject` — one candidate (either way round: a rejected one can be accepted);
* :func:`take` — one annotator's version: their spans accepted, every other candidate rejected;
* :func:`accept_agreed` — every agreed candidate still open;
* :func:`next_open` — the walk over the open candidates (the disagreements left) in reading order.

Answering the gold record (accept or reject) makes it final: it is the document's gold from then on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from annotations.gold import current_final_records, gold_span
from annotations.history import Action, AddSpan, Batch, RejectSuggestion, RestoreSuggestion
from annotations.model import Annotation, Span

State = Literal["accepted", "rejected", "open"]
SpanKey = tuple[int, int, str]


def reading_order(span: Span) -> tuple[int, int, str]:
    """By start; of two starting together, the outer one first (as the suggestion walk)."""
    return (span.start, -span.end, span.label)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One span of a document under review: who has it, and what the reviewer decided."""

    span: Span  # as the gold record holds it if it does, else as the first holder has it
    holders: tuple[str, ...]  # annotators whose accepted record has it (sorted); () for the reviewer's own
    state: State

    @property
    def key(self) -> SpanKey:
        return self.span.key


@dataclass(frozen=True, slots=True)
class Review:
    """One document as the reviewer sees it."""

    doc_id: str
    answers: tuple[tuple[str, str], ...]  # (annotator, answer) of every answered record, by name
    candidates: tuple[Candidate, ...]  # in reading order
    gold: Annotation | None  # the reviewer's gold record so far
    stale: int = 0  # answered records made on an older text (left out)

    @property
    def annotators(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.answers)

    @property
    def reviewable(self) -> bool:
        """Whether there is something to adjudicate: two or more answered records."""
        return len(self.answers) >= 2

    def agreed(self, c: Candidate) -> bool:
        """Every annotator who answered has it (none of them rejected the document)."""
        return bool(c.holders) and len(c.holders) == len(self.answers) and self.answers_agree("accept")

    def answers_agree(self, answer: str | None = None) -> bool:
        """Whether every annotator gave the same answer (``answer``, if given)."""
        given = {a for _, a in self.answers}
        return len(given) == 1 and (answer is None or given == {answer})

    def count(self, state: State) -> int:
        return sum(1 for c in self.candidates if c.state == state)

    @property
    def disagreements(self) -> list[Candidate]:
        """Candidates not every annotator has (in reading order)."""
        return [c for c in self.candidates if not self.agreed(c)]

    def find(self, key: SpanKey) -> Candidate | None:
        for c in self.candidates:
            if c.key == key:
                return c
        return None


def build(doc_id: str, text_hash: str, records: Iterable[Annotation], gold: Annotation | None) -> Review:
    """The review of one document from its annotators' records and the reviewer's gold record.

    Only answered records made on the current text (``text_hash``) take part; gold records among
    ``records`` are ignored (``gold`` is the reviewer's). Pending suggestions are not labels.
    """
    answers: dict[str, str] = {}
    spans_of: dict[str, dict[SpanKey, Span]] = {}
    current, stale = current_final_records(records, text_hash)
    for r in current:
        answers[r.annotator] = str(r.answer)
        if r.answer == "accept":
            spans_of[r.annotator] = {s.key: s for s in r.spans if not s.pending}
    holders: dict[SpanKey, list[str]] = {}
    first: dict[SpanKey, Span] = {}
    for name in sorted(spans_of):
        for key, span in spans_of[name].items():
            holders.setdefault(key, []).append(name)
            first.setdefault(key, span)
    accepted = {s.key: s for s in gold.spans if not s.pending} if gold is not None else {}
    rejected = {s.key: s for s in gold.rejected} if gold is not None else {}
    candidates: list[Candidate] = []
    for key in {*first, *accepted}:
        state: State = "accepted" if key in accepted else "rejected" if key in rejected else "open"
        span = accepted.get(key) or first[key]
        candidates.append(Candidate(span, tuple(holders.get(key, ())), state))
    candidates.sort(key=lambda c: reading_order(c.span))
    return Review(doc_id, tuple(sorted(answers.items())), tuple(candidates), gold, stale)


# --------------------------------------------------------------------------------------------------
# Decisions: history actions on the gold record (None when there is nothing to do)


def _accept_step(c: Candidate) -> Action | None:
    if c.state == "accepted":
        return None
    g = gold_span(c.span)
    return RestoreSuggestion(g) if c.state == "rejected" else AddSpan(g)


def _reject_step(c: Candidate) -> Action | None:
    if c.state == "rejected":
        return None
    if c.state == "accepted":
        return RejectSuggestion(c.span)
    g = gold_span(c.span)
    # an open candidate is not in the gold record: in, then decided against (undo takes both back)
    return Batch((AddSpan(g), RejectSuggestion(g)), f"reject {_where(c.span)}")


def _where(span: Span) -> str:
    return f"{span.label} [{span.start}, {span.end})"


def _batch(steps: Sequence[Action | None], label: str) -> Action | None:
    done = tuple(s for s in steps if s is not None)
    return Batch(done, label) if done else None


def accept(c: Candidate) -> Action | None:
    step = _accept_step(c)
    return None if step is None else Batch((step,), f"accept {_where(c.span)}")


def reject(c: Candidate) -> Action | None:
    step = _reject_step(c)
    return None if step is None else Batch((step,), f"reject {_where(c.span)}")


def start(review: Review) -> Action | None:
    """The first step on a document without a gold record: the agreed spans, pre-accepted."""
    if review.gold is not None:
        return None
    agreed = [c for c in review.candidates if review.agreed(c)]
    return _batch([_accept_step(c) for c in agreed], f"pre-accept {len(agreed)} agreed span(s)")


def accept_agreed(review: Review) -> Action | None:
    """Accept every agreed candidate still open (a decision the reviewer made stands)."""
    todo = [c for c in review.candidates if review.agreed(c) and c.state == "open"]
    return _batch([_accept_step(c) for c in todo], f"accept {len(todo)} agreed span(s)")


def take(review: Review, annotator: str) -> Action | None:
    """``annotator``'s version: every candidate they have accepted, every other one rejected."""
    if annotator not in review.annotators:
        raise ValueError(f"{annotator!r} did not answer {review.doc_id}")
    steps = [_accept_step(c) if annotator in c.holders else _reject_step(c) for c in review.candidates]
    return _batch(steps, f"take {annotator}'s version")


def next_open(review: Review, cursor: int, step: int, after: Candidate | None = None) -> Candidate | None:
    """The open candidate after (``step`` > 0) or before ``after`` in reading order or, with no
    ``after``, from ``cursor`` (one starting at the cursor counts as ahead)."""
    still = [c for c in review.candidates if c.state == "open"]
    if after is not None:
        key = reading_order(after.span)
        ahead = [c for c in still if (reading_order(c.span) > key if step > 0 else reading_order(c.span) < key)]
    else:
        ahead = [c for c in still if (c.span.start >= cursor if step > 0 else c.span.start < cursor)]
    if not ahead:
        return None
    return ahead[0] if step > 0 else ahead[-1]


def holders_text(review: Review, c: Candidate) -> str:
    """Who has a candidate, for people: "all", "sara, omar", or "reviewer" (nobody else)."""
    if not c.holders:
        return "reviewer"
    if review.agreed(c):
        return "all"
    return ", ".join(c.holders)
