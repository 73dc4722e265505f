"""A span, selection or search-hit boundary between lam and alef: the two letters are drawn in two
cells, so the boundary can be seen (a lam-alef ligature is one cell)."""

from __future__ import annotations

from reader.text import DocumentLayout, ParagraphLayout
from reader.text.document import splits_ligature

WORD = "لإسرائيل"  # "to Israel": the clitic لـ forms a ligature with the alef of إسرائيل


def cell_offsets(layout: ParagraphLayout | DocumentLayout, y: int = 0) -> list[list[int]]:
    line = layout.lines[y] if isinstance(layout, ParagraphLayout) else layout.line(y)
    assert line is not None
    return [list(line.offsets_at(x)) for x in range(line.width) if line.offsets_at(x)]


def test_lam_and_alef_are_one_cell_until_a_boundary_falls_between_them() -> None:
    assert [0, 1] in cell_offsets(ParagraphLayout(WORD, 0, 0, 40))
    split = ParagraphLayout(WORD, 0, 0, 40, unligated=[1])
    cells = cell_offsets(split)
    assert [0] in cells and [1] in cells
    line = split.lines[0]
    # Drawn joined: lam in its initial form, alef with hamza below in its final form.
    assert line.glyphs[line.x_of(0) or 0] == "\ufedf"
    assert line.glyphs[line.x_of(1) or 0] == "\ufe88"


def test_a_boundary_after_the_marks_of_lam_splits_too() -> None:
    text = "لَا"  # lam, fatha, alef
    assert splits_ligature(text, 1) and splits_ligature(text, 2)
    cells = cell_offsets(ParagraphLayout(text, 0, 0, 40, unligated=[2]))
    assert [0, 1] in cells and [2] in cells


def test_boundaries_elsewhere_change_nothing() -> None:
    assert not splits_ligature(WORD, 0) and not splits_ligature(WORD, 2) and not splits_ligature("ل\u200cا", 2)
    assert cell_offsets(ParagraphLayout(WORD, 0, 0, 40, unligated=[0, 2, 8])) == cell_offsets(
        ParagraphLayout(WORD, 0, 0, 40)
    )


def test_set_boundaries_lays_out_again_only_the_paragraph_it_touches() -> None:
    text = "\n".join(f"سطر {i} قال {WORD} اليوم" for i in range(50))
    layout = DocumentLayout(text, 40)
    for y in range(50):
        layout.line(y)
    before = dict(layout._cache)
    target = text.index(WORD, text.index("سطر 7 ")) + 1  # the alef in paragraph 7
    assert layout.set_boundaries([target, 0, 5]) is True
    assert layout.set_boundaries([target]) is False  # nothing new
    y, _ = layout.position_of(target)
    assert [target] in cell_offsets(layout, y) and [target - 1] in cell_offsets(layout, y)
    assert {b for b, lay in layout._cache.items() if before.get(b) is not lay} == {7}
    assert layout.set_boundaries([]) is True  # drawn as one cell again
    y, _ = layout.position_of(target)
    assert [target - 1, target] in cell_offsets(layout, y)


def test_a_terminal_that_shapes_gets_no_split() -> None:
    layout = DocumentLayout(WORD, 40, visual=False)
    assert layout.set_boundaries([1]) is False
