"""End-to-end, as a team works on one server: two annotators in two real terminals on ONE store at
the same time, under a routing policy set with `reader team`. Each one's document list is their
queue (a document the other claimed leaves it within 2 s), claims are respected, and each sees the
other's progress within 2 s."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from test_tmux import ROOT, Tmux, forbidden_characters, reader_argv

from annotations.model import Document
from annotations.store import Store

TITLES = ["الخبر الأول", "الخبر الثاني", "الخبر الثالث", "الخبر الرابع"]
LIVE = 2.0  # seconds: what an annotator may wait to see the other's work


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        reader_argv(*args), cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False
    )


def doclist(screen: str) -> str:
    """The document list's column of a capture (left of its border)."""
    return "\n".join(line.split("▕")[0] for line in screen.splitlines() if "▕" in line)


def listed(screen: str, title: str) -> bool:
    # titles are drawn shaped and in visual order: compare on a word of it as the list shows it
    from reader.widgets.safe import snippet

    return snippet(title, 40).strip() in doclist(screen)


def test_two_annotators_on_one_store_share_the_work_and_see_each_other(tmp_path: Path) -> None:
    store = tmp_path / "team.json"
    with Store.open(store) as s:
        s.add_documents([Document(f"d{i + 1}", f"{t}\nنص قصير عن القاهرة رقم {i + 1}") for i, t in enumerate(TITLES)])
    done = run("team", "--store", str(store), "--overlap", "1", "--agreement-share", "0")
    assert done.returncode == 0, done.stderr
    assert "overlap          1" in done.stdout

    sara, omar = Tmux(), Tmux()
    try:
        sara.start(reader_argv("--store", str(store), "--annotator", "sara"), cwd=ROOT)
        screen = sara.wait_for("sara's first document", lambda s: "annotator: sara" in s and "1/4" in s)
        assert listed(screen, TITLES[0]) and listed(screen, TITLES[1])

        omar.start(reader_argv("--store", str(store), "--annotator", "omar"), cwd=ROOT)
        # sara holds d1 (overlap 1): omar's queue starts at d2 and never shows d1
        screen = omar.wait_for("omar's first document", lambda s: "annotator: omar" in s and "d2" in s)
        assert not listed(screen, TITLES[0])
        assert "1/3" in screen
        # within 2 s omar's claim on d2 reaches sara: it leaves her list
        started = time.monotonic()
        sara.wait_for("d2 to leave sara's list", lambda s: not listed(s, TITLES[1]) and "1/3" in s, timeout=LIVE)
        assert time.monotonic() - started <= LIVE

        sara.send("p")  # label the word under the cursor
        sara.wait_for("PERSON", lambda s: "PERSON" in s)
        sara.send("a")  # accept: on to her next document, d3 (claimed as it opens)
        sara.wait_for("sara on d3", lambda s: " 2/3 " in s and "accepted doc 1/3" in s)
        started = time.monotonic()
        screen = omar.wait_for(
            "sara's progress on omar's screen",
            lambda s: "others: sara 1" in s and not listed(s, TITLES[2]),
            timeout=LIVE,
        )
        assert time.monotonic() - started <= LIVE
        assert not forbidden_characters(screen), forbidden_characters(screen)

        omar.send("r")  # omar rejects d2 and goes on: only d4 is left for him
        omar.wait_for("omar on d4", lambda s: " 2/2 " in s and "rejected doc 1/2" in s)
        started = time.monotonic()
        sara.wait_for("omar's progress on sara's screen", lambda s: "others: omar 1" in s, timeout=LIVE)
        assert time.monotonic() - started <= LIVE

        # the team screen: both annotators' progress
        sara.send("T")
        screen = sara.wait_for("the team screen", lambda s: "Progress" in s and "omar" in s and "sara" in s)
        assert "1/4" in screen
        sara.send("Escape")
        for term in (sara, omar):
            term.send("C-q")
            assert term.wait_for_exit() == 0
    finally:
        sara.kill()
        omar.kill()

    with Store.open(store, readonly=True) as s:
        claims = {d: s.claims(d) for d in s.document_ids()}
        assert claims == {"d1": ["sara"], "d2": ["omar"], "d3": ["sara"], "d4": ["omar"]}
        assert s.answered("sara") == {"d1": "accept"}
        assert s.answered("omar") == {"d2": "reject"}
