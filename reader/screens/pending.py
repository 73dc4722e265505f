"""The question `a` asks when the document still has pending suggestions: accept them all, reject them
all, or go back to review them. Never answered silently."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.session import Decision


class PendingScreen(ModalScreen[Decision | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('accept')", "Accept them all, then the document"),
        Binding("r", "decide('reject')", "Reject them all, then accept the document"),
        Binding("escape,g,q", "back", "Go back and review them"),
    ]

    def __init__(self, pending: int, *, new: int = 0) -> None:
        super().__init__()
        self.pending = pending
        self.new = new  # of them, arrived from another process (`reader suggest`) just now: never seen

    def compose(self) -> ComposeResult:
        n = self.pending
        question = Text(f"{n} suggestion{'s' if n != 1 else ''} still pending in this document.\n", style="bold")
        if self.new:
            question.append(
                f"{self.new} of them just arrived (reader suggest or an import) and are now shown.\n", style="bold"
            )
        question.append("\n")
        question.append("a", style="bold reverse")
        question.append("  accept them all, then accept the document\n")
        question.append("r", style="bold reverse")
        question.append("  reject them all, then accept the document\n")
        question.append("esc", style="bold reverse")
        question.append("  go back and review them (. and , walk through them)")
        with Vertical(id="pending-body"):
            yield Static(question)

    def action_decide(self, decision: Decision) -> None:
        self.dismiss(decision)

    def action_back(self) -> None:
        self.dismiss(None)
