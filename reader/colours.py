"""Colour arithmetic for readable text: WCAG 2.x relative luminance and contrast ratio, and the two
ways the app turns a label's colour into something readable on a given background. Pure; colours are
"#rrggbb" strings.

A ``quantize`` function may be given: it maps a colour to what the terminal will really show (the
nearest of the 256 xterm colours when the terminal has no true colour), so a choice is checked on
the colour that will be drawn, not on the one asked for.
"""

from __future__ import annotations

from collections.abc import Callable

# WCAG 2.x AA for normal text.
AA = 4.5

Quantize = Callable[[str], str]


def _identity(colour: str) -> str:
    return colour


def rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    if len(c) != 6:
        raise ValueError(f"expected #rrggbb, got {colour!r}")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def hex_colour(r: float, g: float, b: float) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(v))) for v in (r, g, b)))


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance (sRGB, linearised), 0 for black to 1 for white."""

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio, 1 (same luminance) to 21 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def mix(a: str, b: str, share_of_b: float) -> str:
    """a blended towards b by share_of_b (0: a, 1: b), in sRGB."""
    (r1, g1, b1), (r2, g2, b2) = rgb(a), rgb(b)
    t = share_of_b
    return hex_colour(r1 + (r2 - r1) * t, g1 + (g2 - g1) * t, b1 + (b2 - b1) * t)


def text_on(background: str, quantize: Quantize = _identity) -> str:
    """Black or white, whichever reads better on background. One of them always reaches 4.58:1."""
    bg = quantize(background)
    white, black = quantize("#ffffff"), quantize("#000000")
    return white if contrast(white, bg) >= contrast(black, bg) else black


def readable_on(colour: str, background: str, minimum: float = AA, quantize: Quantize = _identity) -> str:
    """colour itself if it reads on background at ``minimum``, else colour moved towards white (on
    a dark background) or black (on a light one), as little as needed: the hue stays recognisable."""
    bg = quantize(background)
    first = quantize(colour)
    if contrast(first, bg) >= minimum:
        return first
    pole = "#ffffff" if relative_luminance(bg) < 0.18 else "#000000"
    for step in range(1, 41):
        candidate = quantize(mix(colour, pole, step / 40))
        if contrast(candidate, bg) >= minimum:
            return candidate
    return quantize(pole)
