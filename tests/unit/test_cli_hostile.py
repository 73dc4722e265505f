"""Every CLI command over a corpus of hostile inputs (issue 8, "Done when"): escape sequences in file
names, paths, ids, labels, annotator names and contents; bad UTF-8; lone surrogates; huge numbers;
deep nesting; damaged files; missing and unusable paths.

Each run must end with exit code 0 or 2 (never 1, Python's code for an uncaught exception), print no
"Traceback", and write no raw ESC, C1 control or bidi override to stdout or stderr.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.formats import EXPORT_FORMATS

pytestmark = pytest.mark.slow

OSC_TITLE = "\x1b]0;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;aGVsbG8=\x07"
CSI = "\x1b[31;1m"
C1_CSI = "\x9b2J"
RLO = "\u202e"
PAYLOAD = OSC_TITLE + CSI + C1_CSI + RLO + OSC_CLIPBOARD
_BAD = re.compile("[\x1b\x80-\x9f\u202a-\u202e\u2066-\u2069]")
TEXT = "قال محمد إن حماس وافقت على الهدنة في القاهرة."


def reader(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "XDG_DATA_HOME": str(cwd / "xdg"), "HOME": str(cwd), "TERM": "xterm-256color"}
    return subprocess.run(
        [sys.executable, "-m", "reader.cli", *args],
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def check(result: subprocess.CompletedProcess[bytes], what: str) -> None:
    out = result.stdout.decode("utf-8", "replace")
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode in (0, 2), f"{what}: exit {result.returncode}\n{err}"
    assert "Traceback" not in out + err, f"{what}:\n{err}"
    for name, stream in (("stdout", out), ("stderr", err)):
        m = _BAD.search(stream)
        assert m is None, f"{what}: raw {m.group()!r} on {name}: {stream[max(0, m.start() - 60) : m.end() + 20]!r}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    (d / f"evil{OSC_TITLE}.txt").write_text(f"مقال {PAYLOAD} عن القاهرة\n", encoding="utf-8")
    (d / "bad-utf8.txt").write_bytes("سلام".encode() + b"\xc3\x28" + OSC_TITLE.encode())
    (d / "empty.txt").write_bytes(b"")
    records = [
        {"id": f"id{OSC_TITLE}", "text": f"{TEXT} {PAYLOAD}", "meta": {"title": PAYLOAD}},
        {"id": "span-label", "text": TEXT, "spans": [{"start": 4, "end": 8, "label": f"X{CSI}"}]},
        {
            "id": "who",
            "text": TEXT,
            "annotator": f"sara{OSC_CLIPBOARD}",
            "spans": [{"start": 4, "end": 8, "label": "PERSON"}],
        },
        {
            "id": "rule",
            "text": TEXT,
            "spans": [{"start": 4, "end": 8, "label": "PERSON", "rule": PAYLOAD, "note": PAYLOAD}],
        },
    ]
    (d / "evil.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    (d / "hostile-values.jsonl").write_text(
        "\n".join(
            [
                '{"id": "s1", "text": "abc\\ud800"}',
                '{"id": "s2", "text": "abc", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}",
                '{"id": "s3", "text": "abc", "meta": {"n": ' + "9" * 400 + "}}",
                '{"id": "s4", "text": "abc", "meta": {"x": 1e999}}',
                '{"id": "s5", "text": "abc", "label": [[0, ' + "9" * 400 + ', "PERSON"]]}',
                '{"id": "s6", "text": "abc", "created": ' + "9" * 400 + "}",
                '{"text": "' + OSC_TITLE.replace("\x1b", "\\u001b").replace("\x07", "\\u0007") + '", "id": 1e999}',
                "{truncated",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    (d / "ls.json").write_text('[{"data": {"text": "abc"}, "annotations": [{"result": [', encoding="utf-8")
    (d / "doc.txt").write_text(TEXT, encoding="utf-8")
    (d / "doc.ann").write_text(f"T1\tPERSON 4 8\tمحمد\nT2\tPER{CSI} 0 3\tقال\nZZ{OSC_TITLE}\n", encoding="utf-8")
    (d / "bad.conll").write_text(f"كلمة\tB-{OSC_TITLE}\nكلمة NNP{CSI} O\n", encoding="utf-8")
    (d / "nested.conll").write_text("كلمة B-X B-Y\nأخرى I-X\n\n# id = " + PAYLOAD + "\n", encoding="utf-8")
    (d / "labels.toml").write_text(
        f'[[label]]\nname = "A{OSC_TITLE}"\nkey = "q"\ncolor = "#000000"\n', encoding="utf-8"
    )
    (d / "labels-bom.toml").write_bytes(b"\xef\xbb\xbf[[label]\n")
    (d / "labels-bad.toml").write_bytes(b'[[label]]\nname = "\xff"\n')
    (d / "gaz.jsonl").write_text(
        json.dumps({"text": "x", "label": PAYLOAD}) + "\n" + "[" * 50_000 + "\n", encoding="utf-8"
    )
    (d / "gaz-bad.toml").write_bytes(b'[[entry]]\ntext = "\xff"\n')
    (d / "loop-a.jsonl").symlink_to(d / "loop-b.jsonl")
    (d / "loop-b.jsonl").symlink_to(d / "loop-a.jsonl")
    (d / f"store{OSC_TITLE}.json").write_bytes(b"garbage" + OSC_TITLE.encode())
    return d


INPUTS = [
    f"evil{OSC_TITLE}.txt",
    "bad-utf8.txt",
    "empty.txt",
    "evil.jsonl",
    "hostile-values.jsonl",
    "ls.json",
    "doc.ann",
    "bad.conll",
    "nested.conll",
    "loop-a.jsonl",
    f"missing{OSC_TITLE}.jsonl",
    "/dev/zero",
    ".",
]


def test_cat_over_hostile_inputs(corpus: Path) -> None:
    for name in INPUTS:
        check(reader("cat", name, "--width", "40", cwd=corpus), f"cat {name!r}")


def test_import_over_hostile_inputs(corpus: Path) -> None:
    for name in INPUTS:
        for extra in ((), ("--skip-invalid",)):
            store = corpus / "imports" / "s.json"
            check(reader("import", name, "--store", str(store), *extra, cwd=corpus), f"import {name!r} {extra}")
    for labels in ("labels.toml", "labels-bom.toml", "labels-bad.toml", f"nope{OSC_TITLE}.toml"):
        check(reader("import", "doc.txt", "--store", "x.json", "--labels", labels, cwd=corpus), f"labels {labels!r}")
    check(reader("import", "doc.txt", "--store", f"store{OSC_TITLE}.json", cwd=corpus), "damaged store")
    check(reader("import", "doc.txt", "--store", f"no/such{OSC_TITLE}/s.json", cwd=corpus), "store in a missing dir")
    check(reader("import", "doc.txt", "--format", f"x{OSC_TITLE}", cwd=corpus), "bad --format")


def test_export_in_every_format_with_hostile_data(corpus: Path) -> None:
    store = corpus / "exports" / "s.json"
    r = reader("import", "evil.jsonl", f"evil{OSC_TITLE}.txt", "--store", str(store), "--skip-invalid", cwd=corpus)
    check(r, "import for export")
    assert r.returncode == 0
    out_dir = corpus / "exports"
    for fmt in EXPORT_FORMATS:
        if fmt in ("native", "prodigy", "doccano", "label-studio"):
            r = reader("export", "--store", str(store), "--format", fmt, cwd=corpus)
            check(r, f"export {fmt} to stdout")
            assert r.returncode == 0 and r.stdout
        target = out_dir / f"out-{fmt}{OSC_TITLE}"
        check(
            reader("export", "--store", str(store), "--format", fmt, "--out", str(target), cwd=corpus), f"export {fmt}"
        )
        check(
            reader(
                "export", "--store", str(store), "--format", fmt, "--out", str(corpus / "no" / "dir" / "x"), cwd=corpus
            ),
            f"export {fmt} missing dir",
        )
    check(reader("export", "--store", f"store{OSC_TITLE}.json", cwd=corpus), "export damaged store")
    check(reader("export", "--store", f"missing{OSC_TITLE}.json", cwd=corpus), "export missing store")
    check(reader("export", "--store", str(store), "--out", ".", cwd=corpus), "export to a directory")
    check(reader("export", "--store", str(store), "--answers", f"x{CSI}", cwd=corpus), "bad --answers")
    check(reader("export", "--store", str(store), "--annotator", f"sara{OSC_CLIPBOARD}", cwd=corpus), "annotator")


def test_suggest_over_hostile_inputs(corpus: Path) -> None:
    store = corpus / "suggest" / "s.json"
    check(reader("import", "doc.txt", "--store", str(store), cwd=corpus), "import for suggest")
    for gaz in ("gaz.jsonl", "gaz-bad.toml", f"missing{OSC_TITLE}.toml", "/dev/zero", "."):
        check(reader("suggest", "--store", str(store), "--gazetteer", gaz, cwd=corpus), f"suggest --gazetteer {gaz!r}")
    check(reader("suggest", "--store", f"store{OSC_TITLE}.json", cwd=corpus), "suggest damaged store")
    check(reader("suggest", "--store", f"missing{OSC_TITLE}.json", cwd=corpus), "suggest missing store")


def test_app_entry_with_bad_arguments(corpus: Path) -> None:
    for args in (
        ("--direction", f"x{OSC_TITLE}"),
        (f"--bogus{OSC_TITLE}",),
        ("--labels", "labels.toml"),
        ("--labels", f"missing{OSC_TITLE}.toml"),
        ("--store", str(corpus / "app" / "s.json"), f"missing{OSC_TITLE}.txt"),
        ("--store", f"store{OSC_TITLE}.json"),
        (f"nosuchcommand{OSC_TITLE}", "x"),
    ):
        check(reader(*args, cwd=corpus), f"reader {args!r}")


def test_export_to_a_terminal_named_by_out_shows_controls(corpus: Path) -> None:
    """`--out /dev/stdout` or `--out $(tty)` is a terminal as much as standard output is: the bytes
    written there hold no escape sequence, and a binary format refuses it."""
    import pty

    store = corpus / "tty" / "s.json"
    check(reader("import", "evil.jsonl", "--store", str(store), "--skip-invalid", cwd=corpus), "import")
    for fmt in ("conll", "conll-nested", "native"):
        master, slave = pty.openpty()
        try:
            args = ["export", "--store", str(store), "--format", fmt, "--answers", "all", "--out", os.ttyname(slave)]
            r = reader(*(args + (["--comments"] if fmt.startswith("conll") else [])), cwd=corpus)
            check(r, f"export {fmt} to a terminal")
            assert r.returncode == 0
            os.close(slave)
            data = b""
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the other side closed: everything has been read
                    break
                if not chunk:
                    break
                data += chunk
        finally:
            os.close(master)
        shown = data.decode("utf-8", "replace")
        assert shown.strip(), fmt
        m = _BAD.search(shown)
        assert m is None, f"{fmt}: raw {m.group()!r} written to the terminal"
    master, slave = pty.openpty()
    try:
        r = reader("export", "--store", str(store), "--format", "spacy", "--out", os.ttyname(slave), cwd=corpus)
    finally:
        os.close(slave)
        os.close(master)
    check(r, "binary export to a terminal")
    assert r.returncode == 2 and b"terminal" in r.stderr


def test_conll_comment_lines_in_a_pipe_hold_no_control(corpus: Path) -> None:
    """Piped to `head` or a pager, the `# id` / `# annotator` lines of a CoNLL export hold no control
    character (the article's own tokens are data, written as they are)."""
    store = corpus / "pipe" / "s.json"
    check(reader("import", "evil.jsonl", "--store", str(store), "--skip-invalid", cwd=corpus), "import")
    for fmt in ("conll", "conll-nested"):
        r = reader("export", "--store", str(store), "--format", fmt, "--comments", "--answers", "all", cwd=corpus)
        assert r.returncode == 0, r.stderr
        comments = [ln for ln in r.stdout.decode("utf-8").splitlines() if ln.startswith("# ")]
        assert comments
        for line in comments:
            assert _BAD.search(line) is None and "\x07" not in line, f"{fmt}: {line!r}"
