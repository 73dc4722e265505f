"""Stands in for `python -m reader.cli` (and for the warm spare, `python -m reader.serve.spare`)
behind `reader serve` in the HTTP tests: speaks the web driver's packet protocol, first sends its
command line (a spare's as it was handed over), then echoes each key it gets as "key:<data>" and
quits when asked (the real app is driven in tests/e2e)."""

from __future__ import annotations

import json
import os
import sys


def packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def main() -> None:
    argv, spare = sys.argv[1:], sys.argv[1:3] == ["-m", "reader.serve.spare"]
    size = {"columns": os.environ.get("COLUMNS"), "rows": os.environ.get("ROWS")}
    if spare:  # as reader/serve/spare.py: one JSON line, read byte by byte
        line = bytearray()
        while (byte := os.read(0, 1)) not in (b"", b"\n"):
            line += byte
        if not line:
            return
        request = json.loads(line)
        argv = ["-m", "reader.cli", *request["args"]]
        size = {"columns": str(request["columns"]), "rows": str(request["rows"])}
    if "--annotator=broken" in argv:  # as the real app on a damaged store: a message, status 2
        sys.stderr.write("reader: error: s.json: the store is damaged \x1b]0;pwned\x07 (see the README)\n")
        sys.exit(2)
    out = sys.stdout.buffer
    out.write(b"__GANGLION__\n")
    out.write(packet(b"D", json.dumps({"argv": argv, "spare": spare, **size}).encode()))
    out.flush()
    stdin = sys.stdin.buffer
    while True:
        head = stdin.read(5)
        if len(head) < 5:
            return
        payload = stdin.read(int.from_bytes(head[1:], "big"))
        if head[:1] == b"D":
            out.write(packet(b"D", b"key:" + payload))
        elif json.loads(payload).get("type") == "quit":
            out.write(packet(b"M", json.dumps({"type": "exit"}).encode()))
            out.flush()
            return
        else:
            out.write(packet(b"D", b"meta:" + payload))
        out.flush()


if __name__ == "__main__":
    main()
