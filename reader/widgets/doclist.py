"""The document list: one row per document with its answer, how many other annotators have answered
it (a small figure beside the answer mark, when others work on the store and routing is not blind)
and, at the right, how many suggestions are still pending in it. Drawn through the line API so a
store of 100,000 documents opens as fast as one of ten: a row reads its title and count only when it
is on screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.widgets.safe import snippet

# One character per answer; the legend is in the help screen.
ANSWER_MARKS = {None: "·", "accept": "✓", "reject": "✗", "skip": "»", "flag": "⚑"}
# How many other annotators answered a document: one cell beside the answer mark.
OTHERS_MARKS = " ¹²³⁴⁵⁶⁷⁸⁹"
MANY_OTHERS = "⁺"


def others_mark(count: int) -> str:
    return OTHERS_MARKS[count] if 0 <= count < len(OTHERS_MARKS) else MANY_OTHERS


@dataclass
class DocumentChosen(Message):
    index: int


class DocumentList(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "doclist--current",
        "doclist--highlight",
        "doclist--accept",
        "doclist--reject",
        "doclist--skip",
        "doclist--flag",
        "doclist--pending",
        "doclist--others",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "highlight(-1)", "Previous", show=False),
        Binding("down", "highlight(1)", "Next", show=False),
        Binding("pageup", "highlight(-10)", "Page up", show=False),
        Binding("pagedown", "highlight(10)", "Page down", show=False),
        Binding("enter", "choose", "Open document", show=False),
    ]

    def __init__(
        self,
        ids: list[str],
        title_of: Callable[[str], str],
        answers: dict[str, str | None],
        *,
        pending_of: Callable[[str], int] = lambda _doc_id: 0,
        others_of: Callable[[str], int] = lambda _doc_id: 0,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.ids = ids  # shared with the session: a routed queue changes it in place (rows_changed)
        self.title_of = title_of  # read lazily: only the rows on screen ever load their document
        self.pending_of = pending_of
        self.others_of = others_of
        self.answers = answers
        self.current = 0
        self.highlighted = 0

    def on_mount(self) -> None:
        self.virtual_size = Size(30, len(self.ids))

    def set_answer(self, doc_id: str, answer: str | None) -> None:
        self.answers[doc_id] = answer
        self.refresh()

    def rows_changed(self, current: int) -> None:
        """The list itself changed (documents left a routed queue): size, current row, redraw."""
        self.virtual_size = Size(30, len(self.ids))
        self.current = current
        self.highlighted = min(self.highlighted, max(0, len(self.ids) - 1))
        self.refresh()

    def refresh_row(self, index: int) -> None:
        """Redraw one row (its pending count changed)."""
        self.refresh_line(index - int(self.scroll_offset.y))

    def shown_ids(self) -> list[str]:
        """The documents of the rows on screen."""
        top = int(self.scroll_offset.y)
        return self.ids[top : top + self.scrollable_content_region.height]

    def refresh_docs(self, doc_ids: set[str]) -> None:
        """Redraw the rows on screen that show these documents (the others answered them): nothing
        when they are scrolled out of view."""
        top = int(self.scroll_offset.y)
        for y, doc_id in enumerate(self.ids[top : top + self.scrollable_content_region.height]):
            if doc_id in doc_ids:
                self.refresh_line(y)

    def set_current(self, index: int) -> None:
        self.current = self.highlighted = index
        self.scroll_to_region(Region(0, index, 1, 1), animate=False, immediate=True)
        self.refresh()

    def action_highlight(self, delta: int) -> None:
        self.highlighted = max(0, min(len(self.ids) - 1, self.highlighted + delta))
        self.scroll_to_region(Region(0, self.highlighted, 1, 1), animate=False, immediate=True)
        self.refresh()

    def action_choose(self) -> None:
        self.post_message(DocumentChosen(self.highlighted))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if 0 <= index < len(self.ids):
            self.highlighted = index
            self.post_message(DocumentChosen(index))

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self.ids):
            return Strip.blank(width, base)
        doc_id = self.ids[index]
        answer = self.answers.get(doc_id)
        mark_style = self.get_component_rich_style(f"doclist--{answer}") if answer else Style(dim=True)
        row = base
        if index == self.current:
            row += self.get_component_rich_style("doclist--current")
        if index == self.highlighted and self.has_focus:
            row += self.get_component_rich_style("doclist--highlight")
        pending = self.pending_of(doc_id)
        badge = f" {pending}" if pending else ""
        title = snippet(self.title_of(doc_id) or doc_id, max(1, width - 2 - len(badge)))
        others = self.others_of(doc_id)
        segments = [
            Segment(ANSWER_MARKS.get(answer, "?"), row + mark_style),
            Segment(
                others_mark(others), row + (self.get_component_rich_style("doclist--others") if others else mark_style)
            ),
            Segment(title, row),
        ]
        strip = Strip(segments).crop_extend(0, width - len(badge), row)
        if badge:
            strip = Strip.join(
                [strip, Strip([Segment(badge, row + self.get_component_rich_style("doclist--pending"))])]
            )
        return strip
