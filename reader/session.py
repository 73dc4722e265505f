"""One annotator's working session on a store: which documents, where we are, and every action
routed through the store (durable when it returns) and the undo history. No Textual here, so the
app stays a thin layer and this logic is tested directly."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from annotations.history import Action, AddSpan, Batch, History, RemoveSpan, ReplaceSpan, SetAnswer
from annotations.labels import LabelDef, LabelSchema
from annotations.model import Annotation, Document, Span
from annotations.normalize import find_all
from annotations.store import Store


@dataclass
class Session:
    store: Store
    annotator: str
    schema: LabelSchema
    ids: list[str] = field(default_factory=list)
    index: int = 0
    _opened_at: float = field(default_factory=time.monotonic)
    _titles: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.ids:
            self.ids = self.store.document_ids()
        self.history = History(self.store, self.annotator)
        # only the answered documents (a missing id reads as None): no million-entry dict at open
        self.answers: dict[str, str | None] = dict(self.store.answered(self.annotator))
        # Kept up to date on every answer so the status bar never counts 100,000 documents per key press.
        if len(self.ids) == len(self.store):  # every document: no need to look each one up
            self.answered = sum(1 for a in self.answers.values() if a is not None)
        else:
            self.answered = sum(1 for i in self.ids if self.answers.get(i) is not None)

    # -- documents ---------------------------------------------------------------------------------
    @property
    def doc_id(self) -> str:
        return self.ids[self.index]

    def document(self, doc_id: str | None = None) -> Document:
        return self.store.get_document(doc_id or self.doc_id)

    def title(self, doc_id: str) -> str:
        title = self._titles.get(doc_id)
        if title is None:
            doc = self.store.get_document(doc_id)
            title = str(doc.meta.get("title") or next((ln for ln in doc.text.split("\n") if ln.strip()), doc_id))
            self._titles[doc_id] = title[:200]
        return title

    def annotation(self, doc_id: str | None = None) -> Annotation | None:
        return self.store.get_annotation(doc_id or self.doc_id, self.annotator)

    def spans(self, doc_id: str | None = None) -> list[Span]:
        annotation = self.annotation(doc_id)
        return list(annotation.spans) if annotation else []

    def go(self, index: int) -> bool:
        """Open another document; the time spent on the one we leave is recorded."""
        if not 0 <= index < len(self.ids) or index == self.index:
            return False
        self.record_time()
        self.index = index
        return True

    def next_unanswered(self) -> int | None:
        n = len(self.ids)
        for step in range(1, n + 1):
            i = (self.index + step) % n
            if self.answers.get(self.ids[i]) is None:
                return i
        return None

    def record_time(self) -> None:
        now = time.monotonic()
        spent = now - self._opened_at
        self._opened_at = now
        # Only time with the document open counts; idle hours with the app open are capped.
        if spent > 0.5 and self.annotation() is not None:
            self.store.add_time(self.doc_id, self.annotator, min(spent, 1800.0))

    # -- actions -------------------------------------------------------------------------------------
    def label(self, label: LabelDef, start: int, end: int) -> Span | None:
        span = Span(start, end, label.name, "manual")
        return span if self.history.do(AddSpan(self.doc_id, span)) else None

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
        """Delete a span, or reject a suggestion: both take it out of the record."""
        return self.history.do(RemoveSpan(self.doc_id, span))

    def relabel(self, span: Span, label: LabelDef) -> bool:
        if span.label == label.name:
            return False
        new = Span(span.start, span.end, label.name, "manual", note=span.note)
        return self.history.do(ReplaceSpan(self.doc_id, span, new))

    def accept(self, span: Span) -> bool:
        if not span.pending:
            return False
        return self.history.do(ReplaceSpan(self.doc_id, span, span.accepted()))

    def accept_all(self, label: str) -> int:
        pending = [s for s in self.spans() if s.pending and s.label == label]
        if not pending:
            return 0
        actions: tuple[Action, ...] = tuple(ReplaceSpan(self.doc_id, s, s.accepted()) for s in pending)
        self.history.do(Batch(self.doc_id, actions, f"accept all {label}"))
        return len(pending)

    def answer(self, answer: str) -> None:
        old = self.answers.get(self.doc_id)
        new = None if old == answer else answer  # the same key again takes the answer back
        if self.history.do(SetAnswer(self.doc_id, old, new)):
            self._set_answer(self.doc_id, new)

    def undo(self) -> Action | None:
        action = self.history.undo()
        self._sync_answer(action, undo=True)
        return action

    def redo(self) -> Action | None:
        action = self.history.redo()
        self._sync_answer(action, undo=False)
        return action

    def _sync_answer(self, action: Action | None, *, undo: bool) -> None:
        if isinstance(action, SetAnswer):
            self._set_answer(action.doc_id, action.old if undo else action.new)

    def _set_answer(self, doc_id: str, answer: str | None) -> None:
        before = self.answers.get(doc_id) is not None
        self.answers[doc_id] = answer
        self.answered += (answer is not None) - before

    # -- search --------------------------------------------------------------------------------------
    def search(self, query: str, doc_id: str | None = None) -> list[tuple[int, int]]:
        """Hits of query in a document, ignoring diacritics and tatweel and folding hamza forms,
        alef maqsura and ta marbuta (annotations.normalize)."""
        if not query.strip():
            return []
        return find_all(query, self.document(doc_id).text)

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
