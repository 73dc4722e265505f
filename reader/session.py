"""One annotator's working session on a store: which documents, where we are, and the review model
— every action routed through the store (durable when it returns) together with its undo step. No
Textual here, so the app stays a thin layer and this logic is tested directly.

The review rules live here:

* A label key on a pending suggestion of that label accepts it; on a pending suggestion of the
  same range and group with another label it replaces it (the suggestion counts as rejected).
* Rejecting a suggestion, deleting an accepted one, or relabelling one records it in the record's
  ``rejected``: `reader suggest` never proposes a decided span again.
* Accepting a document while suggestions are pending decides them in the same step (accept all or
  reject all, as the annotator chose); the screen asks first, or follows ``--on-pending``. It is
  decided on the store's latest state: suggestions another process (`reader suggest`, an import)
  added that the annotator was not shown refuse the step (:class:`UnseenSuggestions`), nothing saved.
* Undo and redo are kept per document in the record (annotations.history), so they survive a
  restart. Within a session, ``z`` first takes back what this session did last, in whatever
  document, then the current document's older steps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Literal

from annotations import history
from annotations.errors import UserError
from annotations.history import (
    Action,
    AddSpan,
    Batch,
    RejectSuggestion,
    RemoveSpan,
    ReplaceSpan,
    SetAnswer,
)
from annotations.labels import LabelDef, LabelSchema
from annotations.model import ANSWERS, Annotation, Document, Span
from annotations.normalize import find_all
from annotations.store import Changes, Store
from reader.queue import Queue
from reader.text.words import word_at

Decision = Literal["accept", "reject"]


# A title longer than this is cut (the document list shows a row of it at most).
TITLE_CHARS = 200


def first_line(text: str) -> str:
    """The first line of ``text`` that is not blank, or "" (without splitting the whole text: a
    10 MB article in one paragraph is one line)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        if text[start:end].strip():
            return text[start:end]
        start = end + 1
    return ""


def review_order(span: Span) -> tuple[int, int, str]:
    """Reading order of suggestions: by start; of two starting together, the outer one first."""
    return (span.start, -span.end, span.label)


