"""The page's fonts: found on this machine, declared in the order the browser needs, covering the
presentation forms and the Allah ligature (CI installs fonts-dejavu-core and fonts-kacst-one)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.serve.fonts import (
    ARABIC_RANGES,
    FAMILY,
    REQUIRED,
    Face,
    find_faces,
    font_face_css,
    missing_characters,
    parse_charset,
)


def test_the_faces_found_draw_every_required_arabic_form() -> None:
    if shutil.which("fc-list") is None:
        pytest.fail("fontconfig (fc-list) is not installed; .ci/run installs it with the fonts")
    faces = find_faces()
    assert faces[0].key == "latin.ttf" and faces[0].unicode_range is None  # textual-serve's Roboto Mono
    arabic = [f for f in faces if f.unicode_range == ARABIC_RANGES]
    assert arabic, "no Arabic font found: install fonts-dejavu-core and fonts-kacst-one"
    assert "DejaVuSansMono" in arabic[0].path.name  # the monospace one is tried first
    assert missing_characters(faces) == ""
    assert "\ufdf2" in REQUIRED and "\ufefb" in REQUIRED


def test_faces_are_declared_least_preferred_first_under_the_family_xterm_asks_for() -> None:
    faces = [
        Face("latin.ttf", Path("/f/latin.ttf"), None, "truetype"),
        Face("arabic-0.ttf", Path("/f/mono.ttf"), ARABIC_RANGES, "truetype"),
        Face("arabic-1.otf", Path("/f/wide.otf"), ARABIC_RANGES, "opentype"),
    ]
    css = font_face_css(faces, url_prefix="../fonts/")
    assert css.count(f'font-family: "{FAMILY}"') == 3
    order = [css.index(f"../fonts/{k}") for k in ("arabic-1.otf", "arabic-0.ttf", "latin.ttf")]
    assert order == sorted(order)  # the browser tries the last declared face first
    assert 'format("opentype")' in css and "unicode-range: U+0600-06FF" in css
    assert "/f/" not in css  # file system paths never reach the page


def test_an_own_font_is_tried_before_the_system_ones(tmp_path: Path) -> None:
    own = tmp_path / "Mine.otf"
    own.write_bytes(b"OTTO")
    faces = find_faces([own])
    keys = [f.key for f in faces]
    assert keys[:2] == ["latin.ttf", "own-0.otf"]


@given(st.lists(st.tuples(st.integers(0, 0x10FFFF), st.integers(0, 50)), max_size=20))
def test_parse_charset(ranges: list[tuple[int, int]]) -> None:
    expected: set[int] = set()
    parts = []
    for start, length in ranges:
        end = min(start + length, 0x10FFFF)
        expected.update(range(start, end + 1))
        parts.append(f"{start:x}" if start == end else f"{start:x}-{end:x}")
    assert parse_charset(" ".join(parts)) == expected
