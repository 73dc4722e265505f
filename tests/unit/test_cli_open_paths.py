"""`reader PATH...` imports what it opens before the app starts: a bad file is a clear refusal that
leaves no store behind, as `reader import` does (the UI is never started on these paths)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.store import Store
from reader.cli import main

GOOD = '{"id": "a", "text": "قال الرئيس محمود عباس"}\n'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (GOOD + '{"id": "b", "text": "نص", "spans": [{"start": 0, "end": 9, "label": "PERSON"}]}\n', "outside"),
        (GOOD + "{not json\n", "invalid JSON"),
        ("", "no documents found"),
    ],
    ids=["span outside the text", "invalid JSON", "empty file"],
)
def test_a_bad_file_opened_into_a_new_store_leaves_no_store_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    store = tmp_path / "new" / "store.json"
    store.parent.mkdir()
    assert main([str(bad), "--store", str(store), "--annotator", "sara"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert list(store.parent.iterdir()) == []  # nothing created: not the store, its shards, journal or locks


def test_a_missing_path_is_refused_before_the_store_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store.json"
    assert main([str(tmp_path / "nope.txt"), "--store", str(store)]) == 2
    assert "nope.txt" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_bad_file_opened_into_an_existing_store_leaves_it_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(GOOD, encoding="utf-8")
    store = tmp_path / "store.json"
    assert main(["import", str(good), "--store", str(store)]) == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "z", "text": "x", "spans": [{"start": 0}]}\n', encoding="utf-8")

    def files() -> list[str]:  # lock files (the annotator's among them) come and go with any session
        return sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock"))

    before = files()
    assert main([str(bad), "--store", str(store)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err
    assert files() == before
    with Store.open(store, readonly=True) as s:
        assert s.document_ids() == ["a"]
