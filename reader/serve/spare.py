"""A warm app process for `reader serve`: run as ``python -m reader.serve.spare``, it imports the app
(most of an app's start-up time) and then waits for the command line of the annotator it is to serve.

The server keeps one spare ready and hands it the next connection, so a browser's first frame does
not wait for Python to import Textual. The request is one JSON line on stdin,
``{"args": [...], "columns": W, "rows": H}``, read byte by byte from the file descriptor, so nothing
after it (the web driver's packets, which Textual reads from the same descriptor) is consumed. End
of input before a request (the server stopped or dropped the spare) exits quietly.
"""

from __future__ import annotations

import json
import os
import sys

# Imported now, for the time they take; the app then starts without them.
import textual.drivers.web_driver  # noqa: F401

import reader.app
import reader.commands.app  # noqa: F401
from reader.cli import main as reader_main

REQUEST_LIMIT = 1 << 20


def read_request(fd: int = 0) -> dict[str, object] | None:
    line = bytearray()
    while len(line) < REQUEST_LIMIT:
        byte = os.read(fd, 1)
        if not byte:
            return None
        if byte == b"\n":
            request = json.loads(line.decode("utf-8"))
            return request if isinstance(request, dict) else None
        line += byte
    return None


def main() -> int:
    request = read_request()
    if request is None:
        return 0
    args = request.get("args")
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        return 2
    # The web driver takes its first size from these, as in a process started for the connection.
    os.environ["COLUMNS"] = str(request.get("columns", 80))
    os.environ["ROWS"] = str(request.get("rows", 24))
    sys.argv = ["reader", *args]
    return reader_main(args)


if __name__ == "__main__":
    sys.exit(main())
