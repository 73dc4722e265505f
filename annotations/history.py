"""Undo and redo, kept in the annotation record itself.

Every change an annotator makes to a record is an :class:`Action`: a pure change of an
:class:`~annotations.model.Annotation` that knows its inverse and how to write itself as JSON. The
record keeps its own undo and redo steps (``Annotation.undo`` / ``Annotation.redo``, oldest first), so
the action and its undo step are one journaled write: the history survives a restart and a crash,
per document and per annotator.

Nothing here touches the store: callers run :func:`do`, :func:`undo` and :func:`redo` inside
``Store.update(doc_id, annotator, change)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .model import ANSWERS, Annotation, Span

# Steps kept per record (the oldest go first). Each action rewrites the whole record in the journal,
# so the history is bounded to keep an action's write small.
HISTORY_LIMIT = 500


class Action(Protocol):
    def apply(self, record: Annotation) -> bool:
        """Change the record in place; False (and the record untouched) if there is nothing to do."""
        ...

    def inverse(self) -> Action: ...
    def describe(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...


def _where(span: Span) -> str:
    return f"{span.label} [{span.start}, {span.end})"


def _find(spans: list[Span], key: tuple[int, int, str]) -> int | None:
    for i, s in enumerate(spans):
        if s.key == key:
            return i
    return None


def _remove(spans: list[Span], key: tuple[int, int, str]) -> bool:
    """Take the span with ``key`` out of ``spans``; False if there is none."""
    i = _find(spans, key)
    if i is None:
        return False
    del spans[i]
    return True


@dataclass(frozen=True, slots=True)
class AddSpan:
    span: Span

    def apply(self, record: Annotation) -> bool:
        if record.has_span(self.span):
            return False
        record.spans.append(self.span)
        return True

    def inverse(self) -> Action:
        return RemoveSpan(self.span)

    def describe(self) -> str:
        return f"label {_where(self.span)}"

    def to_dict(self) -> dict[str, Any]:
        return {"op": "add", "span": self.span.to_dict()}


@dataclass(frozen=True, slots=True)
class RemoveSpan:
    span: Span

    def apply(self, record: Annotation) -> bool:
        return _remove(record.spans, self.span.key)

    def inverse(self) -> Action:
        return AddSpan(self.span)

    def describe(self) -> str:
        return f"delete {_where(self.span)}"

    def to_dict(self) -> dict[str, Any]:
        return {"op": "remove", "span": self.span.to_dict()}


@dataclass(frozen=True, slots=True)
class ReplaceSpan:
    """Relabel, or accept a suggestion (same key, no longer pending)."""

    old: Span
    new: Span

    def apply(self, record: Annotation) -> bool:
        i = _find(record.spans, self.old.key)
        if i is None or record.spans[i] == self.new:
            return False
        record.spans = [s for j, s in enumerate(record.spans) if j != i and s.key != self.new.key]
        record.spans.append(self.new)
        return True

    def inverse(self) -> Action:
        return ReplaceSpan(self.new, self.old)

    def describe(self) -> str:
        if self.old.key == self.new.key:
            verb = "accept" if self.old.pending and not self.new.pending else "restore"
            return f"{verb} {_where(self.new)}"
        return f"relabel {self.old.label} -> {self.new.label}"

    def to_dict(self) -> dict[str, Any]:
        return {"op": "replace", "old": self.old.to_dict(), "new": self.new.to_dict()}


@dataclass(frozen=True, slots=True)
class RejectSuggestion:
    """A suggestion decided against: out of the spans, into ``rejected``, so suggesting again never
    brings it back. Also what deleting an accepted suggestion does."""

    span: Span

    def apply(self, record: Annotation) -> bool:
        if not _remove(record.spans, self.span.key):
            return False
        if _find(record.rejected, self.span.key) is None:
            record.rejected.append(self.span)
        return True

    def inverse(self) -> Action:
        return RestoreSuggestion(self.span)

    def describe(self) -> str:
        return f"reject {_where(self.span)}"

    def to_dict(self) -> dict[str, Any]:
        return {"op": "reject", "span": self.span.to_dict()}


@dataclass(frozen=True, slots=True)
class RestoreSuggestion:
    """The inverse of a rejection: the suggestion is back as it was, no longer decided against."""

    span: Span

    def apply(self, record: Annotation) -> bool:
        i = _find(record.rejected, self.span.key)
        present = record.has_span(self.span)
        if i is None and present:
            return False
        if i is not None:
            del record.rejected[i]
        if not present:
            record.spans.append(self.span)
        return True

    def inverse(self) -> Action:
        return RejectSuggestion(self.span)

    def describe(self) -> str:
        return f"restore {_where(self.span)}"

    def to_dict(self) -> dict[str, Any]:
        return {"op": "restore", "span": self.span.to_dict()}


@dataclass(frozen=True, slots=True)
class SetAnswer:
    old: str | None
    new: str | None

    def apply(self, record: Annotation) -> bool:
        if record.answer == self.new:
            return False
        record.answer = self.new  # type: ignore[assignment]  # checked in from_dict and by the session
        return True

    def inverse(self) -> Action:
        return SetAnswer(self.new, self.old)

    def describe(self) -> str:
        return f"answer {self.new or 'none'}"

    def to_dict(self) -> dict[str, Any]:
        return {"op": "answer", "old": self.old, "new": self.new}


@dataclass(frozen=True, slots=True)
class Batch:
    """Several actions as one undo step (accept every suggestion of a label; accept a document and
    decide its pending suggestions)."""

    actions: tuple[Action, ...]
    label: str = "batch"

    def apply(self, record: Annotation) -> bool:
        changed = False
        for action in self.actions:
            changed = action.apply(record) or changed
        return changed

    def inverse(self) -> Action:
        return Batch(tuple(a.inverse() for a in reversed(self.actions)), self.label)

    def describe(self) -> str:
        return self.label

    def to_dict(self) -> dict[str, Any]:
        return {"op": "batch", "label": self.label, "actions": [a.to_dict() for a in self.actions]}


def action_from_dict(d: dict[str, Any]) -> Action:
    """The action a history entry describes. Raises ValueError for anything else."""
    op = d.get("op")
    try:
        if op == "add":
            return AddSpan(Span.from_dict(d["span"]))
        if op == "remove":
            return RemoveSpan(Span.from_dict(d["span"]))
        if op == "replace":
            return ReplaceSpan(Span.from_dict(d["old"]), Span.from_dict(d["new"]))
        if op == "reject":
            return RejectSuggestion(Span.from_dict(d["span"]))
        if op == "restore":
            return RestoreSuggestion(Span.from_dict(d["span"]))
        if op == "answer":
            for key in ("old", "new"):
                if d[key] is not None and d[key] not in ANSWERS:
                    raise ValueError(f"unknown answer {d[key]!r}")
            return SetAnswer(d["old"], d["new"])
        if op == "batch":
            return Batch(tuple(action_from_dict(a) for a in d["actions"]), str(d.get("label", "batch")))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"bad history entry {d!r}: {exc!r}") from exc
    raise ValueError(f"unknown history entry {op!r}")


# -- the record's own history ---------------------------------------------------------------------
def _apply_effective(record: Annotation, action: Action) -> Action | None:
    """Apply an action; what it really did (for a batch: only the steps that changed something, so
    undoing it never undoes a step that did nothing), or None."""
    if isinstance(action, Batch):
        done = [a for a in (_apply_effective(record, step) for step in action.actions) if a is not None]
        return Batch(tuple(done), action.label) if done else None
    # Record what was really there, so the inverse restores exactly that.
    if isinstance(action, SetAnswer):
        action = SetAnswer(record.answer, action.new)
    elif isinstance(action, RemoveSpan | RejectSuggestion | ReplaceSpan):
        key = action.old.key if isinstance(action, ReplaceSpan) else action.span.key
        i = _find(record.spans, key)
        if i is not None:
            actual = record.spans[i]
            action = ReplaceSpan(actual, action.new) if isinstance(action, ReplaceSpan) else type(action)(actual)
    return action if action.apply(record) else None


def do(record: Annotation, action: Action) -> bool:
    """Apply an action and make it the record's last undo step (a new action clears redo). Nothing
    is recorded if the action changed nothing (a duplicate span)."""
    effective = _apply_effective(record, action)
    if effective is None:
        return False
    record.undo.append(effective.to_dict())
    del record.undo[:-HISTORY_LIMIT]
    record.redo.clear()
    return True


def undo(record: Annotation) -> Action | None:
    """Take back the record's last step; None if there is nothing to undo."""
    if not record.undo:
        return None
    action = action_from_dict(record.undo.pop())
    action.inverse().apply(record)
    record.redo.append(action.to_dict())
    return action


def redo(record: Annotation) -> Action | None:
    """Do again the step undone last; None if there is nothing to redo."""
    if not record.redo:
        return None
    action = action_from_dict(record.redo.pop())
    action.apply(record)
    record.undo.append(action.to_dict())
    del record.undo[:-HISTORY_LIMIT]
    return action
