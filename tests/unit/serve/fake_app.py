"""Stands in for `python -m reader.cli` behind `reader serve` in the HTTP tests: speaks the web
driver's packet protocol, first sends its own command line, then echoes each key it gets as
"key:<data>" and quits when asked (the real app is driven in tests/e2e)."""

from __future__ import annotations

import json
import sys


def packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def main() -> None:
    out = sys.stdout.buffer
    out.write(b"__GANGLION__\n")
    out.write(packet(b"D", json.dumps({"argv": sys.argv[1:]}).encode()))
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
