"""Damaged stores, table-driven: each row damages a store, then opens it the four ways a user can
(the app's writable open, a read-only open, `reader import`, `reader export`) and expects either a
refusal with a clear message, leaving every store file byte-identical, or an exact recovery."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotations.errors import StoreError
from annotations.model import Document, Span
from annotations.store import Store
from annotations.store.journal import decode_entry, encode_entry
from reader.cli import main

TEXT_A = "قال الرئيس محمود عباس في رام الله اليوم إن المفاوضات مستمرة."
TEXT_B = "أعلنت وزارة الصحة في غزة عن ارتفاع عدد الضحايا إلى 100 شخص."
ACTIONS = {Span(0, 3, "PERSON"), Span(4, 10, "LOCATION")}


def fingerprint(path: Path) -> dict[str, str]:
    """Every file of the store (lock file included) -> hash of its bytes."""
    files = [f for p in sorted(path.parent.glob(path.name + "*")) for f in ([p] if p.is_file() else p.rglob("*"))]
    return {str(f.relative_to(path.parent)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def make_store(path: Path) -> None:
    """Two documents in the main file, three acknowledged actions only in the journal (a crash)."""
    s = Store.open(path)
    s.add_documents([Document("a", TEXT_A), Document("b", TEXT_B)])
    for span in ACTIONS:
        s.add_span("a", "me", span)
    s.set_answer("b", "me", "accept")
    s._release()  # like a kill: nothing folded


def journal_lines(path: Path) -> list[bytes]:
    return path.with_name(path.name + ".journal").read_bytes().splitlines(keepends=True)


def write_journal(path: Path, lines: list[bytes]) -> None:
    path.with_name(path.name + ".journal").write_bytes(b"".join(lines))


def shard_file(path: Path) -> Path:
    (shard,) = path.with_name(path.name + ".shards").glob("0.*.json")
    return shard


def edit_shard(path: Path, change: Callable[[dict], None], *, fix_checksum: bool) -> None:  # type: ignore[type-arg]
    s = Store.open(path)
    s.close()  # fold, so the shard holds everything
    shard = shard_file(path)
    data = json.loads(shard.read_text(encoding="utf-8"))
    change(data)
    shard.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    if fix_checksum:  # as if the manifest had been edited to match: the row itself must be checked
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["shards"]["1"]["crc"] = zlib.crc32(shard.read_bytes())
        path.write_text(json.dumps(manifest), encoding="utf-8")


def cut_mid_record(path: Path) -> None:
    lines = journal_lines(path)  # header, three entries
    lines[2] = lines[2][: len(lines[2]) // 2] + b"\n"
    write_journal(path, lines)


def alter_line(path: Path) -> None:
    lines = journal_lines(path)
    assert b"LOCATION" in lines[2] or b"LOCATION" in lines[1]
    i = 2 if b"LOCATION" in lines[2] else 1
    lines[i] = lines[i].replace(b"LOCATION", b"POSITION")  # still valid JSON
    write_journal(path, lines)


def remove_middle_lines(path: Path) -> None:
    lines = journal_lines(path)  # header, three spans, an answer: whole lines go, every CRC still valid
    write_journal(path, [lines[0], lines[1], *lines[3:]])


def swap_lines(path: Path) -> None:
    lines = journal_lines(path)
    write_journal(path, [lines[0], lines[2], lines[1], *lines[3:]])


def unchained_journal(path: Path) -> None:
    """The journal as a store written before frames were chained has it (each line checked alone)."""
    lines = journal_lines(path)
    head = decode_entry(lines[0].rstrip(b"\n"))
    del head["chain"]
    rest = [json.loads(line)["e"] for line in lines[1:]]
    write_journal(path, [encode_entry(head), *(encode_entry(e) for e in rest)])


def restore_old_main(path: Path) -> None:
    backup = path.read_bytes()
    s = Store.open(path)
    s.compact()
    s.add_span("b", "me", Span(0, 5, "ORGANIZATION"))
    s._release()
    path.write_bytes(backup)  # yesterday's copy of the main file; the journal holds today's actions


def torn_last_line(path: Path) -> None:
    with open(path.with_name(path.name + ".journal"), "ab") as f:
        f.write(b'{"e":{"op":"ann","rec":{"doc_id":"a","annot')  # a kill in the middle of an append


def unreferenced_texts_tail(path: Path) -> None:
    with open(path.with_name(path.name + ".texts"), "ab") as f:
        f.write(b'{"id":"half","text":"...')  # a kill in the middle of an import


def stale_journal(path: Path) -> None:
    old = journal_lines(path)
    s = Store.open(path)
    s.compact()
    s._release()
    write_journal(path, old)  # a crash between writing the main file and replacing the journal


def truncate_texts(path: Path) -> None:
    texts = path.with_name(path.name + ".texts")
    texts.write_bytes(texts.read_bytes()[:50])


def set_length(value: object) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        edit_shard(path, lambda d: d["documents"]["1"].update(length=value), fix_checksum=True)

    return damage


def alter_shard(path: Path) -> None:
    edit_shard(path, lambda d: d["annotations"]["1"].update(answer="reject"), fix_checksum=False)


def delete_index(path: Path) -> None:
    for p in path.with_name(path.name + ".shards").glob("ids.*"):
        p.unlink()


def cut_main(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


def symlink_loop(path: Path) -> None:
    shutil.rmtree(path.parent)
    path.parent.mkdir()
    path.symlink_to(path.name)


@dataclass(frozen=True)
class Damage:
    name: str
    damage: Callable[[Path], None]
    refusal: str | None  # regex the message must match; None: the store recovers exactly
    spans: frozenset[Span] = frozenset(ACTIONS)  # what a recovered store holds for ("a", "me")


ROWS = [
    Damage(
        "main file deleted", lambda p: p.unlink(), r"main file is missing but .*texts, .*journal and .*shards/ exist"
    ),
    Damage("texts file deleted", lambda p: p.with_name(p.name + ".texts").unlink(), r"texts file is missing"),
    Damage("journal deleted", lambda p: p.with_name(p.name + ".journal").unlink(), r"journal is missing.*echo discard"),
    Damage(
        "journal lines removed in the middle",
        remove_middle_lines,
        r"journal line 3 is corrupt .*a line before it was removed",
    ),
    Damage("journal lines swapped", swap_lines, r"journal line 2 is corrupt .*a line before it was removed or moved"),
    Damage("journal truncated to nothing", lambda p: write_journal(p, []), r"journal is empty.*echo discard"),
    Damage("journal cut mid-record", cut_mid_record, r"journal line 3 is corrupt"),
    Damage("journal line altered, still JSON", alter_line, r"journal line \d is corrupt \(checksum mismatch"),
    Damage("older main file restored", restore_old_main, r"main file is older than its journal"),
    Damage("texts file truncated", truncate_texts, r"texts file is truncated \(50 bytes"),
    Damage("negative length", set_length(-40), r"documents row 1: document a: bad length -40"),
    Damage("shard file changed", alter_shard, r"shard 0\.\d+\.json is damaged: its checksum does not match"),
    Damage("shard file deleted", lambda p: shard_file(p).unlink(), r"shard file 0\.\d+\.json is missing"),
    Damage("garbage length", set_length("x"), r"bad length 'x'"),
    Damage("main file cut short", cut_main, r"main file is not valid JSON"),
    Damage("store path is a symlink loop", symlink_loop, r"(cannot read the store|no store at).*"),
    Damage("torn last journal line", torn_last_line, None),
    Damage("unreferenced texts tail", unreferenced_texts_tail, None),
    Damage("stale journal after a crash mid-fold", stale_journal, None),
    Damage("journal given up on purpose", lambda p: write_journal(p, [b"discard\n"]), None, frozenset()),
    Damage("journal written before frames were chained", unchained_journal, None),
    Damage("document index deleted", delete_index, None),
]


@pytest.fixture
def damaged(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Damage, Path]:
    row: Damage = request.param
    path = tmp_path / "store" / "store.json"
    path.parent.mkdir()
    make_store(path)
    row.damage(path)
    return row, path


def check_recovered(path: Path, row: Damage) -> None:
    with Store.open(path, readonly=True) as s:
        ann = s.get_annotation("a", "me")
        assert set(ann.spans if ann else []) == row.spans
        assert s.get_document("b").text == TEXT_B


@pytest.mark.parametrize("damaged", ROWS, ids=[r.name for r in ROWS], indirect=True)
@pytest.mark.parametrize("how", ["app", "readonly", "import", "export"])
def test_damage(damaged: tuple[Damage, Path], how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row, path = damaged
    before = fingerprint(path)
    new_doc = tmp_path / "new.txt"
    new_doc.write_text("نص جديد للاستيراد", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    if how in ("app", "readonly"):
        try:
            # open and use: damage inside a shard or a text is found when it is first read
            with Store.open(path, readonly=how == "readonly") as s:
                ann = s.get_annotation("a", "me")
                docs = [d.text for d in s.iter_documents()]
        except StoreError as exc:
            assert row.refusal is not None, f"refused a recoverable store: {exc}"
            message = str(exc)
        else:
            assert row.refusal is None, "opened and used a damaged store"
            assert set(ann.spans if ann else []) == row.spans
            assert docs == [TEXT_A, TEXT_B]
            check_recovered(path, row)
            return
    else:
        args = ["import", str(new_doc)] if how == "import" else ["export", "--out", str(out)]
        code = main([*args, "--store", str(path), "--no-progress"])
        err = capsys.readouterr().err
        assert "Traceback" not in err
        if row.refusal is None:
            assert code == 0, err
            check_recovered(path, row)
            if how == "export":
                records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
                got = {(s["start"], s["end"], s["label"]) for r in records if r["id"] == "a" for s in r["spans"]}
                assert got == {s.key for s in row.spans}
            return
        assert code == 2, err
        assert err.startswith("reader: error: "), err
        message = err
    assert row.refusal is not None
    import re

    assert re.search(row.refusal, message, re.S), message
    assert fingerprint(path) == before, "a refused open changed the store's files"


# ---- beyond the table: symlinks, a read-only file system, a full disk


def test_store_through_a_symlink_is_the_real_store(tmp_path: Path) -> None:
    real = tmp_path / "real" / "store.json"
    real.parent.mkdir()
    make_store(real)
    alias = tmp_path / "alias.json"
    alias.symlink_to(real)
    with Store.open(real, annotator="me"), pytest.raises(StoreError, match="already working"):
        Store.open(alias, annotator="me")  # the real store's annotator conflicts with an open through the alias
    doc = tmp_path / "d.txt"
    doc.write_text("نص عبر الرابط", encoding="utf-8")
    assert main(["import", str(doc), "--store", str(alias), "--no-progress"]) == 0
    assert alias.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alias.json", "d.txt", "real"]
    with Store.open(real, readonly=True) as s:
        assert len(s) == 3 and s.get_annotation("a", "me") is not None


def _in_private_mount(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare (util-linux)")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot make a private mount namespace here")
    code = tmp_path / "script.py"
    code.write_text(script, encoding="utf-8")
    root = Path(__file__).parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        ["unshare", "-rm", sys.executable, str(code), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


SETUP = r"""
import hashlib, json, os, subprocess, sys
from pathlib import Path
from annotations.model import Document, Span
from annotations.store import Store
from annotations.store.journal import decode_entry, encode_entry
from reader.cli import main
tmp = Path(sys.argv[1])
def fingerprint(path):
    files = [f for p in sorted(path.parent.glob(path.name + "*")) for f in ([p] if p.is_file() else p.rglob("*"))]
    return {str(f.relative_to(path.parent)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
"""


def test_read_only_file_system(tmp_path: Path) -> None:
    """Writable opens and imports are refused clearly; read-only opens and exports work."""
    script = (
        SETUP
        + r"""
d = tmp / "ro"; d.mkdir(); path = d / "store.json"
s = Store.open(path); s.add_documents([Document("a", "نص")]); s.add_span("a", "me", Span(0, 1, "X")); s.close()
before = fingerprint(path)
subprocess.run(["mount", "--bind", str(d), str(d)], check=True)
subprocess.run(["mount", "-o", "remount,bind,ro", str(d)], check=True)
(tmp / "n.txt").write_text("نص آخر", encoding="utf-8")
results = {}
try:
    Store.open(path)
except Exception as e:
    results["app"] = f"{type(e).__name__}: {e}"
results["import"] = main(["import", str(tmp / "n.txt"), "--store", str(path), "--no-progress"])
results["export"] = main(["export", "--store", str(path), "--out", str(tmp / "o.jsonl"), "--no-progress"])
with Store.open(path, readonly=True) as s:
    results["readonly"] = [sp.label for sp in s.get_annotation("a", "me").spans]
results["same"] = fingerprint(path) == before
print(json.dumps(results))
"""
    )
    r = _in_private_mount(script, tmp_path)
    assert r.returncode == 0, r.stderr
    results = json.loads(r.stdout.strip().splitlines()[-1])
    assert results["app"].startswith("StoreError") and "Read-only file system" in results["app"], results
    assert "`reader export` opens it read-only" in results["app"]
    assert results["import"] == 2 and results["export"] == 0 and results["readonly"] == ["X"], results
    assert results["same"]
    assert "Traceback" not in r.stderr and "reader: error:" in r.stderr
    assert (tmp_path / "o.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_disk_full_during_import(tmp_path: Path) -> None:
    """ENOSPC in the middle of an import: a clear error, exit 2, the store byte-identical."""
    script = (
        SETUP
        + r"""
d = tmp / "small"; d.mkdir()
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(d)], check=True)
path = d / "store.json"
s = Store.open(path); s.add_documents([Document("a", "نص")]); s.add_span("a", "me", Span(0, 1, "X")); s._release()
before = fingerprint(path)
big = tmp / "big.jsonl"
with open(big, "w", encoding="utf-8") as f:
    for i in range(400):
        f.write(json.dumps({"id": f"n{i}", "text": "كلمة " * 400}, ensure_ascii=False) + "\n")
code = main(["import", str(big), "--store", str(path), "--no-progress"])
after = fingerprint(path)
with Store.open(path) as s:
    ok = len(s) == 1 and [sp.label for sp in s.get_annotation("a", "me").spans] == ["X"]
diff = [k for k in set(after) | set(before) if after.get(k) != before.get(k)]
print(json.dumps({"code": code, "same": after == before, "diff": diff, "ok": ok, "leftovers": sorted(os.listdir(d))}))
"""
    )
    r = _in_private_mount(script, tmp_path)
    assert r.returncode == 0, r.stderr
    results = json.loads(r.stdout.strip().splitlines()[-1])
    assert results["code"] == 2 and results["same"] and results["ok"], results
    assert "No space left on device" in r.stderr and "nothing was imported" in r.stderr
    assert "Traceback" not in r.stderr
    assert not [n for n in results["leftovers"] if ".tmp-" in n]
