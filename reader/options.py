"""How the app shows things and how it reviews: one typed value each, set from the command line and
changed by keys (D, h, F2, F3). The annotation screen owns the current value; the widgets are given
it and never keep copies of their own."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, get_args

from reader.text.bidi_levels import Direction

ThemeName = Literal["dark", "light"]
THEMES: tuple[str, ...] = get_args(ThemeName)

# What `a` (accept the document) does while suggestions are still pending on it: ask (the default),
# accept them all, reject them all, or refuse until each one is decided.
PendingPolicy = Literal["ask", "accept", "reject", "refuse"]
PENDING_POLICIES: tuple[str, ...] = get_args(PendingPolicy)

DIRECTIONS: tuple[Direction, ...] = ("auto", "rtl", "ltr")


@dataclass(frozen=True, slots=True)
class ViewOptions:
    direction: Direction = "auto"  # paragraph direction
    show_marks: bool = True  # diacritics drawn
    # The terminal does bidi itself: text is sent in logical order, unshaped (--terminal-bidi).
    terminal_bidi: bool = False
    theme: ThemeName = "dark"
    # Side panels: None follows the terminal width; True/False once the annotator toggled them.
    show_documents: bool | None = None
    show_panel: bool | None = None

    @property
    def visual(self) -> bool:
        """The app reorders and shapes text itself (the default)."""
        return not self.terminal_bidi

    def next_direction(self) -> ViewOptions:
        order = DIRECTIONS
        return replace(self, direction=order[(order.index(self.direction) + 1) % len(order)])

    def toggled_marks(self) -> ViewOptions:
        return replace(self, show_marks=not self.show_marks)
