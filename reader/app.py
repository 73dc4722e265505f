"""The Textual app: a thin shell around the annotation screen."""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar, Protocol, runtime_checkable

from textual import events
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

# How long a key waits at most for what the key before it set off (see ReaderApp._settle).
SETTLE_SECONDS = 1.0


@runtime_checkable
class TakesKeys(Protocol):
    """A screen with keys of its own beside its bindings (label keys, a prompt's answer)."""

    def take_key(self, event: events.Key) -> bool:
        """Handle ``event`` if it is one of the screen's own keys (True: the bindings do not see it)."""
        ...


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

    async def on_event(self, event: events.Event) -> None:
        # A key travels from the focused widget up to the screen and then to the app, where the
        # bindings run; the next key may already be at the screen by then. So a screen's own keys
        # are handled here, in the app's queue with the bindings, where every key arrives in the
        # order it was typed: a label key after a command key acts on what the command did.
        if isinstance(event, events.Key) and event.is_forwarded:
            await self._settle()
            screen = self.screen
            if isinstance(screen, TakesKeys) and screen.take_key(event):
                event.stop()
                return
        await super().on_event(event)

    async def _settle(self) -> None:
        """Let the screen handle what the previous key's action posted to it before this key acts: a
        list's enter or t tells the screen by a message (open this document, relabel this span),
        which must take effect before a label key typed next. Bounded, so a busy screen only ever
        delays a key a little; nothing waits on the app's queue meanwhile (those messages go to the
        screen and its widgets)."""
        deadline = time.monotonic() + SETTLE_SECONDS
        nodes = self.screen.walk_children(with_self=True)
        while any(node.message_queue_size for node in nodes) and time.monotonic() < deadline:
            await asyncio.sleep(0)

    def on_mount(self) -> None:
        if self.options.visual and self._driver is not None:
            self._driver.write(BIDI_EXPLICIT)
        self.push_screen(self.first_screen)

    def on_unmount(self) -> None:
        self.session.record_time()
        if self.options.visual and self._driver is not None:
            self._driver.write(BIDI_IMPLICIT)
