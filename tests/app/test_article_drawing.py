"""The article view draws each cell as the cell-by-cell definition says, whatever its segments.

The view draws a run of cells that look alike as one segment, and keeps the lines it drew for
when they come back into view. This checks every line of a screen full of overlays (nested and
pending spans, search hits, a selection, the cursor, control characters shown as placeholders,
wide glyphs) against each cell drawn on its own, before and after the overlays change.
"""

from __future__ import annotations

from pathlib import Path

from rich.style import Style
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from annotations.labels import LabelSchema
from annotations.model import Document, Span
from annotations.store import Store
from reader.app import ReaderApp
from reader.options import ViewOptions
from reader.session import Session
from reader.widgets.article import ArticleView
from reader.widgets.scrollbar import StripScrollBar

SCHEMA = LabelSchema.default()
TEXT = (
    "قال وزير الخارجية الأمريكي أنتوني بلينكن إن \u201cقطر شريك مهم\u201d في المفاوضات\n"
    "\n"
    "The 漢字 text\tbetween\u202e marks \u200c and a bell\x07 here, لإسرائيل و لحماس.\n"
    "اقرأ أيضا: عنوان خبر آخر\n"
) * 3


def by_cell(view: ArticleView, y: int) -> list[tuple[str, Style]]:
    """What one line of the screen shows, drawn cell by cell as the view defines it: the spans in
    drawing order, then search hits, the selection, a placeholder, the cursor over the base style;
    merged into runs of equal style so it can be compared with any segmentation."""
    line = view.layout_engine.line(int(view.scroll_offset.y) + y)
    base = view.rich_style
    width = view.scrollable_content_region.width
    if line is None:
        return merged([(" " * width, base)])
    style_of = view.get_component_rich_style
    cursor = view.cursor
    cells: list[tuple[str, Style]] = []
    if line.start == line.end and cursor == line.start:  # an empty line: the cursor at its start edge
        pad = width - 1 if line.direction == "rtl" else 0
        cells = [(" " * pad, base), (" ", base + style_of("article--cursor", partial=True))]
        count = pad + 1
    else:
        for x, glyph in enumerate(line.glyphs):
            start, end = line.cell_start[x], line.cell_end[x]
            if end == start and x in line.cell_owner:
                start, end = line.cell_owner[x]
            style = base
            if end > start:
                for span in view.spans:
                    if span.start < end and span.end > start:
                        style += view._span_styles[span.label, span.pending]
                for h0, h1 in view.hits:
                    if h0 < end and h1 > start:
                        style += style_of("article--search", partial=True)
                sel = view.selection
                if sel is not None and sel[0] < end and sel[1] > start:
                    style += style_of("article--selection", partial=True)
                if line.placeholder[x]:
                    style += style_of("article--placeholder", partial=True)
                if start <= cursor < end:
                    style += style_of("article--cursor", partial=True)
            cells.append((glyph, style))
        count = len(line.glyphs)
    cells.append((" " * (width - count), base))
    return merged(cells)


def merged(cells: list[tuple[str, Style]]) -> list[tuple[str, Style]]:
    out: list[tuple[str, Style]] = []
    for text, style in cells:
        if not text:
            continue
        if out and out[-1][1] == style:
            out[-1] = (out[-1][0] + text, style)
        else:
            out.append((text, style))
    return out


def on_screen(view: ArticleView) -> list[list[tuple[str, Style]]]:
    """The article's lines as Textual holds them for the screen: a line that was not redrawn after
    a change would show here as it was before."""
    left = view.styles.padding.left
    lines = view.render_lines(Region(0, 0, *view.region.size))
    content = [strip.crop(left, left + view.scrollable_content_region.width) for strip in lines]
    return [merged([(s.text, s.style or Style()) for s in strip]) for strip in content]


def check_screen(view: ArticleView, step: str = "") -> None:
    shown = on_screen(view)
    for y in range(view.scrollable_content_region.height):
        assert shown[y] == by_cell(view, y), f"{step}: line {y}"


async def test_every_cell_is_drawn_as_defined(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.json")
    try:
        store.add_documents([Document("d", TEXT)])
        app = ReaderApp(Session(store, "pilot", SCHEMA, ids=["d"]))
        async with app.run_test(size=(100, 30)) as pilot:
            view = app.screen.query_one(ArticleView)
            view.set_options(ViewOptions(show_marks=True))  # control characters drawn as placeholders
            await pilot.pause()
            text = view.text
            quote = text.index("\u201c")
            name = text.index("أنتوني")
            boiler = text.index("اقرأ")
            spans = [
                Span(quote, text.index("\u201d") + 1, "QUOTE"),
                Span(quote + 1, quote + 4, "LOCATION", origin="suggested", pending=True),
                Span(name, name + len("أنتوني بلينكن"), "PERSON"),
                Span(boiler, text.index("\n", boiler), "BOILERPLATE", origin="suggested", pending=True),
                Span(text.index("漢"), text.index("漢") + 2, "ORGANIZATION"),
            ]
            view.set_spans(spans)
            view.set_hits([(m, m + 3) for m in range(0, len(text) - 3) if text.startswith("إسر", m)])
            await pilot.pause()
            check_screen(view)
            view.select(name + 2, text.index("\t") + 3, cursor=text.index("\t") + 3)
            await pilot.pause()
            check_screen(view)
            # Changes of the selection, the cursor and the spans redraw what they touch.
            for key in ("shift+down", "shift+left", "left", "escape", "down", "end", "pagedown", "pageup"):
                await pilot.press(key)
                await pilot.pause()
                check_screen(view, key)
            view.set_spans(spans[1:3])
            view.set_hits([])
            await pilot.pause()
            check_screen(view)
            view.move_to(text.index("\n\n") + 1)  # the cursor on an empty line
            await pilot.pause()
            check_screen(view)
    finally:
        store.close()


def rows(strips: list[Strip]) -> list[list[tuple[str, Style | None]]]:
    return [[(s.text, s.style) for s in strip.simplify()] for strip in strips]


async def test_the_scroll_bar_is_drawn_as_textual_draws_it(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.json")
    try:
        store.add_documents([Document("d", TEXT * 40)])
        app = ReaderApp(Session(store, "pilot", SCHEMA, ids=["d"]))
        async with app.run_test(size=(100, 30)) as pilot:
            view = app.screen.query_one(ArticleView)
            bar = view.vertical_scrollbar
            assert isinstance(bar, StripScrollBar)
            seen = set()
            for key in ["pagedown"] * 6 + ["down"] * 3 + ["G", "pageup", "g"]:
                await pilot.press(key)
                await pilot.pause()
                region = Region(0, 0, *bar.size)
                fast = bar.render_lines(region)
                bar._styles_cache.clear()
                bar._render_content()
                assert rows(fast) == rows(ScrollBar.render_lines(bar, region)), key
                assert len({id(s) for s in fast}) <= 5  # drawn once per distinct row, not per row
                seen.add(tuple(s.text for s in fast))
                assert any("@mouse.down" in (seg.style.meta if seg.style else {}) for s in fast for seg in s)
            assert len(seen) > 5  # the thumb moved
    finally:
        store.close()
