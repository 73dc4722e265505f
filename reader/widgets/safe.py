"""Strings on their way to the screen. Anything that may hold user-supplied characters (ids, titles,
meta, annotator and label names, rules, file names, error messages) is passed through
``reader.text.sanitize.terminal_safe`` and wrapped in a Rich ``Text``, which is never parsed as markup:
``[b]`` in a document id is drawn as ``[b]``, and an escape sequence is drawn as ␛[…."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from reader.text.sanitize import terminal_safe
from reader.text.snippet import visual_snippet


def safe(value: object, style: str | Style = "") -> Text:
    """One line of plain text, controls shown as placeholders, never markup."""
    return Text(terminal_safe(value), style=style, end="")


def safe_str(value: object) -> str:
    return terminal_safe(value)


def snippet(value: str, width: int) -> str:
    """A piece of text (Arabic shaped, in visual order) cut to width, controls shown as placeholders."""
    return visual_snippet(terminal_safe(value), width)
