"""`reader serve`: the annotation app in a web browser, one app process per signed-in annotator.

`reader serve --add-annotator NAME` makes NAME's token (printed once, with a sign-in link);
`--remove-annotator NAME` revokes it (an open session ends within seconds); `--list-annotators`.
Then `reader serve [--host H] [--port P]` serves the store's documents until Ctrl+C. See
reader/serve/ for the parts: tokens.py, auth.py, fonts.py, session.py, server.py.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from annotations.errors import UserError
from annotations.labels import LabelSchema
from annotations.paths import default_store_path
from reader.options import PENDING_POLICIES, THEMES
from reader.serve.auth import TOKEN_QUERY, is_loopback
from reader.serve.tokens import TokenFile
from reader.text.sanitize import terminal_safe

if TYPE_CHECKING:
    from reader.serve.server import ReaderServer

INSTALL_HINT = (
    "`reader serve` needs the optional web server (textual-serve): install it with "
    "pip install 'reader-arabic[serve]' (or, in a checkout, pip install -e '.[serve]')"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", default=None, help=f"the store (default: {default_store_path()})")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--public-url",
        default=None,
        metavar="URL",
        help="the address annotators open (behind a reverse proxy: https://…); used in printed sign-in links",
    )
    parser.add_argument("--labels", default=None, metavar="FILE", help="label schema (TOML) for every annotator")
    parser.add_argument("--theme", choices=THEMES, default="dark", help="colour theme of the app (default: dark)")
    parser.add_argument(
        "--on-pending", choices=PENDING_POLICIES, default="ask", help="what `a` does while suggestions are pending"
    )
    parser.add_argument("--font-size", type=int, default=16, metavar="PX", help="the page's font size (default: 16)")
    parser.add_argument(
        "--font",
        action="append",
        default=[],
        metavar="FILE",
        help="a font file (TTF/OTF) the page tries first for Arabic (repeatable)",
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--add-annotator", metavar="NAME", help="make a sign-in token for NAME (printed once) and exit")
    who.add_argument("--remove-annotator", metavar="NAME", help="revoke NAME's token and exit")
    who.add_argument("--list-annotators", action="store_true", help="list the annotators who have a token and exit")


def public_url(args: argparse.Namespace) -> str:
    if args.public_url:
        parts = urlsplit(args.public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UserError(f"--public-url must be an http:// or https:// address, got {args.public_url!r}")
        return str(args.public_url).rstrip("/") + "/"
    host = args.host if args.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{args.port}/"


def run(args: argparse.Namespace) -> int:
    store = Path(args.store) if args.store else default_store_path()
    store = store.absolute()
    tokens = TokenFile.for_store(store)
    if args.add_annotator is not None:
        token = tokens.add(args.add_annotator)
        name = terminal_safe(args.add_annotator)
        print(f"annotator {name} can sign in with this token (shown only this once):\n  {token}")
        print(f"or with this link (keep it private, like a password):\n  {public_url(args)}?{TOKEN_QUERY}={token}")
        return 0
    if args.remove_annotator is not None:
        tokens.remove(args.remove_annotator)
        print(f"removed the token of annotator {terminal_safe(args.remove_annotator)}")
        return 0
    if args.list_annotators:
        for entry in tokens.entries():
            made = datetime.fromtimestamp(entry.created).strftime("%Y-%m-%d %H:%M")
            print(f"{terminal_safe(entry.name)}\t(token made {made})")
        return 0
    return serve(args, store, tokens)


def serve(args: argparse.Namespace, store: Path, tokens: TokenFile) -> int:
    if importlib.util.find_spec("textual_serve") is None or importlib.util.find_spec("aiohttp") is None:
        raise UserError(INSTALL_HINT)
    if not 0 < args.port < 65536:
        raise UserError(f"--port must be between 1 and 65535, got {args.port}")
    if not 6 <= args.font_size <= 72:
        raise UserError(f"--font-size must be between 6 and 72, got {args.font_size}")
    app_args = ["--theme", args.theme, "--on-pending", args.on_pending]
    if args.labels:
        LabelSchema.from_toml(args.labels)  # a bad schema is refused now, not in every browser tab
        app_args += ["--labels", str(Path(args.labels).absolute())]
    fonts = [Path(f) for f in args.font]
    for font in fonts:
        if not font.is_file():
            raise UserError("no such font file", path=str(font))
    if not store.parent.is_dir():
        raise UserError("the store's directory does not exist", path=str(store.parent))
    names = tokens.names()  # a damaged tokens file is refused here, with how to recover

    from reader.serve.fonts import find_faces, missing_characters
    from reader.serve.server import ReaderServer, ServeConfig

    setup_logging()
    faces = find_faces(fonts)
    missing = missing_characters(faces)
    if missing:
        shown = " ".join(f"U+{ord(c):04X}" for c in missing)
        print(
            f"reader serve: warning: no installed font has {shown}; the page will draw boxes for them "
            "(install fonts-dejavu-core and fonts-kacst-one, or pass --font FILE)",
            file=sys.stderr,
        )
    if not is_loopback(args.host):
        print(
            f"reader serve: warning: listening on {terminal_safe(args.host)}, not only on this machine: tokens "
            "and everything annotators read travel unencrypted unless a TLS reverse proxy (nginx, Caddy) is in "
            "front of this server; see the README, 'In a browser'",
            file=sys.stderr,
        )
    if not names:
        print(
            "reader serve: warning: no annotator has a token yet, so nobody can sign in; add one with "
            "`reader serve --add-annotator NAME`",
            file=sys.stderr,
        )
    config = ServeConfig(
        store=store, tokens=tokens, app_args=app_args, faces=faces, font_size=args.font_size, port=args.port
    )
    server = ReaderServer(config)
    return run_server(server, args.host, args.port, public_url(args))


class SafeFormatter(logging.Formatter):
    """Log lines (with any traceback aiohttp adds) made safe for the terminal as a whole."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().format(record), keep_newlines=True)


def setup_logging() -> None:
    """What the server reports (connections, refusals, apps that failed) and aiohttp's own errors go
    to stderr through SafeFormatter; aiohttp's access log is off (request lines carry sign-in tokens)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter("reader serve: %(message)s"))
    for name, level in (("reader.serve", logging.INFO), ("aiohttp", logging.WARNING)):
        log = logging.getLogger(name)
        if not log.handlers:
            log.addHandler(handler)
            log.setLevel(level)
            log.propagate = False


def run_server(server: ReaderServer, host: str, port: int, url: str) -> int:
    from aiohttp import web

    async def main() -> None:
        runner = server.make_runner()
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
        print(f"reader serve: serving {terminal_safe(server.config.store)} at {url} (Ctrl+C to stop)", file=sys.stderr)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            print("reader serve: stopping; every open app quits and saves first", file=sys.stderr)
            await runner.cleanup()

    asyncio.run(main())
    return 0
