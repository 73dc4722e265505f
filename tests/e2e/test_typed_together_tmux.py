"""End-to-end: keys arriving together (one `tmux send-keys`, as a fast typist's keys arrive over SSH)
take effect in the order typed — the second key of a two-key command answers the first, and a label
key after a movement labels where the cursor moved to. The assertions read the exported store."""

from __future__ import annotations

from pathlib import Path

from test_tmux import (  # the tmux harness of the app's end-to-end tests (same directory)
    ROOT,
    SEED,
    Tmux,
    export_native,
    reader_argv,
    tmux,  # noqa: F401  (the fixture)
)

from annotations.labels import LabelSchema
from annotations.model import Span
from annotations.store import Store
from reader.commands.app import open_paths

ANNOTATOR = "e2e"


def test_two_key_commands_and_moves_sent_together(tmux: Tmux, tmp_path: Path) -> None:  # noqa: F811
    text = SEED.read_text(encoding="utf-8")
    store_path = tmp_path / "s.json"
    with Store.open(store_path) as store:
        (doc_id,) = open_paths(store, [str(SEED)], ANNOTATOR, LabelSchema.default())
        for word in ("غزة", "رفح"):
            at = text.index(word)
            store.add_span(doc_id, ANNOTATOR, Span(at, at + len(word), "LOCATION", "suggested", pending=True, rule="t"))

    tmux.start(reader_argv("--store", str(store_path), "--annotator", ANNOTATOR), cwd=ROOT)
    tmux.wait_for("the article", lambda s: "offset 0" in s and "2 pending" in s)
    tmux.send("p")
    tmux.wait_for("PERSON on the first word", lambda s: "labelled PERSON" in s)

    tmux.tmux("send-keys", "-t", tmux.target, "-l", "to")  # relabel, ORGANIZATION: both in one write
    screen = tmux.wait_for("the relabel", lambda s: "relabelled PERSON -> ORGANIZATION" in s)
    assert "press a label key" not in screen

    tmux.tmux("send-keys", "-t", tmux.target, "-l", "Cl")  # accept every LOCATION suggestion
    tmux.wait_for("both suggestions accepted", lambda s: "accepted 2 LOCATION suggestion(s)" in s)

    tmux.send("C-Left", "p")  # one word on (right to left), then PERSON there: one send-keys
    screen = tmux.wait_for("PERSON on the second word", lambda s: "labelled PERSON" in s)

    tmux.send("C-q")
    assert tmux.wait_for_exit() == 0
    (record,) = export_native(store_path, ANNOTATOR)
    spans = record["spans"]
    assert isinstance(spans, list)
    got = sorted((text[s["start"] : s["end"]], s["label"]) for s in spans)
    assert got == sorted([("شدّد", "ORGANIZATION"), ("وزير", "PERSON"), ("غزة", "LOCATION"), ("رفح", "LOCATION")])
