"""Short pieces of text (titles, span texts) drawn the way the article is: shaped and in visual
order, cut to a width. Without this a list of Arabic titles would show unjoined letters backwards."""

from __future__ import annotations

import re
from functools import lru_cache

from reader.text.sanitize import terminal_safe

from .layout import ParagraphLayout

ELLIPSIS = "\u2026"
_CHUNK = re.compile(r"\S{1,256}")


def _flat_start(text: str, limit: int) -> tuple[str, bool]:
    """The first `limit` characters of " ".join(text.split()), and whether that goes on, without
    splitting the whole text."""
    parts: list[str] = []
    length = 0
    previous_end = -1
    for match in _CHUNK.finditer(text):
        if length >= limit:
            return "".join(parts)[:limit], True
        if previous_end >= 0 and match.start() != previous_end:
            parts.append(" ")
            length += 1
        parts.append(match.group())
        length += match.end() - match.start()
        previous_end = match.end()
    return "".join(parts)[:limit], length > limit


@lru_cache(maxsize=8192)
def visual_snippet(text: str, width: int) -> str:
    """The first visual line of text (line breaks read as spaces), at most `width` cells. A cut
    keeps the beginning of the text, which in right-to-left text is on the right, and marks the cut
    with an ellipsis on the side where the text goes on."""
    if width < 1:
        return ""
    # A line shows at most `width` clusters, so the start of the text is enough: a title or span of
    # megabytes (an article that is one long line) costs no more than a short one. The bidi of that
    # start is resolved on its own, which can only differ from the whole text's in rare cases (a
    # paragraph whose first strong character comes later).
    flat, more = _flat_start(text, 8 * width + 64)
    if not flat:
        return ""
    line = ParagraphLayout(flat, 0, 0, width).lines[0]
    if (line.end >= len(flat) and not more) or width < 2:
        return _without_joiners(line.text.strip(" "))
    line = ParagraphLayout(flat, 0, 0, width - 1).lines[0]
    shown = _without_joiners(line.text.strip(" "))
    return ELLIPSIS + shown if line.direction == "rtl" else shown + ELLIPSIS


def _without_joiners(shaped: str) -> str:
    """ZWJ and ZWNJ have done their work once the text is shaped (the presentation forms say how each
    letter joins); left in, Rich would count a ZWJ and the character after it as one cell, so a
    column holding one would be drawn a cell off."""
    return shaped.replace("\u200d", "").replace("\u200c", "")


def interface_lines(text: str, width: int) -> list[str]:
    """A string of the interface (help, a label description, a dialog) as the terminal must get it:
    Arabic shaped and every line in visual order, wrapped at ``width`` cells with the bidi algorithm
    applied per wrapped line, on the interface's left-to-right base direction. The app sets the
    terminal's explicit bidi mode, so text not drawn through here shows Arabic unjoined and backwards."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        layout = ParagraphLayout(paragraph, 0, 0, max(1, width), direction="ltr")
        out += [line.text.rstrip(" ") for line in layout.lines]
    return out


@lru_cache(maxsize=1024)
def interface_line(text: str) -> str:
    """One short interface string (a message) shaped and in visual order on the interface's
    left-to-right base direction, not wrapped."""
    flat = " ".join(text.split("\n"))
    # A wide glyph takes two cells: at len(flat) cells a line of CJK would wrap (and lose its end).
    return "".join(interface_lines(flat, max(1, 2 * len(flat)))) if flat else ""


def screen_text(value: object) -> str:
    """Any user-supplied string (an annotator's or a label's name, a document id or title, a meta
    value, a rule, a file name, a query) as the screen must get it, on one line: every control made
    a visible placeholder (``terminal_safe``), Arabic shaped, and the whole in visual order.

    The string is laid out on its own, as an isolate whose direction is that of its first strong
    character (what HTML's ``<bdi>`` does): a name quoted in an English sentence keeps its own
    order and does not pull its neighbours into it. So compose messages from pieces that went
    through here (``f"took {screen_text(name)}'s version"``), never pass a composed message through
    again: the pieces are in visual order already, and a second pass would turn them back.

    Every cell Rich measures is a cell drawn: presentation forms are one cell, a mark sits in its
    letter's cell, a wide glyph takes two (``rich.cells.cell_len`` of the result is its width)."""
    return _visual_line(terminal_safe(value))


@lru_cache(maxsize=8192)
def _visual_line(text: str) -> str:
    if not text:
        return ""
    # Tabs and line breaks are placeholders by now, so no cluster is wider than two cells and the
    # string fits on one line of 2 * len(text) cells; an RTL line is padded on the left to that
    # width, which is taken off again (with the string's own edge spaces, which show nothing).
    layout = ParagraphLayout(text, 0, 0, 2 * len(text) + 1)
    return _without_joiners("".join(line.text for line in layout.lines).strip(" "))


# Quotation marks for a piece of text inside a message, in order of preference.
QUOTES = (("\u00ab", "\u00bb"), ("\u201c", "\u201d"), ("\u2039", "\u203a"))


def quoted(shown: str) -> str:
    """``shown`` (a span's text in a message) between quotation marks it does not contain itself: «…»
    unless it holds a guillemet (a quotation span: then “…”, then ‹…›), and bare when it holds all of
    them -- so a quote is never drawn as «««…»»»."""
    for left, right in QUOTES:
        if left not in shown and right not in shown:
            return f"{left}{shown}{right}"
    return shown
