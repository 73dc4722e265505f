"""Strings on their way to the screen. Anything that may hold user-supplied characters (ids, titles,
meta, annotator and label names, rules, file names, error messages) is passed through
``reader.text.sanitize.terminal_safe`` and wrapped in a Rich ``Text``, which is never parsed as markup:
``[b]`` in a document id is drawn as ``[b]``, and an escape sequence is drawn as ␛[….

A user-supplied string shown on its own or quoted in a message also goes through
``reader.text.snippet.screen_text`` (:func:`shown`, :func:`fit`): the terminal neither shapes Arabic
nor reorders it (the app puts it in explicit bidi mode), so a name drawn raw would show as unjoined
letters in reverse order. :func:`safe` and :func:`safe_str` only sanitise: they are for text composed
of interface words and pieces that are screen-ready already."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from reader.text.sanitize import terminal_safe
from reader.text.snippet import screen_text, visual_snippet

__all__ = ["fit", "safe", "safe_str", "screen_text", "shown", "snippet"]


def safe(value: object, style: str | Style = "") -> Text:
    """One line of plain text, controls shown as placeholders, never markup."""
    return Text(terminal_safe(value), style=style, end="")


def safe_str(value: object) -> str:
    return terminal_safe(value)


def shown(value: object, style: str | Style = "") -> Text:
    """A user-supplied string (a name, a label, an id) ready for the screen: sanitised, Arabic shaped
    and in visual order, never markup. Its cell length is the width it is drawn at."""
    return Text(screen_text(value), style=style, end="")


def snippet(value: str, width: int) -> str:
    """A piece of text (Arabic shaped, in visual order) cut to width, controls shown as placeholders."""
    return visual_snippet(terminal_safe(value), width)


def fit(value: str, width: int) -> str:
    """A user-supplied string for a column of ``width`` cells: screen-ready, cut with an ellipsis on
    the side where it goes on, and padded with spaces to exactly ``width`` cells."""
    text = visual_snippet(terminal_safe(value), width)
    return text + " " * max(0, width - cell_len(text))
