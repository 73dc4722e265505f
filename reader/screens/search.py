"""The search prompt. Matching ignores diacritics and tatweel and folds أ/إ/آ/ا, ى/ي and ة/ه."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from reader.widgets.safe import snippet


class SearchScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel search")]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query

    def compose(self) -> ComposeResult:
        yield Label("Search (diacritics, tatweel and hamza forms are ignored):")
        yield Input(value=self.initial, placeholder="text to find", id="search-input")
        # Input fields show text in logical order, unshaped; this line shows the query as it reads.
        yield Label(Text(snippet(self.initial, 60)), id="search-preview")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#search-preview", Label).update(Text(snippet(event.value, 60)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
