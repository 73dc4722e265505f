"""Importing never puts records under the reserved name `gold` (the adjudicated layer as a whole): a
record or `--annotator` naming it is refused with the file, the line and the two ways out, the exit
code is 2 and the store is left as it was. `gold:NAME` stays the explicit way to import a reviewer's
gold records. The bundled samples import as articles only (their answer key is not in `samples/`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.errors import UserError
from annotations.gold import choose_gold
from annotations.importing import import_paths
from annotations.store import Store
from reader.cli import main

ROOT = Path(__file__).resolve().parents[3]
TEXT = "قال محمد إن حماس وافقت على الهدنة"
PERSON = {"start": 4, "end": 8, "label": "PERSON"}


def write_jsonl(path: Path, *records: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def files_of(store: Path) -> dict[str, bytes]:
    """Every file of the store (main file, journal, shards, texts...), by name: what "unchanged" means."""
    out = {}
    for p in sorted(store.parent.rglob("*")):
        if p.is_file() and p.name.startswith(store.name) and not p.name.endswith(".lock"):
            out[str(p.relative_to(store.parent))] = p.read_bytes()
    return out


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["import", *args])
    return code, capsys.readouterr().err


@pytest.fixture
def store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "team.json"
    first = write_jsonl(
        tmp_path / "sara.jsonl", {"id": "d0", "text": TEXT, "spans": [PERSON], "answer": "accept", "annotator": "sara"}
    )
    assert run(str(first), "--store", str(path), capsys=capsys)[0] == 0
    return path


def test_a_record_under_gold_is_refused_with_file_line_and_how_to_fix(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_jsonl(
        tmp_path / "in.jsonl",
        {"id": "d1", "text": TEXT, "spans": [PERSON], "answer": "accept", "annotator": "omar"},
        {"id": "d2", "text": TEXT + ".", "spans": [PERSON], "answer": "accept", "annotator": "gold"},
    )
    before = files_of(store)
    code, err = run(str(src), "--store", str(store), capsys=capsys)
    assert code == 2 and "Traceback" not in err
    assert f"{src}:2: " in err and 'annotator name "gold" is reserved' in err
    assert "--annotator NAME" in err and '"annotator": "gold:NAME"' in err  # the two ways out
    assert files_of(store) == before  # nothing imported, not even the good first line
    with Store.open(store, readonly=True) as s:
        assert s.annotators() == ["sara"] and "d1" not in s


def test_annotator_option_gold_is_refused_before_anything_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", {"id": "d1", "text": TEXT, "spans": [PERSON], "answer": "accept"})
    new = tmp_path / "new.json"
    code, err = run(str(src), "--store", str(new), "--annotator", "gold", capsys=capsys)
    assert code == 2 and err.startswith("reader: error: --annotator gold: ")
    assert "--annotator gold:NAME" in err
    assert not list(tmp_path.glob("new.json*"))  # a new store is not even created


@pytest.mark.parametrize("name", ["gold:", "gold: ", "gold:gold", "gold:gold:rana"])
def test_a_gold_record_needs_a_valid_reviewer(store: Path, tmp_path: Path, name: str) -> None:
    src = write_jsonl(
        tmp_path / "in.jsonl", {"id": "d1", "text": TEXT, "spans": [PERSON], "answer": "accept", "annotator": name}
    )
    with Store.open(store) as s, pytest.raises(UserError, match="cannot own gold records") as err:
        import_paths(s, [src], annotator="me")
    assert err.value.line == 1


def test_gold_name_is_the_explicit_way_to_import_adjudicated_records(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_jsonl(
        tmp_path / "gold.jsonl",
        {"id": "d0", "text": TEXT, "spans": [PERSON], "answer": "accept", "annotator": "gold:rana"},
    )
    plain = write_jsonl(
        tmp_path / "plain.jsonl", {"id": "d3", "text": TEXT + "..", "spans": [PERSON], "answer": "accept"}
    )
    assert run(str(src), "--store", str(store), capsys=capsys)[0] == 0
    assert run(str(plain), "--store", str(store), "--annotator", "gold:lina", capsys=capsys)[0] == 0
    with Store.open(store, readonly=True) as s:
        assert sorted(s.annotators()) == ["gold:lina", "gold:rana", "sara"]
        chosen = choose_gold([a for a in s.annotations() if a.doc_id == "d0"])
        assert chosen is not None and chosen.annotator == "gold:rana"


def test_skip_invalid_leaves_out_the_reserved_records_and_says_so(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_jsonl(
        tmp_path / "in.jsonl",
        {"id": "d1", "text": TEXT, "spans": [PERSON], "answer": "accept", "annotator": "omar"},
        {"id": "d2", "text": TEXT + ".", "spans": [PERSON], "answer": "accept", "annotator": "gold"},
    )
    code, err = run(str(src), "--store", str(store), "--skip-invalid", capsys=capsys)
    assert code == 0 and f"skipped: {src}:2: " in err and "1 invalid skipped" in err
    with Store.open(store, readonly=True) as s:
        assert sorted(s.annotators()) == ["omar", "sara"]


def test_importing_the_samples_directory_brings_the_articles_and_no_annotator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "team.json"
    code, err = run(str(ROOT / "samples"), "--store", str(path), capsys=capsys)
    assert code == 0, err
    with Store.open(path, readonly=True) as s:
        assert len(s) == len(list((ROOT / "samples").glob("*.txt")))
        assert s.annotators() == []  # no "gold" annotator on the team screen or in any figure
