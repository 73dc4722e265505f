"""WCAG contrast arithmetic and the readable-colour rules (reader.colours)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.color import ColorSystem

from reader.colours import AA, contrast, readable_on, relative_luminance, text_on
from reader.theme import quantizer

colours = st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)).map(
    lambda c: "#{:02x}{:02x}{:02x}".format(*c)
)


def test_contrast_matches_wcag_reference_values() -> None:
    assert relative_luminance("#ffffff") == 1.0 and relative_luminance("#000000") == 0.0
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48  # the classic "just fails AA" grey
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54
    assert contrast("#1f6feb", "#1e1e1e") < AA  # why pending entities were hard to read


@given(colours)
def test_black_or_white_always_reads(background: str) -> None:
    assert contrast(text_on(background), background) >= AA


@given(colours, colours)
def test_readable_on_reaches_aa_on_dark_and_light_grounds(colour: str, ground: str) -> None:
    if 0.03 < relative_luminance(ground) < 0.5:
        return  # mid greys: not a background either theme uses
    assert contrast(readable_on(colour, ground), ground) >= AA


@given(colours)
def test_readable_on_a_256_colour_terminal(colour: str) -> None:
    quantize = quantizer(ColorSystem.EIGHT_BIT)
    for ground in ("#1e1e1e", "#ffffff"):
        chosen = readable_on(colour, ground, AA, quantize)
        assert quantize(chosen) == chosen
        assert contrast(chosen, quantize(ground)) >= AA
