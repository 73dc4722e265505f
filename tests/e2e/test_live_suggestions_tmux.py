"""End-to-end: `reader suggest` runs beside an annotator's app in a real terminal. The app shows the
new suggestions on the open document within its follow interval, without being restarted, and `a`
asks about them instead of accepting the document over them (the tester's reproduction; `a` pressed
before the app's next look is covered in tests/app/test_live_suggestions.py)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from test_tmux import ROOT, TMUX, Tmux, export_native, forbidden_characters, reader_argv  # the tmux harness

from annotations.store import Store

ARTICLES = [ROOT / "samples" / "001_blinken_cairo.txt", ROOT / "samples" / "002_jordan_interest_rates.txt"]
GAZETTEER = ROOT / "samples" / "gazetteer.toml"
QUESTION = "still pending in this document"

pytestmark = pytest.mark.skipif(TMUX is None, reason="needs the tmux binary (apt-get install tmux); CI installs it")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        reader_argv(*args), cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False
    )


def position(screen: str) -> tuple[int, int] | None:
    """(document number, pending count) from the status line: " 1/2  42 pending "."""
    found = re.findall(r"\b(\d+)/2\s+(\d+) pending\b", screen)
    return (int(found[-1][0]), int(found[-1][1])) if found else None


def test_suggest_beside_the_app_is_seen_and_accept_asks(tmp_path: Path) -> None:
    tmux = Tmux()
    try:
        follow_suggest_and_accept(tmux, tmp_path / "s.json")
    finally:
        tmux.kill()


def follow_suggest_and_accept(tmux: Tmux, store: Path) -> None:
    done = run("import", *map(str, ARTICLES), "--store", str(store))
    assert done.returncode == 0, done.stderr
    tmux.start(reader_argv("--store", str(store), "--annotator", "ali"), cwd=ROOT)
    tmux.wait_for("the app on the first document", lambda s: position(s) == (1, 0) and "annotator: ali" in s)

    done = run("suggest", "--store", str(store), "--gazetteer", str(GAZETTEER), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert re.search(r"added [1-9]\d* suggestions to 2 documents", done.stdout + done.stderr)
    with Store.open(store, readonly=True) as ro:
        first, second = ro.document_ids()
        expected = (len(ro.suggestions(first)), len(ro.suggestions(second)))
    assert expected[0] > 0 and expected[1] > 0
    # no key pressed: the app shows them on the open document at its next look (every second)
    tmux.wait_for("the new suggestions counted", lambda s: position(s) == (1, expected[0]))
    tmux.send("j")
    tmux.wait_for("the second document's count", lambda s: position(s) == (2, expected[1]))
    tmux.send("k")
    tmux.wait_for("the first document's count again", lambda s: position(s) == (1, expected[0]))

    tmux.send("a")
    tmux.wait_for("the pending question", lambda s: QUESTION in s and f"{expected[0]} suggestions" in s)
    tmux.send("Escape")
    screen = tmux.wait_for("the document, not answered", lambda s: "not answered" in s)
    assert position(screen) == (1, expected[0])
    assert not [r for r in export_native(store, "ali") if r.get("answer") == "accept"]  # nothing accepted

    tmux.send("a")
    tmux.wait_for("the pending question again", lambda s: QUESTION in s)
    tmux.send("a")  # accept them all, then the document
    screen = tmux.wait_for("the document accepted", lambda s: "accepted doc 1/2" in s)
    assert f"accepted {expected[0]} suggestion(s)" in screen
    tmux.send("C-q")
    assert tmux.wait_for_exit() == 0
    assert not forbidden_characters(tmux.capture())
    (record,) = [r for r in export_native(store, "ali") if r.get("answer") == "accept"]
    spans = record["spans"]
    assert isinstance(spans, list) and len(spans) == expected[0]
    assert not [s for s in spans if s.get("pending")]  # every suggestion decided, none passed over
