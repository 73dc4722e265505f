"""`reader serve`'s command line: annotators' tokens, the missing-extra message, the warnings."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.commands import serve as serve_command
from reader.serve.tokens import TokenFile


def test_add_list_and_remove_annotators(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.json"
    assert main(["serve", "--store", str(store), "--add-annotator", "alice", "--port", "9001"]) == 0
    out = capsys.readouterr().out
    token = re.search(r"^  (\S{43,})$", out, re.M)
    link = re.search(r"http://127\.0\.0\.1:9001/\?token=(\S+)", out)
    assert token and link and link.group(1) == token.group(1)
    assert TokenFile.for_store(store).verify(token.group(1)) == "alice"
    assert main(["serve", "--store", str(store), "--list-annotators"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("alice\t") and token.group(1) not in listed
    assert main(["serve", "--store", str(store), "--remove-annotator", "alice"]) == 0
    assert TokenFile.for_store(store).verify(token.group(1)) is None
    assert main(["serve", "--store", str(store), "--remove-annotator", "alice"]) == 2
    assert "has no token" in capsys.readouterr().err


def test_the_link_uses_the_public_url_behind_a_proxy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.json")
    args = ["serve", "--store", store, "--add-annotator", "bob", "--public-url", "https://labels.example.org/reader"]
    assert main(args) == 0
    assert "https://labels.example.org/reader/?token=" in capsys.readouterr().out
    assert main(["serve", "--store", store, "--add-annotator", "carol", "--public-url", "labels.example.org"]) == 2
    assert "--public-url must be" in capsys.readouterr().err


def test_hostile_names_are_printed_safely(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "eve\x1b]0;pwned\x07\u202e"
    store = str(tmp_path / "s.json")
    assert main(["serve", "--store", store, f"--add-annotator={name}"]) == 2  # refused: control characters
    # a tokens file from before names were checked still lists (and signs in) its odd names
    TokenFile.for_store(Path(store)).path.write_text(
        json.dumps({"format": "reader-serve-tokens", "version": 1, "annotators": {name: {"sha256": "0" * 64}}})
    )
    assert main(["serve", "--store", store, "--list-annotators"]) == 0
    assert main(["serve", "--store", store, "--remove-annotator=nobody\x1b[2J"]) == 2
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream
    assert "eve␛]0;pwned␇" in captured.out


@pytest.mark.parametrize("name", ["gold", "gold:x", " "])
def test_reserved_and_empty_names_are_refused(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--store", str(tmp_path / "s.json"), f"--add-annotator={name}"]) == 2
    assert "reader: error:" in capsys.readouterr().err


def test_without_the_extra_it_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        serve_command.importlib.util, "find_spec", lambda n, *a: None if n == "textual_serve" else real(n, *a)
    )
    assert main(["serve", "--store", str(tmp_path / "s.json")]) == 2
    err = capsys.readouterr().err
    assert "pip install 'reader-arabic[serve]'" in err and "Traceback" not in err


def test_a_non_loopback_address_is_warned_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[tuple[str, int]] = []
    monkeypatch.setattr(serve_command, "run_server", lambda server, host, port, url: started.append((host, port)) or 0)
    monkeypatch.setattr(serve_command, "setup_logging", lambda: None)  # leave this process's loggers alone
    store = str(tmp_path / "s.json")
    assert main(["serve", "--store", store, "--host", "0.0.0.0", "--port", "8123"]) == 0
    err = capsys.readouterr().err
    assert "TLS reverse proxy" in err and "nobody can sign in" in err
    assert started == [("0.0.0.0", 8123)]
    assert main(["serve", "--store", store]) == 0
    assert "TLS" not in capsys.readouterr().err
    assert started[-1] == ("127.0.0.1", 8000)  # loopback unless asked otherwise


def test_bad_options_are_refused_before_serving(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.json")
    assert main(["serve", "--store", store, "--port", "70000"]) == 2
    assert main(["serve", "--store", store, "--labels", str(tmp_path / "missing.toml")]) == 2
    assert main(["serve", "--store", store, "--font", str(tmp_path / "missing.ttf")]) == 2
    assert main(["serve", "--store", str(tmp_path / "no" / "s.json")]) == 2
    (tmp_path / "s.json.serve-tokens").write_text("{damaged")
    assert main(["serve", "--store", store]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "--port must be" in err and "no such font" in err and "damaged" in err


_BAD = re.compile("[\x1b\x80-\x9f\u202a-\u202e\u2066-\u2069]")
PAYLOAD = "\x1b]0;pwned\x07\x1b[31m\x9b2J\u202e"


@pytest.mark.slow
def test_hostile_paths_names_and_files_as_a_user_runs_them(tmp_path: Path) -> None:
    """The real command (a subprocess) over hostile store paths, names, label and token files: exit 0
    or 2, no traceback, no raw escape sequence on either stream."""
    store = tmp_path / f"store{PAYLOAD}.json"
    labels = tmp_path / "labels.toml"
    labels.write_text(f'[[label]]\nname = "A{PAYLOAD}"\nkey = "q"\ncolor = "#zz"\n', encoding="utf-8")
    damaged = tmp_path / "d.json"
    damaged.with_name("d.json.serve-tokens").write_text(f'{{"format": "{PAYLOAD}"', encoding="utf-8")
    runs = [
        ["--store", str(store), f"--add-annotator=x{PAYLOAD}"],
        ["--store", str(store), "--list-annotators"],
        ["--store", str(store), f"--remove-annotator=y{PAYLOAD}"],
        ["--store", str(store), "--labels", str(labels)],
        ["--store", str(store), "--font", f"f{PAYLOAD}.ttf"],
        ["--store", str(damaged)],
        ["--store", str(tmp_path / f"no{PAYLOAD}" / "s.json")],
        ["--store", str(store), f"--public-url=h{PAYLOAD}", "--add-annotator=z"],
        ["--store", str(store), f"--bogus{PAYLOAD}"],
    ]
    for args in runs:
        done = subprocess.run(
            [sys.executable, "-m", "reader.cli", "serve", *args], capture_output=True, timeout=60, check=False
        )
        out, err = done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
        assert done.returncode in (0, 2), (args, err)
        assert "Traceback" not in out + err, err
        assert _BAD.search(out) is None and _BAD.search(err) is None, (args, out, err)
