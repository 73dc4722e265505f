"""`reader agreement` and `reader team` print Arabic names readable on a terminal (shaped, in visual
order: the terminal does neither), and in logical order into a pipe or file, as JSON and CSV always."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from annotations.model import Document, Span
from annotations.store import Store
from reader.cli import main
from reader.text.snippet import screen_text

TEXT = "قال محمد إن حماس وافقت على الهدنة"
SARA, OMAR = "سارة", "عمر"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "team.json"
    with Store.open(path) as s:
        s.add_documents([Document("خبر-1", TEXT), Document("d2", TEXT)])
        for who, label in ((SARA, "PERSON"), (OMAR, "ORGANIZATION"), ("omar", "PERSON")):
            for doc in ("خبر-1", "d2"):
                s.add_span(doc, who, Span(4, 8, label))
                s.set_answer(doc, who, "accept")
    return path


def run(store: Path, args: list[str], capsys: pytest.CaptureFixture[str], tty: bool) -> str:
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys.stdout, "isatty", lambda: tty)
        assert main(["agreement", "--store", str(store), *args]) == 0
    return capsys.readouterr().out


def test_a_table_on_a_terminal_shows_names_shaped_and_aligned(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(store, ["--by", "annotator"], capsys, tty=True)
    assert screen_text(SARA) in out and screen_text(OMAR) in out
    assert SARA not in out and OMAR not in out
    rows = [line for line in out.splitlines() if line.split() and line.split()[0] in (screen_text(SARA), "omar")]
    # the figures of every row end in the same column (right-aligned numbers after a name column)
    assert len(rows) == 2 and len({cell_len(r) for r in rows}) == 1
    summary = run(store, [], capsys, tty=True)
    assert f"{screen_text(SARA)} – {screen_text(OMAR)}" in summary  # the pair, each name on its own
    documents = run(store, ["--by", "document"], capsys, tty=True)
    assert screen_text("خبر-1") in documents and f"{screen_text(SARA)} accept" in documents


def test_a_table_into_a_pipe_and_json_stay_logical(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(store, ["--by", "annotator"], capsys, tty=False)
    assert SARA in out and screen_text(SARA) not in out
    data = run(store, ["--by", "annotator", "--format", "json"], capsys, tty=True)
    assert f'"{SARA}"' in data and screen_text(SARA) not in data
