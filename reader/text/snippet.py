"""Short pieces of text (titles, span texts) drawn the way the article is: shaped and in visual
order, cut to a width. Without this a list of Arabic titles would show unjoined letters backwards."""

from __future__ import annotations

from functools import lru_cache

from .layout import ParagraphLayout

ELLIPSIS = "\u2026"


@lru_cache(maxsize=8192)
def visual_snippet(text: str, width: int) -> str:
    """The first visual line of text (line breaks read as spaces), at most `width` cells. A cut
    keeps the beginning of the text, which in right-to-left text is on the right, and marks the cut
    with an ellipsis on the side where the text goes on."""
    flat = " ".join(text.split())
    if not flat or width < 1:
        return ""
    line = ParagraphLayout(flat, 0, 0, width).lines[0]
    if line.end >= len(flat) or width < 2:
        return line.text.strip(" ")
    line = ParagraphLayout(flat, 0, 0, width - 1).lines[0]
    shown = line.text.strip(" ")
    return ELLIPSIS + shown if line.direction == "rtl" else shown + ELLIPSIS
