"""`reader cat`: golden output for the samples, the JSON form, and its errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader.cli import main

ROOT = Path(__file__).parents[3]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
GOLDEN = ROOT / "tests" / "data" / "golden"
WIDTHS = (40, 80)
# Set READER_UPDATE_GOLDEN=1 to rewrite the golden files after a reviewed change of the layout.
UPDATE = os.environ.get("READER_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_cat_matches_golden(sample: Path, width: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cat", str(sample), "--width", str(width)]) == 0
    out = capsys.readouterr().out
    golden = GOLDEN / f"{sample.stem}.w{width}.txt"
    if UPDATE:
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_json_lines_cover_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    sample = SAMPLES[0]
    text = sample.read_text(encoding="utf-8")
    assert main(["cat", str(sample), "--json", "--width", "50"]) == 0
    lines = [json.loads(raw) for raw in capsys.readouterr().out.splitlines()]
    shown = sorted(o for line in lines for cell in line["cells"] for o in cell)
    assert shown == [i for i, ch in enumerate(text) if ch != "\n"]
    for line in lines:
        assert set(line) == {"paragraph", "start", "end", "direction", "text", "cells"}
        assert len(line["cells"]) <= 50
        assert line["direction"] in ("rtl", "ltr")
        for cell in line["cells"]:
            assert all(line["start"] <= o < line["end"] for o in cell)
    # Paragraph numbers are the file's line numbers from 0.
    assert lines[-1]["paragraph"] == len(text.split("\n")) - 1


def test_a_cell_shows_the_characters_of_the_logical_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("قال John إن\n", encoding="utf-8")
    assert main(["cat", str(article), "--json", "--width", "20"]) == 0
    line = json.loads(capsys.readouterr().out.splitlines()[0])
    text = article.read_text(encoding="utf-8")
    visible = [text[cell[0]] for cell in line["cells"] if cell]
    assert "".join(visible) == "نإ John لاق"  # visual order, each cell mapped back to its logical character


def test_invalid_utf8_names_file_and_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("سلام".encode() + b"\xff\xfe")
    assert main(["cat", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "byte 8" in err and "UTF-8" in err


def test_missing_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cat", str(tmp_path / "nope.txt")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bad_width(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cat", str(SAMPLES[0]), "--width", "0"]) == 2
    assert "--width" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("width", "options"), [(80, []), (40, []), (13, ["--hide-marks"]), (60, ["--direction", "ltr"])]
)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_json_is_byte_identical_to_the_engine_before(
    sample: Path, width: int, options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    import frozen_layout

    assert main(["cat", str(sample), "--json", "--width", str(width), *options]) == 0
    ours = capsys.readouterr().out
    text = sample.read_text(encoding="utf-8")
    direction = options[1] if options[:1] == ["--direction"] else "auto"
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    expected = []
    for index, (start, end) in enumerate(frozen_layout.split_paragraphs(text)):
        layout = frozen_layout.ParagraphLayout(
            text[start:end], start, index, width, direction=direction, show_marks="--hide-marks" not in options
        )
        expected.extend(dumps(frozen_layout.line_record(line)) + "\n" for line in layout.lines)
    assert ours == "".join(expected)


def test_json_of_unusual_cells_is_byte_identical_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import frozen_layout

    text = "قال\tلا 中文 😀 ب" + "\u064e" * 300 + " «نعم» abc\n\nx\u200by\u202eعربي\n"
    article = tmp_path / "unusual.txt"
    article.write_text(text, encoding="utf-8")
    assert main(["cat", str(article), "--json", "--width", "30"]) == 0
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    expected = "".join(
        dumps(frozen_layout.line_record(line)) + "\n"
        for index, (start, end) in enumerate(frozen_layout.split_paragraphs(text))
        for line in frozen_layout.ParagraphLayout(text[start:end], start, index, 30).lines
    )
    assert capsys.readouterr().out == expected
