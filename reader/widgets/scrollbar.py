"""A vertical scroll bar drawn straight to strips.

Textual's ScrollBar renders a Rich renderable through the console and styles every row on its own:
a few milliseconds a frame, paid on every page key of the article. The bar has at most five
distinct rows (the track above the thumb, the thumb, its two partial ends, the track below), so
this one asks Textual's own ScrollBarRender for the rows, makes one Strip per distinct row and
repeats it: the same look, the same mouse actions (they ride on the rows' style meta), a fraction
of the time. Anything it does not handle (a horizontal bar, opacity, tint, a scroll bar colour
left transparent) is drawn by Textual's path.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip


class StripScrollBar(ScrollBar):
    """Textual's vertical scroll bar, drawn one Strip per distinct row."""

    def render_lines(self, crop: Region) -> list[Strip]:
        bar = self.render()
        styles = self.styles
        plain = styles.opacity == 1 and not styles.tint.a and styles.text_opacity == 1
        if not (self.vertical and plain and isinstance(bar, ScrollBarRender) and bar.window_size):
            return super().render_lines(crop)
        width, height = self.size
        style = self.app.console.get_style(bar.style)
        if style.bgcolor is None or style.color is None:
            return super().render_lines(crop)
        rows = ScrollBarRender.render_bar(
            size=height,
            virtual_size=bar.virtual_size,
            window_size=bar.window_size,
            position=bar.position,
            thickness=width,
            vertical=True,
            back_color=style.bgcolor,
            bar_color=style.color,
        ).segments
        _, background = self.background_colors
        base = self.visual_style.rich_style  # under each row's style, as Textual renders it
        filters = self.get_line_filters()
        strips: dict[object, Strip] = {}
        lines: list[Strip] = []
        for y in crop.line_range:
            segment = rows[y] if y < len(rows) else None
            strip = strips.get(segment)
            if strip is None:
                if segment is None:
                    strip = Strip.blank(width, base)
                else:
                    strip = Strip([Segment(segment.text, base + segment.style)], width)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
                strips[segment] = strip
            lines.append(strip)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            lines = [strip.crop(x1, x2) for strip in lines]
        return lines
