"""End-to-end, as a team works today: two annotators label copies of a store in two real terminals,
the copies are merged, and agreement is read in a terminal (hostile ids shown, never obeyed)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

from test_tmux import (  # the tmux harness of the app's end-to-end tests (same directory)
    ROOT,
    Tmux,
    forbidden_characters,
    reader_argv,
)

from annotations.model import Document
from annotations.store import Store


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        reader_argv(*args), cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False
    )


def label_first_word_and_accept(term: Tmux, store: Path, annotator: str, key: str, label: str) -> None:
    term.start(reader_argv("--store", str(store), "--annotator", annotator), cwd=ROOT)
    term.wait_for("the article", lambda s: "offset 0" in s and f"annotator: {annotator}" in s)
    term.send(key)  # labels the word under the cursor
    term.wait_for(f"{label} on screen", lambda s: label in s)
    term.send("a")  # accept the document
    term.wait_for("the document marked accepted", lambda s: "✓" in s)
    term.send("C-q")
    assert term.wait_for_exit() == 0


def test_two_annotators_on_copies_merge_and_read_agreement(tmp_path: Path) -> None:
    master = tmp_path / "team.json"
    hostile = "evil\x1b]0;pwned\x07\u202eid"
    with Store.open(master) as s:
        s.add_documents([Document(hostile, "نص قصير عن القاهرة")])
    copies = {}
    for name in ("sara", "omar"):
        (tmp_path / name).mkdir()
        for f in tmp_path.glob("team.json*"):
            shutil.copy(f, tmp_path / name / f.name)
        copies[name] = tmp_path / name / "team.json"

    terms = {name: Tmux() for name in copies}
    try:
        # two terminals at once, each annotator on their own copy
        label_first_word_and_accept(terms["sara"], copies["sara"], "sara", "p", "PERSON")
        label_first_word_and_accept(terms["omar"], copies["omar"], "omar", "o", "ORGANIZATION")
    finally:
        for t in terms.values():
            t.kill()

    done = run("merge", str(copies["sara"]), str(copies["omar"]), "--into", str(master))
    assert done.returncode == 0, done.stderr
    assert "records: 2 added" in done.stdout

    term = Tmux()
    try:
        term.start(reader_argv("agreement", "--store", str(master)), cwd=ROOT)
        assert term.wait_for_exit() == 0
        screen = term.capture()
        assert "omar – sara" in screen
        assert "ORGANIZATION  PERSON" in screen  # they gave the same word different labels
        assert not forbidden_characters(screen), forbidden_characters(screen)
    finally:
        term.kill()

    # CSV on a terminal is for reading: the hostile id is shown, not obeyed; into a pipe it is exact data
    term = Tmux()
    try:
        csv_argv = reader_argv("agreement", "--store", str(master), "--by", "document", "--format", "csv")
        term.start(["sh", "-c", "sleep 0.5; exec " + shlex.join(csv_argv)], cwd=ROOT)
        title = term.display("#{pane_title}")
        assert term.wait_for_exit() == 0
        screen = term.capture()
        assert "evil␛]0;pwned␇" in screen
        assert not forbidden_characters(screen), forbidden_characters(screen)
        assert "pwned" not in term.display("#{pane_title}") and term.display("#{pane_title}") == title
    finally:
        term.kill()
    piped = run("agreement", "--store", str(master), "--by", "document", "--format", "csv")
    assert hostile in piped.stdout
