"""The app's two themes (``--theme dark`` for dark terminals, the default, and ``--theme light``) and how
a label's colour from the schema becomes readable styles in each.

The theme's own colours are Textual theme variables that app.tcss uses (``$reader-selection`` ...).
Label colours come from the label schema; how they are drawn follows one rule per state, checked
for WCAG AA contrast (4.5:1) by tests/app/test_contrast.py for every label, group and state:

* accepted entities and boilerplate: the label colour as a background, black or white text on it
  (whichever reads better: one of them always reaches 4.58:1);
* accepted quotations: a band of the label colour mixed into the article background, text in the
  label colour made readable on it;
* pending suggestions: no background, text in the label colour made readable on the article
  background (moved towards white on a dark theme, black on a light one, only as far as needed),
  italic — so a pending span never looks accepted;
* the selection and search hits set both text and background, so whatever they cover stays readable.

On a terminal without true colour (most TERM=xterm-256color setups) colours are chosen after mapping
to the 256-colour palette, so the contrast holds for what is really drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.console import Console
from textual.theme import Theme

from annotations.labels import LabelDef, LabelSchema
from reader.colours import AA, Quantize, mix, readable_on, text_on

DARK = Theme(
    name="reader-dark",
    primary="#0178D4",
    secondary="#004578",
    accent="#ffa62b",
    warning="#ffa62b",
    error="#ba3c5b",
    success="#4EBF71",
    foreground="#e0e0e0",
    background="#121212",
    surface="#1e1e1e",
    dark=True,
    variables={
        "reader-selection": "#00466e",
        "reader-selection-text": "#ffffff",
        "reader-search": "#f0c040",
        "reader-search-text": "#000000",
        "reader-placeholder": "#ff7b7b",
        "reader-accept": "#3fb950",
        "reader-reject": "#ff7b72",
        "reader-skip": "#a0a8b0",
        "reader-flag": "#e3b341",
        "reader-pending": "#f0c040",
    },
)

LIGHT = Theme(
    name="reader-light",
    primary="#004578",
    secondary="#0178D4",
    accent="#ffa62b",
    warning="#ffa62b",
    error="#ba3c5b",
    success="#4EBF71",
    foreground="#1a1a1a",
    background="#f4f4f4",
    surface="#ffffff",
    panel="#e4e4e4",
    dark=False,
    variables={
        "reader-selection": "#b6d7ff",
        "reader-selection-text": "#000000",
        "reader-search": "#ffd75f",
        "reader-search-text": "#000000",
        "reader-placeholder": "#b00020",
        "reader-accept": "#116329",
        "reader-reject": "#a40e26",
        "reader-skip": "#57606a",
        "reader-flag": "#7d4e00",
        "reader-pending": "#8a4600",
        "footer-key-foreground": "#0178D4",
    },
)

THEMES: dict[str, Theme] = {"dark": DARK, "light": LIGHT}


def colour_system(console: Console) -> ColorSystem | None:
    """The colours the terminal gets (Rich's detection: true colour, 256 or 16)."""
    return {
        "standard": ColorSystem.STANDARD,
        "256": ColorSystem.EIGHT_BIT,
        "truecolor": ColorSystem.TRUECOLOR,
        "windows": ColorSystem.WINDOWS,
    }.get(console.color_system or "")


def quantizer(color_system: ColorSystem | None) -> Quantize:
    """What the terminal will show for a colour: itself with true colour; on a 256-colour terminal the
    nearest palette colour Rich sends (those 240 colours are the same on every terminal). The 16
    basic colours are the terminal's own choice, so nothing can be computed for them."""
    if color_system != ColorSystem.EIGHT_BIT:
        return lambda colour: colour

    def quantize(colour: str) -> str:
        # Settle on a colour that maps to itself: Rich sends the palette index nearest to what it is
        # given, and a palette colour is not always nearest to itself (a cube grey vs the grey ramp).
        seen = {colour}
        while True:
            nearest = RichColor.parse(colour).downgrade(ColorSystem.EIGHT_BIT).get_truecolor().hex
            if nearest in seen:
                return nearest
            seen.add(nearest)
            colour = nearest

    return quantize


@dataclass(frozen=True, slots=True)
class Ink:
    """Text colour and (optional) background of one label in one state."""

    color: str
    bgcolor: str | None = None


def label_ink(label: LabelDef, pending: bool, background: str, quantize: Quantize) -> Ink:
    """How a label is coloured in a state on a theme whose article background is ``background``."""
    colour = label.color
    if pending:
        return Ink(readable_on(colour, background, AA, quantize))
    if label.group == "quote":
        band = quantize(mix(colour, background, 0.7))
        return Ink(readable_on(colour, band, AA, quantize), band)
    fill = quantize(colour)
    return Ink(text_on(fill, quantize), fill)


def chip_ink(label: LabelDef, quantize: Quantize) -> Ink:
    """The label's key in the legend and the help screen: its colour as a chip."""
    fill = quantize(label.color)
    return Ink(text_on(fill, quantize), fill)


def schema_inks(schema: LabelSchema, background: str, quantize: Quantize) -> dict[tuple[str, bool], Ink]:
    return {
        (label.name, pending): label_ink(label, pending, background, quantize)
        for label in schema.labels
        for pending in (False, True)
    }
