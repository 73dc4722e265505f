"""Unicode's own bidi test cases (BidiCharacterTest.txt, Unicode 15) through the whole layout engine.

Each case is laid out at a width that does not wrap; the visual order of the base characters must
match Unicode's. Characters removed by rule X9 are not compared (Unicode lists no position for them;
we draw them as placeholders), nor are combining marks, which rule L3 moves onto their base. Every
case runs twice: with ICU resolving the paragraphs it may (if installed) and with python-bidi alone.
"""

from __future__ import annotations

import gzip
import unicodedata
from pathlib import Path

import pytest

from reader.text import ParagraphLayout

DATA = Path(__file__).parents[2] / "data" / "BidiCharacterTest-15.0.0.txt.gz"
X9_REMOVED = {"BN", "LRE", "RLE", "LRO", "RLO", "PDF"}
DIRECTIONS = {"0": "ltr", "1": "rtl", "2": "auto"}


def load_cases() -> list[tuple[int, str, str, int, list[int]]]:
    cases = []
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split(";")
            text = "".join(chr(int(cp, 16)) for cp in fields[0].split())
            order = [int(i) for i in fields[4].split()]
            cases.append((number, text, DIRECTIONS[fields[1]], int(fields[2]), order))
    return cases


CASES = load_cases()


def visual_bases(text: str, direction: str) -> tuple[list[int], int]:
    width = sum(4 if ch == "\t" else 2 for ch in text) + 8
    layout = ParagraphLayout(text, 0, 0, width, direction=direction)  # type: ignore[arg-type]
    assert len(layout.lines) == 1
    seen: list[int] = []
    for cell in layout.lines[0].cells:
        bases = [o for o in cell.offsets if unicodedata.bidirectional(text[o]) not in X9_REMOVED | {"NSM"}]
        # Only a lam-alef ligature shows two bases; it is always right-to-left.
        seen.extend(reversed(bases) if len(bases) > 1 else bases)
    return seen, layout.base_level


def test_the_whole_file_is_there() -> None:
    assert len(CASES) > 90_000


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(10))
def test_visual_order_matches_unicode(chunk: int, library: str) -> None:
    failures = []
    for number, text, direction, paragraph_level, order in CASES[chunk::10]:
        expected = [i for i in order if unicodedata.bidirectional(text[i]) != "NSM"]
        got, level = visual_bases(text, direction)
        if got != expected or level != paragraph_level:
            failures.append((number, " ".join(f"{ord(c):04X}" for c in text), expected, got, paragraph_level, level))
    assert not failures, f"{len(failures)} cases differ, first: {failures[:5]}"