class UnseenSuggestions(UserError):
    """Accepting a document found pending suggestions the annotator had not been shown (another
    process added them a moment ago): nothing was saved; the screen shows them and asks."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        n = len(spans)
        super().__init__(
            f"{n} new suggestion(s) arrived on this document (reader suggest or an import) and were not "
            "accepted over: look at them, then answer again"
        )


@dataclass(frozen=True, slots=True)
class LabelOutcome:
    """What a label key did: ``verb`` is "labelled", "accepted" (a pending suggestion), "replaced"
    (a pending suggestion of another label) or "already" (nothing to do)."""

    verb: str
    span: Span


@dataclass
class Session:
    store: Store
    annotator: str
    schema: LabelSchema
    ids: list[str] = field(default_factory=list)
    index: int = 0
    # suggestions with a confidence below this are hidden (not shown, not decided; --min-confidence)
    min_confidence: float = 0.0
    _opened_at: float = field(default_factory=time.monotonic)
    _titles: dict[str, str] = field(default_factory=dict)
    # under a routing policy: the annotator's queue (``ids`` is its list) and opening a document claims it
    queue: Queue | None = None

    def __post_init__(self) -> None:
        if self.queue is not None:
            self.ids = self.queue.ids  # the same list: the queue keeps it up to date
        elif not self.ids:
            self.ids = self.store.document_ids()
        # only the answered documents (a missing id reads as None): no million-entry dict at open
        self.answers: dict[str, str | None] = dict(self.store.answered(self.annotator))
        # Kept up to date on every answer so the status bar never counts 100,000 documents per key press.
        if len(self.ids) == len(self.store):  # every document: no need to look each one up
            self.answered = sum(1 for a in self.answers.values() if a is not None)
        else:
            self.answered = sum(1 for i in self.ids if self.answers.get(i) is not None)
        self._document: Document | None = None
        self._pending: dict[str, int] = {}  # pending suggestions per document, counted when first asked
        # Documents this session changed, most recent last: where z and Z go first.
        self._undo_trail: list[str] = []
        self._redo_trail: list[str] = []
        # documents whose record this session wrote since the team screen last looked (its figures
        # follow the others through Store.refresh(), which does not report this process's own writes)
        self.touched: set[str] = set()

    # -- documents ---------------------------------------------------------------------------------
    @property
    def doc_id(self) -> str:
        return self.ids[self.index]

    def document(self, doc_id: str | None = None) -> Document:
        doc_id = doc_id or self.doc_id
        cached = self._document
        if cached is None or cached.id != doc_id:
            # documents never change under an id: the open one is read once, not on every key
            cached = self._document = self.store.get_document(doc_id)
        return cached

    def title(self, doc_id: str) -> str:
        """The document's title (its ``title`` meta field, else its first non-blank line, else its
        id), cut to TITLE_CHARS code points: the same string on every call."""
        title = self._titles.get(doc_id)
        if title is None:
            doc = self.store.get_document(doc_id)
            title = self._titles[doc_id] = str(doc.meta.get("title") or first_line(doc.text) or doc_id)[:TITLE_CHARS]
        return title

    def annotation(self, doc_id: str | None = None) -> Annotation | None:
        return self.store.get_annotation(doc_id or self.doc_id, self.annotator)

    def spans(self, doc_id: str | None = None) -> list[Span]:
        """The spans the annotator sees: every span but pending suggestions less sure than
        ``min_confidence``."""
        annotation = self.annotation(doc_id)
        if not annotation:
            return []
        floor = self.min_confidence
        if floor <= 0.0:
            return list(annotation.spans)
        return [s for s in annotation.spans if not (s.pending and s.confidence is not None and s.confidence < floor)]

    def _all_spans(self) -> list[Span]:
        annotation = self.annotation()
        return list(annotation.spans) if annotation else []

    def pending(self, doc_id: str | None = None) -> list[Span]:
        """The document's suggestions still waiting for a decision, in reading order."""
        return sorted((s for s in self.spans(doc_id) if s.pending), key=review_order)

    def _visible_pending(self, spans: Iterable[Span]) -> list[Span]:
        floor = self.min_confidence
        return [s for s in spans if s.pending and not (s.confidence is not None and s.confidence < floor)]

    def follow_suggestions(self, changes: Changes, shown: Iterable[str] = ()) -> set[str]:
        """Take in what ``Store.refresh()`` found: suggestions added by another process (`reader
        suggest`, an import) arrive as new shards (``changes.reloaded``), so every pending count is
        forgotten and read again when asked. Returns those of the ``shown`` documents (the rows on
        screen, the open one) whose count changed: a fold reloads the shards too, and changes none."""
        if not changes.reloaded:
            return set()
        # a count not kept is read when its row is next drawn: only the kept ones can be out of date
        before = {doc_id: count for doc_id in shown if (count := self._pending.get(doc_id)) is not None}
        self._pending.clear()
        return {doc_id for doc_id, count in before.items() if count != self.pending_count(doc_id)}

    def pending_count(self, doc_id: str | None = None) -> int:
        doc_id = doc_id or self.doc_id
        count = self._pending.get(doc_id)
        if count is None:
            count = self._pending[doc_id] = len(self.pending(doc_id))
        return count

    def go(self, index: int) -> bool:
        """Open another document; the time spent on the one we leave is recorded."""
        if not 0 <= index < len(self.ids) or index == self.index:
            return False
        self.record_time()
        self.index = index
        return True

    def take(self, index: int) -> tuple[int | None, list[str]]:
        """Open the document at ``index``. Under a routing policy it is claimed first; one the others
        took meanwhile leaves the queue and the next one is tried. Returns the index opened (None:
        nothing from there on could be claimed; the current document stays open) and the ids lost."""
        if self.queue is None:
            self.go(index)
            return self.index, []
        current = self.doc_id if 0 <= self.index < len(self.ids) else None
        if current is not None and self.queue.holds(current):
            self.record_time()
        lost: list[str] = []
        # a failed claim removes that document, so the next one slides into the same index
        while 0 <= index < len(self.ids):
            doc_id = self.ids[index]
            if self.queue.claim(doc_id):
                self.index = index
                self._opened_at = time.monotonic()
                self._uncount(lost)
                return index, lost
            lost.append(doc_id)
        self._follow_current(current)
        self._uncount(lost)
        return None, lost

    def follow_claims(self, changed: set[str], *, everything: bool = False) -> bool:
        """Under a routing policy: take in claims the others made (``Store.refresh()``); True if the
        queue changed (documents the others filled up leave it; the open one stays)."""
        if self.queue is None:
            return False
        current = self.doc_id if 0 <= self.index < len(self.ids) else None
        if not self.queue.follow(changed, everything=everything):
            return False
        self._follow_current(current)
        dropped = self.queue.dropped
        if dropped is None:
            self._recount()
        else:
            self._uncount(dropped)
        return True

    def _uncount(self, gone: Iterable[str]) -> None:
        """Documents left the list: only they can change the count (no pass over a million ids)."""
        self.answered -= sum(1 for d in gone if self.answers.get(d) is not None)

    def _follow_current(self, current: str | None) -> None:
        try:
            self.index = self.ids.index(current) if current is not None else 0
        except ValueError:
            self.index = max(0, min(self.index, len(self.ids) - 1))

    def _recount(self) -> None:
        self.answered = sum(1 for i in self.ids if self.answers.get(i) is not None)

    def next_unanswered(self) -> int | None:
        n = len(self.ids)
        for step in range(1, n + 1):
            i = (self.index + step) % n
            if self.answers.get(self.ids[i]) is None:
                return i
        return None

    def record_time(self) -> None:
        """Save the time spent on the open document since it was last saved (on leaving it, and
        every minute from the screen): bookkeeping, which leaves the record's ``updated`` alone."""
        now = time.monotonic()
        spent = now - self._opened_at
        self._opened_at = now
        # Only time with the document open counts; idle hours with the app open are capped.
        if spent > 0.5 and self.annotation() is not None:
            self.store.add_time(self.doc_id, self.annotator, min(spent, 1800.0))
            self.touched.add(self.doc_id)

    def _with_time(self, doc_id: str, change: Callable[[Annotation], bool]) -> Callable[[Annotation], bool]:
        """``change``, also adding the time spent on the open document since it was last saved: an
        action saves it in the same journal entry, so the team's figures are current at no cost."""
        if doc_id != self.doc_id:
            return change
        now = time.monotonic()

        def timed(record: Annotation) -> bool:
            if not change(record):
                return False
            spent = now - self._opened_at
            if spent > 0:
                record.seconds_spent += min(spent, 1800.0)
                self._opened_at = now
            return True

        return timed

    # -- the one write path: an action and its undo step, journaled together --------------------------
    def _do(self, action: Action, doc_id: str | None = None, check: Callable[[Annotation], None] | None = None) -> bool:
        """One key, one journal frame: the action, its undo step and the time spent on the document
        so far are written together, so leaving the document afterwards writes nothing more (a
        second write that failed on a full disk made a done action look undone). If the store
        refuses, the session shows what the store holds. ``check`` sees the record as the store holds
        it now (under its lock) before the action, and may refuse by raising a UserError."""
        doc_id = doc_id or self.doc_id

        def act(record: Annotation) -> bool:
            if check is not None:
                check(record)
            return history.do(record, action)

        change = self._with_time(doc_id, act)
        try:
            changed = self.store.update(doc_id, self.annotator, change)
        except UserError:
            self._resync(doc_id)
            raise
        if changed:
            self._undo_trail.append(doc_id)
            self._redo_trail.clear()
            self._changed(doc_id)
        return changed

    def _changed(self, doc_id: str) -> None:
        self.touched.add(doc_id)
        self._resync(doc_id)

    def _resync(self, doc_id: str) -> None:
        """Show what the store holds for a document (after a change, or a refused one)."""
        self._pending.pop(doc_id, None)
        annotation = self.annotation(doc_id)
        self._set_answer(doc_id, annotation.answer if annotation else None)

    def _check(self, start: int, end: int) -> None:
        length = len(self.document().text)
        if not 0 <= start < end <= length:
            raise ValueError(f"span [{start}, {end}) is outside the document (0..{length})")

    # -- labels ------------------------------------------------------------------------------------
    def label_target(self, label: LabelDef, selection: tuple[int, int] | None, cursor: int) -> tuple[int, int] | None:
        """What a label key applies to: the line (line-scoped labels), the selection, a pending
        suggestion of that label under the cursor (the innermost), or the word under the cursor."""
        if label.scope == "line":
            return self.line_range(cursor)
        if selection is not None:
            return selection
        under = [s for s in self.pending() if s.label == label.name and s.contains(cursor)]
        if under:
            inner = min(under, key=lambda s: s.end - s.start)
            return inner.start, inner.end
        return word_at(self.document().text, cursor)

    def label(self, label: LabelDef, start: int, end: int) -> LabelOutcome:
        self._check(start, end)
        spans = self._all_spans()  # labelling exactly a hidden suggestion accepts it
        same = next((s for s in spans if s.key == (start, end, label.name)), None)
        if same is not None:
            if same.pending:
                self._do(ReplaceSpan(same, same.accepted()))
                return LabelOutcome("accepted", same.accepted())
            return LabelOutcome("already", same)
        new = Span(start, end, label.name, "manual")
        rival = next(
            (
                s
                for s in spans
                if s.pending and (s.start, s.end) == (start, end) and self._group(s.label) == label.group
            ),
            None,
        )
        if rival is not None:
            self._do(Batch((RejectSuggestion(rival), AddSpan(new)), f"relabel {rival.label} -> {label.name}"))
            return LabelOutcome("replaced", new)
        self._do(AddSpan(new))
        return LabelOutcome("labelled", new)

    def _group(self, name: str) -> str | None:
        label = self.schema.get(name)
        return label.group if label else None

    def line_range(self, offset: int) -> tuple[int, int] | None:
        """The line of the file (paragraph) holding offset, without its line break and outer spaces."""
        text = self.document().text
        if not text:
            return None
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None

    def delete(self, span: Span) -> bool:
        """Delete a span. A suggestion (pending or accepted) is recorded as rejected, so suggesting
        again does not bring it back."""
        action: Action = RejectSuggestion(span) if span.origin == "suggested" else RemoveSpan(span)
        return self._do(action)

    def relabel(self, span: Span, label: LabelDef) -> bool:
        if span.label == label.name:
            return False
        new = Span(span.start, span.end, label.name, "manual", note=span.note)
        if span.origin == "suggested":
            return self._do(Batch((RejectSuggestion(span), AddSpan(new)), f"relabel {span.label} -> {label.name}"))
        return self._do(ReplaceSpan(span, new))

    # -- suggestions ---------------------------------------------------------------------------------
    def accept(self, span: Span) -> bool:
        if not span.pending:
            return False
        return self._do(ReplaceSpan(span, span.accepted()))

    def reject(self, span: Span) -> bool:
        if not span.pending:
            return False
        return self._do(RejectSuggestion(span))

    def accept_all(self, label: str) -> int:
        pending = [s for s in self.pending() if s.label == label]
        if not pending:
            return 0
        actions: tuple[Action, ...] = tuple(ReplaceSpan(s, s.accepted()) for s in pending)
        self._do(Batch(actions, f"accept all {label} ({len(pending)})"))
        return len(pending)

    def next_suggestion(self, cursor: int, step: int, after: Span | None = None) -> Span | None:
        """The pending suggestion after (step > 0) or before ``after`` in reading order — nested
        ones included, each exactly once — or, with no ``after``, from the cursor (a suggestion
        starting at the cursor counts as ahead)."""
        pending = self.pending()
        if after is not None:
            key = review_order(after)
            ahead = [s for s in pending if (review_order(s) > key if step > 0 else review_order(s) < key)]
        else:
            ahead = [s for s in pending if (s.start >= cursor if step > 0 else s.start < cursor)]
        if not ahead:
            return None
        return ahead[0] if step > 0 else ahead[-1]

    # -- answers -------------------------------------------------------------------------------------
    def answer(
        self, answer: str, decide_pending: Decision | None = None, *, seen: Collection[Span] | None = None
    ) -> bool:
        """Answer the document. The same answer again takes it back. ``decide_pending`` accepts or
        rejects every pending suggestion in the same undo step.

        Accepting is decided on the store's latest state: if the record then holds pending
        suggestions that are not among ``seen`` (the ones the annotator was shown; by default those
        this session read just now), it raises :class:`UnseenSuggestions` and saves nothing."""
        if answer not in ANSWERS:
            raise ValueError(f"unknown answer {answer!r}")
        old = self.answers.get(self.doc_id)
        new = None if old == answer else answer
        steps: list[Action] = []
        current = self.pending()
        pending = current if decide_pending and new == "accept" else []
        for s in pending:
            steps.append(ReplaceSpan(s, s.accepted()) if decide_pending == "accept" else RejectSuggestion(s))
        steps.append(SetAnswer(old, new))
        check = None
        if new == "accept":
            shown = {s.key for s in (current if seen is None else seen)}

            def check(record: Annotation) -> None:
                unseen = [s for s in self._visible_pending(record.spans) if s.key not in shown]
                if unseen:
                    raise UnseenSuggestions(sorted(unseen, key=review_order))

        if len(steps) == 1:
            return self._do(steps[0], check=check)
        verb = "accepting" if decide_pending == "accept" else "rejecting"
        return self._do(Batch(tuple(steps), f"answer {new}, {verb} {len(pending)} suggestion(s)"), check=check)

    def _set_answer(self, doc_id: str, answer: str | None) -> None:
        before = self.answers.get(doc_id) is not None
        self.answers[doc_id] = answer
        self.answered += (answer is not None) - before

    # -- undo ----------------------------------------------------------------------------------------
    def undo(self) -> tuple[str, Action] | None:
        """Take back the last step: this session's last change first (in whatever document), then
        the current document's older history. Returns (document, action), or None."""
        return self._walk(self._undo_trail, self._redo_trail, history.undo)

    def redo(self) -> tuple[str, Action] | None:
        return self._walk(self._redo_trail, self._undo_trail, history.redo)

    def _walk(
        self, trail: list[str], other: list[str], step: Callable[[Annotation], Action | None]
    ) -> tuple[str, Action] | None:
        while True:
            doc_id = trail.pop() if trail else self.doc_id
            done = self._step(doc_id, step)
            if done is not None:
                other.append(doc_id)
                self._changed(doc_id)
                return doc_id, done
            if doc_id == self.doc_id and not trail:
                return None

    def _step(self, doc_id: str, step: Callable[[Annotation], Action | None]) -> Action | None:
        done: list[Action] = []

        def change(record: Annotation) -> bool:
            action = step(record)
            if action is not None:
                done.append(action)
            return action is not None

        self.store.update(doc_id, self.annotator, self._with_time(doc_id, change))
        return done[0] if done else None

    # -- search --------------------------------------------------------------------------------------
    def search(self, query: str, doc_id: str | None = None) -> list[tuple[int, int]]:
        """Hits of query in a document, ignoring diacritics and tatweel and folding hamza forms,
        alef maqsura and ta marbuta (annotations.normalize)."""
        if not query.strip():
            return []
        if doc_id is None or doc_id == self.doc_id:
            return find_all(query, self.document().text)
        return find_all(query, self.store.get_document(doc_id).text)  # other documents: not cached

    def next_document_with(
        self,
        query: str,
        step: int,
        *,
        cancelled: Callable[[], bool] = lambda: False,
        progress: Callable[[int, int], None] | None = None,
    ) -> int | None:
        """The next document (after the current one, wrapping round) with a hit. Safe to run in a
        thread: it only reads the store."""
        n = len(self.ids)
        start = self.index
        for k in range(1, n):
            if cancelled():
                return None
            if progress is not None and k % 1000 == 0:
                progress(k, n)
            i = (start + step * k) % n
            if self.search(query, self.ids[i]):
                return i
        return None
