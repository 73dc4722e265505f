"""Answers read back from Label Studio: an unanswered record stays unanswered."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.importing import parse_record
from annotations.model import Document, Span
from annotations.store import Store
from reader.cli import main

TEXT = "زار عمر القاهرة."


def test_label_studio_round_trip_keeps_an_unanswered_record_unanswered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.json"
    with Store.open(store) as s:
        s.add_documents([Document("b", TEXT)])
        s.add_span("b", "sara", Span(4, 7, "PERSON"))  # labelled, not answered yet
        s.add_span("b", "omar", Span(8, 15, "LOCATION"))
        s.set_answer("b", "omar", "reject")
    out = tmp_path / "ls.json"
    assert main(["export", "--store", str(store), "--format", "label-studio", "--out", str(out)]) == 0
    other = tmp_path / "o.json"
    assert main(["import", str(out), "--store", str(other), "--no-progress"]) == 0
    with Store.open(other, readonly=True) as b:
        got = {(a.annotator, a.answer) for a in b.annotations()}
    assert got == {("sara", None), ("omar", "reject")}


def test_label_studio_server_annotations_without_meta() -> None:
    def task(**annotation: object) -> dict[str, object]:
        region = {"from_name": "label", "to_name": "text", "type": "labels"}
        region["value"] = {"start": 4, "end": 7, "text": "عمر", "labels": ["PERSON"]}
        return {"id": 1, "data": {"text": TEXT}, "annotations": [{"completed_by": 1, "result": [region], **annotation}]}

    # a real server drops meta: submitted is accept, cancelled (its Skip button) is skip
    [ann] = parse_record(task(was_cancelled=False), annotator="x", schema=None)[1]
    assert ann.answer == "accept"
    [ann] = parse_record(task(was_cancelled=True), annotator="x", schema=None)[1]
    assert ann.answer == "skip"
    [ann] = parse_record(task(was_cancelled=False, meta={"answer": None}), annotator="x", schema=None)[1]
    assert ann.answer is None
