"""Hostile and unlucky files on the way in and out (issue 8 items 8-12): every case ends in a clear
message and exit code 2, or works; never a traceback, never a replaced device, never silent loss."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.model import Document, Span
from annotations.store import Store
from reader.cli import main

TEXT = "قال محمد إن حماس وافقت على الهدنة في القاهرة."


def line(**kw: object) -> str:
    return json.dumps(kw, ensure_ascii=False) + "\n"


def fingerprint(store_path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(store_path.parent.glob(store_path.name + "*")) if p.is_file()}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.json"
    with Store.open(path) as s:
        s.add_documents([Document("d1", TEXT)])
        s.add_span("d1", "sara", Span(4, 8, "PERSON"))
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader.cli", *args], capture_output=True, text=True, timeout=120)


# ----------------------------------------------------------------------------------------------------
# item 8: export --out a device, a FIFO or a symlink


def device(tmp_path: Path, name: str, minor: int) -> Path:
    """A private node of a memory device (1, minor: 3 null, 7 full), so that a regression replaces this
    node and never the machine's /dev/null."""
    path = tmp_path / name
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except OSError:
        pytest.skip("cannot make a device node here (needs root)")
    return path


def test_export_to_a_device_streams_and_leaves_the_device(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    null = device(tmp_path, "null", 3)
    before = os.stat(null)
    assert main(["export", "--store", str(store), "--out", str(null)]) == 0
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino and after.st_rdev == before.st_rdev
    assert "exported 1 record as native" in capsys.readouterr().err


def test_export_to_a_fifo_streams_into_it(store: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert main(["export", "--store", str(store), "--out", str(fifo), "--format", "doccano"]) == 0
    reader.join(10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(got[0])["label"] == [[4, 8, "PERSON"]]


def test_export_through_a_symlink_replaces_its_target_and_keeps_the_link(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "real.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert main(["export", "--store", str(store), "--out", str(link)]) == 0
    assert link.is_symlink() and json.loads(target.read_text(encoding="utf-8"))["id"] == "d1"


def test_export_to_a_full_device_is_a_clear_error(store: Path, tmp_path: Path) -> None:
    full = device(tmp_path, "full", 7)
    r = run("export", "--store", str(store), "--out", str(full))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{full}: no space left on the device" in r.stderr
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_disk_full_while_writing_leaves_the_old_file(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert main(["export", "--store", str(store), "--out", str(out)]) == 2
    assert "no space left on the device; nothing was written (the old file is unchanged)" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "old\n" and sorted(p.name for p in tmp_path.glob(".out*")) == []


# ----------------------------------------------------------------------------------------------------
# item 9: one id, two texts in one import


def test_same_id_with_two_texts_is_a_conflict(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "dup.jsonl"
    f.write_text(
        line(id="x", text="النص الأول", label=[[0, 2, "PERSON"]]) + line(id="x", text="النص الثاني"), encoding="utf-8"
    )
    before = fingerprint(store)
    assert main(["import", str(f), "--store", str(store)]) == 2
    assert 'dup.jsonl:2: document id "x" came earlier in this import with another text' in capsys.readouterr().err
    assert fingerprint(store) == before
    assert main(["import", str(f), "--store", str(store), "--skip-invalid"]) == 0
    err = capsys.readouterr().err
    assert "skipped:" in err and "1 invalid skipped" in err
    with Store.open(store, readonly=True) as s:
        assert s.get_document("x").text == "النص الأول"


def test_the_same_record_twice_is_not_a_conflict(tmp_path: Path) -> None:
    f = tmp_path / "two.jsonl"
    f.write_text(line(id="x", text=TEXT, annotator="a") + line(id="x", text=TEXT, annotator="b"), encoding="utf-8")
    assert main(["import", str(f), "--store", str(tmp_path / "s.json")]) == 0


# ----------------------------------------------------------------------------------------------------
# item 10: lone surrogates, deep nesting, huge numbers, 1e999


HOSTILE_LINES = {
    "surrogate in text": '{"id": "s1", "text": "abc\\ud800"}',
    "surrogate in id": '{"id": "\\udfff", "text": "abc"}',
    "surrogate in meta key": '{"id": "s3", "text": "abc", "meta": {"\\ud83d": 1}}',
    "deep nesting": '{"id": "s4", "text": "abc", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "moderately deep": '{"id": "s5", "text": "abc", "meta": {"a": ' + "[" * 200 + "]" * 200 + "}}",
    "400 digits": '{"id": "s6", "text": "abc", "meta": {"n": ' + "9" * 400 + "}}",
    "400 digits as time": '{"id": "s7", "text": "abc", "spans": [], "seconds_spent": ' + "9" * 400 + "}",
    "1e999": '{"id": "s8", "text": "abc", "meta": {"x": 1e999}}',
    "NaN": '{"id": "s9", "text": "abc", "meta": {"x": NaN}}',
    "huge offset": '{"id": "s10", "text": "abc", "label": [[0, ' + "9" * 400 + ', "PERSON"]]}',
}
MESSAGES = {
    "surrogate in text": "lone surrogate",
    "surrogate in id": "lone surrogate",
    "surrogate in meta key": "lone surrogate",
    "deep nesting": "nested too deeply",
    "moderately deep": "nested deeper than 64 levels",
    "400 digits": "does not fit in 64 bits",
    "400 digits as time": '"seconds_spent" is too large',
    "1e999": "is too large",
    "NaN": "NaN is not a JSON number",
    "huge offset": "outside the text",
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(HOSTILE_LINES))
def test_hostile_json_values_are_clear_errors(case: str, tmp_path: Path) -> None:
    f = tmp_path / "h.jsonl"
    f.write_text(HOSTILE_LINES[case] + "\n", encoding="utf-8")
    r = run("import", str(f), "--store", str(tmp_path / "s.json"))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "h.jsonl:1:" in r.stderr and MESSAGES[case] in r.stderr
    assert not list(tmp_path.glob("s.json*"))  # a failed import into a new store creates nothing


def test_skip_invalid_skips_every_hostile_value(tmp_path: Path) -> None:
    f = tmp_path / "h.jsonl"
    f.write_text("".join(v + "\n" for v in HOSTILE_LINES.values()) + line(id="ok", text=TEXT), encoding="utf-8")
    store = tmp_path / "s.json"
    r = run("import", str(f), "--store", str(store), "--skip-invalid")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert f"{len(HOSTILE_LINES)} invalid skipped" in r.stderr
    with Store.open(store, readonly=True) as s:
        assert s.document_ids() == ["ok"]
    out = run("export", "--store", str(store))
    assert "Infinity" not in out.stdout and json.loads(out.stdout)["id"] == "ok"


# ----------------------------------------------------------------------------------------------------
# item 11: export targets that cannot be written


def test_export_to_a_missing_directory(store: Path, tmp_path: Path) -> None:
    r = run("export", "--store", str(store), "--out", str(tmp_path / "no" / "such" / "x.jsonl"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"the directory {tmp_path / 'no' / 'such'} does not exist" in r.stderr


def test_export_to_a_directory(store: Path, tmp_path: Path) -> None:
    r = run("export", "--store", str(store), "--out", str(tmp_path))
    assert r.returncode == 2 and "is a directory; give a file name" in r.stderr


def test_brat_export_to_an_existing_file_or_full_directory(store: Path, tmp_path: Path) -> None:
    f = tmp_path / "x.ann"
    f.write_text("T1\tX 0 1\ta\n", encoding="utf-8")
    r = run("export", "--store", str(store), "--format", "brat", "--out", str(f))
    assert r.returncode == 2 and "exists and is not a directory" in r.stderr and "Traceback" not in r.stderr
    assert f.read_text(encoding="utf-8") == "T1\tX 0 1\ta\n"
    full = tmp_path / "full"
    full.mkdir()
    (full / "old.ann").write_text("", encoding="utf-8")
    r = run("export", "--store", str(store), "--format", "brat", "--out", str(full))
    assert r.returncode == 2 and "directory is not empty" in r.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("export", "--store", str(store), "--format", "brat", "--out", str(empty)).returncode == 0
    assert (empty / "d1.ann").read_text(encoding="utf-8") == "T1\tPERSON 4 8\tمحمد\n"


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory another user can use (tests run as root, whom permissions do not stop)."""
    d = Path(tempfile.mkdtemp(prefix="reader-perm-"))
    d.chmod(0o777)
    yield d
    for p in d.rglob("*"):
        if p.is_dir():
            p.chmod(0o777)
    shutil.rmtree(d, ignore_errors=True)


def as_user(*args: str) -> subprocess.CompletedProcess[str]:
    """``reader ARGS`` as an unprivileged user when we are root (else as ourselves)."""
    cmd = [sys.executable, "-m", "reader.cli", *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("needs setpriv to drop root")
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    env = {**os.environ, "HOME": "/tmp", "PYTHONPATH": str(Path(__file__).parents[3])}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.slow
def test_read_only_targets(shared_dir: Path) -> None:
    store = shared_dir / "s.json"
    (shared_dir / "a.txt").write_text(TEXT, encoding="utf-8")
    assert as_user("import", str(shared_dir / "a.txt"), "--store", str(store)).returncode == 0
    ro = shared_dir / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    r = as_user("export", "--store", str(store), "--out", str(ro / "x.jsonl"))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "permission denied" in r.stderr
    r = as_user("export", "--store", str(store), "--format", "brat", "--out", str(ro / "b"))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "permission denied" in r.stderr


# ----------------------------------------------------------------------------------------------------
# item 12: unreadable directories, symlink loops, FIFOs and devices given directly


@pytest.mark.slow
def test_unreadable_directory_is_an_error_not_zero_documents(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "locked" / "a.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "locked").chmod(0)
    r = as_user("import", str(corpus), "--store", str(shared_dir / "s.json"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "locked: cannot read this directory: permission denied" in r.stderr


def test_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").symlink_to(tmp_path / "b.jsonl")
    (tmp_path / "b.jsonl").symlink_to(tmp_path / "a.jsonl")
    r = run("import", str(tmp_path / "a.jsonl"), "--store", str(tmp_path / "s.json"))
    assert r.returncode == 2 and "symbolic link loop" in r.stderr and "Traceback" not in r.stderr


def test_dev_zero_is_refused(tmp_path: Path) -> None:
    r = run("import", "/dev/zero", "--store", str(tmp_path / "s.json"), "--format", "native")
    assert r.returncode == 2 and "/dev/zero: is a device, not a file" in r.stderr


def test_a_fifo_is_read_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(line(id="f", text=TEXT), encoding="utf-8"), daemon=True)
    writer.start()
    assert main(["import", str(fifo), "--store", str(tmp_path / "s.json")]) == 0
    writer.join(10)
    with Store.open(tmp_path / "s.json", readonly=True) as s:
        assert s.document_ids() == ["f"]


def test_failed_import_into_a_new_store_creates_nothing(tmp_path: Path) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text(line(id="ok", text=TEXT) + "{not json\n", encoding="utf-8")
    assert main(["import", str(f), "--store", str(tmp_path / "new.json")]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]
