"""Every label group and state is readable (WCAG AA, 4.5:1) and distinguishable, on both themes, in true
colour and on a 256-colour terminal. The contrast is computed from what the app really draws: the
article's style from the stylesheet, the span styles derived from the label schema, and the overlays
(selection, search hit, cursor) from the stylesheet, combined as the article view combines them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import ColorSystem
from rich.style import Style

from annotations.labels import LabelSchema
from annotations.store import Store
from reader.app import ReaderApp
from reader.colours import AA, contrast
from reader.commands.app import open_paths
from reader.options import ViewOptions
from reader.session import Session
from reader.theme import chip_ink, quantizer
from reader.widgets.article import ArticleView, span_styles

ROOT = Path(__file__).parents[2]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
SCHEMA = LabelSchema.default()


def hex_of(colour: object) -> str:
    return colour.get_truecolor().hex  # type: ignore[attr-defined, no-any-return]


def drawn_colours(base: Style, *layers: Style) -> tuple[str, str]:
    """Text and background colour of a cell drawn with these layers over the article's style, as a
    terminal shows it (reverse swaps them)."""
    style = base
    for layer in layers:
        style = style + layer
    assert style.color is not None and style.bgcolor is not None
    fg, bg = hex_of(style.color), hex_of(style.bgcolor)
    return (bg, fg) if style.reverse else (fg, bg)


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("colours", ["truecolor", "256"])
async def test_every_label_state_reads_at_aa(tmp_path: Path, theme: str, colours: str) -> None:
    store = Store.open(tmp_path / "s.json")
    try:
        ids = open_paths(store, [str(SEED)], "c", SCHEMA)
        app = ReaderApp(Session(store, "c", SCHEMA, ids=ids), ViewOptions(theme=theme))  # type: ignore[arg-type]
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            view = app.screen.query_one(ArticleView)
            quantize = quantizer(ColorSystem.EIGHT_BIT if colours == "256" else ColorSystem.TRUECOLOR)

            def q(style: Style) -> Style:
                return Style(
                    color=quantize(hex_of(style.color)) if style.color else None,
                    bgcolor=quantize(hex_of(style.bgcolor)) if style.bgcolor else None,
                ) + Style(bold=style.bold, italic=style.italic, underline=style.underline, reverse=style.reverse)

            base = q(view.rich_style)
            assert base.bgcolor is not None
            styles = span_styles(
                SCHEMA,
                lambda name: view.get_component_rich_style(name, partial=True),
                hex_of(base.bgcolor),
                quantize,
            )
            overlays = {
                "plain": Style(),
                "selected": q(view.get_component_rich_style("article--selection", partial=True)),
                "search hit": q(view.get_component_rich_style("article--search", partial=True)),
                "cursor": view.get_component_rich_style("article--cursor", partial=True),
            }
            failures = []
            fg, bg = drawn_colours(base)
            assert contrast(fg, bg) >= AA, ("article text", fg, bg)
            for label in SCHEMA.labels:
                for pending in (False, True):
                    for overlay_name, overlay in overlays.items():
                        fg, bg = drawn_colours(base, styles[label.name, pending], overlay)
                        ratio = contrast(fg, bg)
                        if ratio < AA:
                            state = "pending" if pending else "accepted"
                            failures.append(f"{label.name} {state} {overlay_name}: {fg} on {bg} = {ratio:.2f}")
                chip = chip_ink(label, quantize)
                assert chip.bgcolor is not None and contrast(chip.color, chip.bgcolor) >= AA
            assert not failures, "\n".join(failures)

            # Distinguishable: an accepted span is filled, a pending one is italic on no fill; a pending
            # quotation differs from an accepted one by more than italic against bold.
            for label in SCHEMA.labels:
                accepted, pending_style = styles[label.name, False], styles[label.name, True]
                assert accepted.bgcolor is not None and not accepted.italic, label.name
                assert pending_style.bgcolor is None and pending_style.italic, label.name
            assert styles["QUOTE", False].underline and styles["QUOTE", True].underline
    finally:
        store.close()
