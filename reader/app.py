"""The Textual app: a thin shell around the annotation screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from reader.screens.annotate import AnnotateScreen
from reader.session import Session
from reader.text.bidi_levels import Direction

# ECMA-48 BDSM (terminal-wg bidi recommendation): explicit mode makes a bidi-capable terminal draw
# cells as given, because the app has already shaped and reordered them; implicit mode is restored.
BIDI_EXPLICIT = "\x1b[8l"
BIDI_IMPLICIT = "\x1b[8h"


class ReaderApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "reader"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        session: Session,
        *,
        terminal_bidi: bool = False,
        direction: Direction = "auto",
        show_marks: bool = True,
    ) -> None:
        super().__init__()
        self.session = session
        self.terminal_bidi = terminal_bidi
        self.direction: Direction = direction
        self.show_marks = show_marks

    def on_mount(self) -> None:
        if not self.terminal_bidi and self._driver is not None:
            self._driver.write(BIDI_EXPLICIT)
        self.push_screen(
            AnnotateScreen(
                self.session, direction=self.direction, show_marks=self.show_marks, visual=not self.terminal_bidi
            )
        )

    def on_unmount(self) -> None:
        self.session.record_time()
        if not self.terminal_bidi and self._driver is not None:
            self._driver.write(BIDI_IMPLICIT)
