"""Undo and redo for annotation actions: every action knows how to apply itself to the store and
what undoes it, so one stack serves spans and answers alike. Each step goes through the store, so
an undo is as durable as the action it undoes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .model import Span


class ActionStore(Protocol):
    def add_span(self, doc_id: str, annotator: str, span: Span) -> bool: ...
    def remove_span(self, doc_id: str, annotator: str, span: Span) -> bool: ...
    def replace_span(self, doc_id: str, annotator: str, old: Span, new: Span) -> None: ...
    def set_answer(self, doc_id: str, annotator: str, answer: str | None) -> None: ...


class Action(Protocol):
    @property
    def doc_id(self) -> str: ...

    def apply(self, store: ActionStore, annotator: str) -> bool: ...
    def inverse(self) -> Action: ...
    def describe(self) -> str: ...


@dataclass(frozen=True, slots=True)
class AddSpan:
    doc_id: str
    span: Span

    def apply(self, store: ActionStore, annotator: str) -> bool:
        return store.add_span(self.doc_id, annotator, self.span)

    def inverse(self) -> Action:
        return RemoveSpan(self.doc_id, self.span)

    def describe(self) -> str:
        return f"label {self.span.label} [{self.span.start}, {self.span.end})"


@dataclass(frozen=True, slots=True)
class RemoveSpan:
    doc_id: str
    span: Span

    def apply(self, store: ActionStore, annotator: str) -> bool:
        return store.remove_span(self.doc_id, annotator, self.span)

    def inverse(self) -> Action:
        return AddSpan(self.doc_id, self.span)

    def describe(self) -> str:
        return f"delete {self.span.label} [{self.span.start}, {self.span.end})"


@dataclass(frozen=True, slots=True)
class ReplaceSpan:
    doc_id: str
    old: Span
    new: Span

    def apply(self, store: ActionStore, annotator: str) -> bool:
        store.replace_span(self.doc_id, annotator, self.old, self.new)
        return True

    def inverse(self) -> Action:
        return ReplaceSpan(self.doc_id, self.new, self.old)

    def describe(self) -> str:
        if self.old.key == self.new.key:
            return f"accept {self.new.label} [{self.new.start}, {self.new.end})"
        return f"relabel {self.old.label} -> {self.new.label}"


@dataclass(frozen=True, slots=True)
class SetAnswer:
    doc_id: str
    old: str | None
    new: str | None

    def apply(self, store: ActionStore, annotator: str) -> bool:
        store.set_answer(self.doc_id, annotator, self.new)
        return True

    def inverse(self) -> Action:
        return SetAnswer(self.doc_id, self.new, self.old)

    def describe(self) -> str:
        return f"answer {self.new or 'none'}"


@dataclass(frozen=True, slots=True)
class Batch:
    """Several actions as one undo step (for example: accept every suggestion of a label)."""

    doc_id: str
    actions: tuple[Action, ...]
    label: str = "batch"

    def apply(self, store: ActionStore, annotator: str) -> bool:
        changed = False
        for action in self.actions:
            changed = action.apply(store, annotator) or changed
        return changed

    def inverse(self) -> Action:
        return Batch(self.doc_id, tuple(a.inverse() for a in reversed(self.actions)), self.label)

    def describe(self) -> str:
        return f"{self.label} ({len(self.actions)})"


class History:
    """Unlimited undo/redo within a session."""

    def __init__(self, store: ActionStore, annotator: str) -> None:
        self.store = store
        self.annotator = annotator
        self._undo: list[Action] = []
        self._redo: list[Action] = []

    def do(self, action: Action) -> bool:
        """Apply an action; recorded only if it changed something (a duplicate span does not)."""
        changed = action.apply(self.store, self.annotator)
        if changed:
            self._undo.append(action)
            self._redo.clear()
        return changed

    def undo(self) -> Action | None:
        if not self._undo:
            return None
        action = self._undo.pop()
        action.inverse().apply(self.store, self.annotator)
        self._redo.append(action)
        return action

    def redo(self) -> Action | None:
        if not self._redo:
            return None
        action = self._redo.pop()
        action.apply(self.store, self.annotator)
        self._undo.append(action)
        return action

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)
