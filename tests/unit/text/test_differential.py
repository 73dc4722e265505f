"""The engine against a frozen copy of itself (frozen_layout.py): every cell of every line, on 244k
cases, must be drawn exactly as before the `reader cat` speed work.

Running the frozen copy on every case takes minutes, so what it draws is kept as one SHA-256 per
block of cases (tests/data/golden/differential.sha256, written by the frozen copy with
READER_UPDATE_GOLDEN=1). A block whose digest differs is run through the frozen copy case by case:
the test fails on the cases that are drawn differently and names them. (If none is, the digest was
stale, e.g. after an update of python-bidi or arabic-reshaper, and the block passes.)

The cases: every line of Unicode's BidiCharacterTest (each at one of a few widths); random mixes of
Arabic, Persian, Hebrew, Latin, digits, marks, brackets, joiners, bidi controls, C0/C1 controls and
wide characters (seeded, so the same cases every run); and every paragraph of the samples at many
widths, with marks shown and hidden, and in logical order for a terminal that does bidi itself.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import frozen_layout
import pytest

from reader.text import ParagraphLayout

ROOT = Path(__file__).parents[3]
BIDI_TEST = ROOT / "tests" / "data" / "BidiCharacterTest-15.0.0.txt.gz"
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
DIRECTIONS = {"0": "ltr", "1": "rtl", "2": "auto"}

ALPHABET = (
    list("ابتثجحخدذرسشصضطظعغفقكلمنهويىةءأإآؤئـ")
    + list("لالألإلآ")  # lam-alef pairs are frequent on purpose
    + list("پچژگیکۀ")
    + list("אבגדהוזחטיכלמנסעפצקרשת")
    + list("abcdefXYZ")
    + list("0123456789٠١٢٣۴۵")
    + list("\u064b\u064c\u064e\u064f\u0650\u0651\u0652\u0670\u0301\u0654\u0655")
    + list("()[]{}<>«»\"'“”‘’.,،؛:!?-+/%*=&")
    + [" "] * 8
    + ["\t", "\u00a0", "\u2009", "\u3000", "\u202f"]
    + ["\x1b", "\x07", "\x08", "\x9b", "\x7f", "\r", "\x0b", "\x1f", "\x85"]
    + ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"]
    + ["\u2066", "\u2067", "\u2068", "\u2069", "\u200d", "\u200c", "\u200b", "\u2029", "\u2028", "\u00ad", "\ufeff"]
    + ["\u2060", "\u2061", "\u034f", "\u0600", "\u06dd", "\u08e2", "\u0890", "\u08c9", "\u0378", "\ue000"]
    + ["中", "文", "😀", "👍🏽", "\U0001ed01", "\U00010ec0", "\U0001e900", "\u1100", "\u1161"]
)


def bidi_test_cases() -> Iterator[tuple[str, str, int, bool, bool]]:
    widths = (3, 7, 20, 200)
    with gzip.open(BIDI_TEST, "rt", encoding="utf-8") as fh:
        for number, raw in enumerate(fh):
            line = raw.split("#", 1)[0].strip()
            if line:
                fields = line.split(";")
                text = "".join(chr(int(cp, 16)) for cp in fields[0].split())
                yield text, DIRECTIONS[fields[1]], widths[number % 4], True, True


def random_cases(count: int, seed: int) -> Iterator[tuple[str, str, int, bool, bool]]:
    rng = random.Random(seed)
    for _ in range(count):
        text = "".join(rng.choices(ALPHABET, k=rng.randint(0, 120)))
        direction = rng.choice(("auto", "auto", "rtl", "ltr"))
        width = rng.choice((1, 2, 3, 5, 8, 13, 21, 40, 80, 200))
        yield text, direction, width, rng.random() > 0.1, rng.random() > 0.05


def sample_cases() -> Iterator[tuple[str, str, int, bool, bool]]:
    for sample in SAMPLES:
        for paragraph in sample.read_text(encoding="utf-8").split("\n"):
            for width in (*range(1, 31), 35, 40, 45, 50, 60, 70, 80, 100, 120, 160, 200):
                yield paragraph, "auto", width, width % 7 != 3, width % 11 != 5


def all_cases() -> list[tuple[str, str, int, bool, bool]]:
    return [*bidi_test_cases(), *random_cases(144_000, seed=20240611), *sample_cases()]


Case = tuple[str, str, int, bool, bool]
CASES = all_cases()
BLOCK = 2000  # cases per digest
GROUPS = 24  # test functions the blocks are spread over
DIGESTS = ROOT / "tests" / "data" / "golden" / "differential.sha256"
UPDATE = os.environ.get("READER_UPDATE_GOLDEN") == "1"


def drawn(layout: Any) -> list[tuple[object, ...]]:
    """Everything a line shows. A line's text is asked for first: the engine can work it out without
    the cells, and it must be the cells' glyphs joined."""
    texts = [line.text for line in layout.lines]
    for text, line in zip(texts, layout.lines, strict=True):
        if text != "".join(line.glyphs):
            return [("text differs from the glyphs", text, "".join(line.glyphs))]
    return [
        (
            line.paragraph,
            line.start,
            line.end,
            line.direction,
            tuple(line.glyphs),
            tuple(line.cell_start),
            tuple(line.cell_end),
            tuple(line.placeholder),
            tuple(sorted(line.cell_owner.items())),
        )
        for line in layout.lines
    ]


def layouts(engine: Any, case: Case) -> Any:
    text, direction, width, show_marks, visual = case
    return engine.ParagraphLayout(text, 0, 0, width, direction=direction, show_marks=show_marks, visual=visual)


def digest(engine: Any, cases: list[Case]) -> str:
    h = hashlib.sha256()
    for case in cases:
        h.update(repr(drawn(layouts(engine, case))).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def differences(cases: list[Case]) -> list[Case]:
    return [case for case in cases if drawn(layouts(current, case)) != drawn(layouts(frozen_layout, case))]


class _Current:
    ParagraphLayout = ParagraphLayout


current = _Current()


BLOCKS = [CASES[i : i + BLOCK] for i in range(0, len(CASES), BLOCK)]


def test_there_are_244k_cases() -> None:
    assert len(CASES) >= 244_000


def test_a_sample_of_the_cases_is_drawn_as_before() -> None:
    failed = differences(CASES[::487])
    assert not failed, f"{len(failed)} cases differ, first: {[ascii(c) for c in failed[:3]]}"


@pytest.mark.slow
@pytest.mark.parametrize("group", range(GROUPS))
def test_every_case_is_drawn_as_before(group: int) -> None:
    if UPDATE:
        if group == 0:
            DIGESTS.write_text("".join(digest(frozen_layout, block) + "\n" for block in BLOCKS), encoding="ascii")
        return
    expected = DIGESTS.read_text(encoding="ascii").split()
    failed: list[Case] = []
    for index in range(group, len(BLOCKS), GROUPS):
        block = BLOCKS[index]
        if index >= len(expected) or digest(current, block) != expected[index]:
            failed.extend(differences(block))
    assert not failed, f"{len(failed)} cases differ, first: {[ascii(c) for c in failed[:3]]}"
