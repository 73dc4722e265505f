"""The samples' paragraphs, unwrapped, against GNU FriBidi's CLI (a C reference for shaping and order).

FriBidi keeps string length when it forms a lam-alef ligature by writing U+FEFF in the freed
position, and leaves an isolated hamza unshaped (U+0621 instead of its presentation form U+FE80);
both are normalised away before comparing glyphs and order. FriBidi also forms no lam-alef ligature
when a mark stands between lam and alef (لَا); fonts and we do, so such paragraphs are compared on
letters and order only (compatibility-normalised), and tests/unit/text/test_shaping.py checks the
ligature itself.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from reader.text import ParagraphLayout

SAMPLES = sorted((Path(__file__).parents[3] / "samples").glob("*.txt"))
FRIBIDI = shutil.which("fribidi")
LAM_MARK_ALEF = re.compile("\u0644[\u064b-\u065f\u0670]+[\u0622\u0623\u0625\u0627]")


def letters_in_visual_order(line: str) -> str:
    """Base letters left to right, marks dropped; a lam-alef ligature shows alef left of lam."""
    expanded = "".join(unicodedata.normalize("NFKC", ch)[::-1] if 0xFEF5 <= ord(ch) <= 0xFEFC else ch for ch in line)
    return "".join(ch for ch in unicodedata.normalize("NFKC", expanded) if unicodedata.category(ch) != "Mn")


def normalise(line: str) -> str:
    return line.replace("\ufeff", "").replace("\ufe80", "\u0621").strip(" ")


@pytest.mark.skipif(FRIBIDI is None, reason="the fribidi CLI (Debian package libfribidi-bin) is not installed")
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_sample_paragraphs_match_fribidi(sample: Path) -> None:
    paragraphs = [p for p in sample.read_text(encoding="utf-8").split("\n") if p.strip()]
    assert FRIBIDI is not None
    result = subprocess.run(
        [FRIBIDI, "--nobreak", "--nopad", "--reordernsm"],
        input="\n".join(paragraphs) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = result.stdout.split("\n")[: len(paragraphs)]
    for paragraph, reference in zip(paragraphs, theirs, strict=True):
        layout = ParagraphLayout(paragraph, 0, 0, 4 * len(paragraph) + 8)
        assert len(layout.lines) == 1
        ours, ref = normalise(layout.lines[0].text), normalise(reference)
        if LAM_MARK_ALEF.search(paragraph):
            ours, ref = letters_in_visual_order(ours), letters_in_visual_order(ref)
        assert ours == ref, paragraph


def test_samples_are_there() -> None:
    assert len(SAMPLES) >= 7


# Real strings with joiners: Persian plurals and verb prefixes (ZWNJ is how Persian writes them), an
# Arabic transliteration from the seed article, and letter forms written with ZWJ as in primers.
JOINER_STRINGS = [
    "بغوست‌سكربت",
    "می‌خواهم کتاب‌ها را بخوانم",
    "این‌ها خانه‌های ما هستند",
    "نمی‌دانم چه می‌گویی",
    "حرف ب در اول کلمه ب‍ و در وسط ‍ب‍ و در آخر ‍ب",
    "ل‍ا ل‌ا لا",
    "ا‍ب",
    "بَ‍ ‍َب",
    "‍بيت",
    "ه‌ای",
]


@pytest.mark.skipif(FRIBIDI is None, reason="the fribidi CLI (Debian package libfribidi-bin) is not installed")
@pytest.mark.parametrize("text", JOINER_STRINGS)
def test_zwnj_ends_joining_and_zwj_forces_it_as_in_fribidi(text: str) -> None:
    assert FRIBIDI is not None
    result = subprocess.run(
        [FRIBIDI, "--nobreak", "--nopad", "--reordernsm"], input=text + "\n", capture_output=True, text=True, check=True
    )
    reference = result.stdout.split("\n")[0]
    ours = ParagraphLayout(text, 0, 0, 4 * len(text) + 8).lines[0].text
    # We draw joiners in the cell of the letter before them and show nothing for them; one that opens
    # the paragraph sits on a dotted circle, as any mark with no letter before it does.
    ours = ours.replace("\u25cc\u200d", "").replace("\u25cc\u200c", "")
    assert normalise(ours) == normalise(reference.replace("\u200c", "").replace("\u200d", ""))


def test_zwnj_gives_final_and_initial_forms() -> None:
    # ت before the ZWNJ is final (U+FE96), س after it initial (U+FEB3); with ZWJ, medial both.
    line = ParagraphLayout("ست‌سك", 0, 0, 20).lines[0].text
    assert "\ufe96" in line and "\ufeb3" in line
    joined = ParagraphLayout("ست‍سك", 0, 0, 20).lines[0].text
    assert "\ufe98" in joined and "\ufeb4" in joined
