"""The Textual app: a thin shell around the annotation screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from reader.adjudicate import AdjudicationSession
from reader.autotrain import AutoTrain
from reader.options import PendingPolicy, ViewOptions
from reader.screens.annotate import AnnotateScreen
from reader.screens.review import ReviewScreen
from reader.session import Session
from reader.theme import THEMES

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
        options: ViewOptions | None = None,
        *,
        on_pending: PendingPolicy = "ask",
        auto_train: AutoTrain | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.options = options or ViewOptions()
        self.first_screen: Screen[None] = (
            ReviewScreen(session, self.options)  # reader review
            if isinstance(session, AdjudicationSession)
            else AnnotateScreen(session, self.options, on_pending=on_pending, auto_train=auto_train)
        )
        for theme in THEMES.values():
            self.register_theme(theme)
        self.theme = THEMES[self.options.theme].name

    def on_mount(self) -> None:
        if self.options.visual and self._driver is not None:
            self._driver.write(BIDI_EXPLICIT)
        self.push_screen(self.first_screen)

    def on_unmount(self) -> None:
        self.session.record_time()
        if self.options.visual and self._driver is not None:
            self._driver.write(BIDI_IMPLICIT)
