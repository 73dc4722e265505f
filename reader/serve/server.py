"""The web server of `reader serve`: sign-in, the app page, and one app process per websocket.

Routes (all relative, so the server also works behind a proxy under a path prefix):

- ``GET login``, ``POST login``: the sign-in form; the only page served without a valid token.
  ``POST logout`` clears the cookie.
- ``GET /?token=T``: a sign-in link; a valid T sets the cookie and redirects to ``/`` (so the token
  leaves the address bar and the history); an invalid one gets the sign-in page.
- ``GET /``: the app page; ``GET ws``: its websocket; ``static/...`` (textual-serve's xterm.js
  bundle and CSS, from the installed wheel), ``page/...`` (our CSS and script) and ``fonts/...``
  (the font files, see fonts.py). Without a valid token each of these answers 401 with the sign-in
  page and nothing else.

Every response carries a Content-Security-Policy that allows only this server's own scripts,
styles, fonts and websocket (so the page can load nothing from elsewhere, and nothing can frame
it), and ``Cache-Control: no-store`` on pages. No access log is written: request lines carry
sign-in links' tokens. What the server logs (connections, refusals) goes through terminal_safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import string
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from aiohttp import WSMsgType, web
from textual_serve.download_manager import DownloadManager

from reader.serve.auth import COOKIE, TOKEN_QUERY, same_origin
from reader.serve.fonts import Face, font_face_css
from reader.serve.session import AppProcess, Spares, app_args
from reader.serve.tokens import TokenFile
from reader.text.sanitize import terminal_safe

log = logging.getLogger("reader.serve")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# Referrer-Policy same-origin, not no-referrer: with no-referrer the browser sends "Origin: null" on
# the sign-in form's POST, which the same-origin check must refuse.
# xterm.js's bundle inserts its own <style> elements, hence 'unsafe-inline' for styles (never for scripts).
COOKIE_MAX_AGE = 30 * 24 * 3600
REVOKE_CHECK = 2.0  # seconds between checks that a connected annotator's token is still valid
MAX_TERMINAL = 1000  # cells: a larger size from the browser is clamped


def _page(name: str) -> str:
    return (files("reader.serve") / "page" / name).read_text(encoding="utf-8")


def _static_root() -> Path:
    return Path(str(files("textual_serve") / "static"))


def _to_int(value: object, default: int, low: int = 1, high: int = MAX_TERMINAL) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return default
    return max(low, min(high, number))


@dataclass
class ServeConfig:
    store: Path
    tokens: TokenFile
    app_args: list[str] = field(default_factory=list)  # passed on to every app (--labels, --theme, ...)
    faces: list[Face] = field(default_factory=list)
    title: str = "reader"
    font_size: int = 16
    python: str | None = None  # the interpreter that runs the apps (default: this one)
    spare: bool = True  # keep a warm app process ready for the next connection


class ReaderServer:
    """The aiohttp application and the live sessions (one owner: ``self.sessions``)."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.sessions: dict[str, AppProcess] = {}  # annotator -> their one live app
        self._session_locks: dict[str, asyncio.Lock] = {}
        self.download_manager = DownloadManager()
        self._login_template = string.Template(_page("login.html"))
        self._app_template = string.Template(_page("app.html"))
        self._page_files = {name: _page(name) for name in ("app.js", "app.css")}
        self._fonts_css = font_face_css(config.faces, url_prefix="../fonts/")
        self._faces = {face.key: face for face in config.faces}
        self._closing = False
        self.spares = Spares(config.python or sys.executable, enabled=config.spare)

    # ---- the application
    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._headers, self._require_token])
        app.add_routes(
            [
                web.get("/login", self.login_page),
                web.post("/login", self.login),
                web.post("/logout", self.logout),
                web.get("/", self.index),
                web.get("/ws", self.websocket),
                web.get("/favicon.ico", self.no_icon),
                web.get("/page/fonts.css", self.fonts_css),
                web.get("/page/{name}", self.page_file),
                web.get("/fonts/{key}", self.font_file),
                web.static("/static", _static_root(), show_index=False, follow_symlinks=False),
            ]
        )
        app.on_startup.append(self._on_startup)
        app.on_shutdown.append(self._on_shutdown)
        return app

    # ---- who is asking
    def annotator_of(self, request: web.Request) -> str | None:
        return self.config.tokens.verify(request.cookies.get(COOKIE))

    @staticmethod
    def _is_public(request: web.Request) -> bool:
        return request.path == "/login" or (request.path == "/" and TOKEN_QUERY in request.query)

    @web.middleware
    async def _require_token(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if self._is_public(request) or self.annotator_of(request) is not None:
            return await handler(request)
        return self._login_response(status=401)

    @web.middleware
    async def _headers(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = exc
        if not isinstance(response, web.WebSocketResponse) or not response.prepared:
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "same-origin")
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Cache-Control", "no-store")
        if isinstance(response, web.HTTPException) and response.status >= 400:
            raise response
        return response

    # ---- sign-in
    def _login_response(self, *, status: int = 200, message: str = "") -> web.Response:
        body = self._login_template.substitute(
            title=html.escape(self.config.title),
            message=f'<p class="error">{html.escape(message)}</p>' if message else "",
        )
        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")

    def _signed_in(self, request: web.Request, token: str, location: str) -> web.Response:
        response = web.Response(status=303, headers={"Location": location})
        secure = request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
        response.set_cookie(
            COOKIE, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Strict", secure=secure or None
        )
        return response

    async def login_page(self, request: web.Request) -> web.Response:
        if self.annotator_of(request) is not None:
            return web.Response(status=303, headers={"Location": "./"})
        return self._login_response()

    async def login(self, request: web.Request) -> web.Response:
        # A cross-site form post could sign the browser in under someone else's token (login CSRF).
        if not same_origin(request.headers.get("Origin"), request.host):
            return self._login_response(status=403, message="Sign in from this server's own page.")
        try:
            form = await request.post()
        except ValueError:
            form = None
        token = form.get("token") if form is not None else None
        name = self.config.tokens.verify(token) if isinstance(token, str) else None
        if name is None or not isinstance(token, str):
            log.info("refused a sign-in from %s", terminal_safe(request.remote or "?"))
            return self._login_response(status=401, message="That token is not valid.")
        log.info("annotator %s signed in", terminal_safe(name))
        return self._signed_in(request, token, "./")

    async def logout(self, request: web.Request) -> web.Response:
        if not same_origin(request.headers.get("Origin"), request.host):
            return self._login_response(status=403, message="Sign out from this server's own page.")
        response = web.Response(status=303, headers={"Location": "login"})
        response.del_cookie(COOKIE)
        return response

    # ---- the app page and its files
    async def index(self, request: web.Request) -> web.Response:
        if TOKEN_QUERY in request.query:
            token = request.query[TOKEN_QUERY]
            name = self.config.tokens.verify(token)
            if name is None:
                return self._login_response(status=401, message="That sign-in link is not valid (any more).")
            log.info("annotator %s signed in by link", terminal_safe(name))
            return self._signed_in(request, token, "./")
        annotator = self.annotator_of(request)
        assert annotator is not None  # the middleware let us in
        body = self._app_template.substitute(
            title=html.escape(self.config.title),
            annotator=html.escape(annotator),
            font_size=self.config.font_size,
        )
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def no_icon(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def fonts_css(self, request: web.Request) -> web.Response:
        return web.Response(text=self._fonts_css, content_type="text/css", charset="utf-8")

    async def page_file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        text = self._page_files.get(name)
        if text is None:
            raise web.HTTPNotFound()
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        return web.Response(text=text, content_type=kind, charset="utf-8")

    async def font_file(self, request: web.Request) -> web.StreamResponse:
        face = self._faces.get(request.match_info["key"])
        if face is None:
            raise web.HTTPNotFound()
        return web.FileResponse(
            face.path, headers={"Content-Type": f"font/{'otf' if face.fmt == 'opentype' else 'ttf'}"}
        )

    # ---- the websocket: one app process
    async def websocket(self, request: web.Request) -> web.StreamResponse:
        annotator = self.annotator_of(request)
        assert annotator is not None  # the middleware let us in
        if not same_origin(request.headers.get("Origin"), request.host):
            # Cross-site websocket hijacking: another site's page connecting with our cookie.
            log.warning(
                "refused a websocket for %s from origin %s",
                terminal_safe(annotator),
                terminal_safe(request.headers.get("Origin", "(none)")),
            )
            raise web.HTTPForbidden(text="cross-origin websocket refused")
        token = request.cookies.get(COOKIE, "")
        width = _to_int(request.query.get("width", "80"), 80)
        height = _to_int(request.query.get("height", "24"), 24)
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1 << 20)
        await websocket.prepare(request)
        lock = self._session_locks.setdefault(annotator, asyncio.Lock())
        async with lock:
            previous = self.sessions.get(annotator)
            if previous is not None:
                log.info("annotator %s opened the app again: ending their other session", terminal_safe(annotator))
                await previous.stop()
                await previous.wait()
            if self._closing:
                await websocket.close()
                return websocket
            app = AppProcess(
                self.config.python or sys.executable,
                app_args(str(self.config.store), annotator, self.config.app_args),
                annotator,
                spares=self.spares,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
            )
            try:
                await app.start(width, height)
            except OSError as exc:  # no interpreter, no processes left, ...
                log.error("cannot start the app of annotator %s: %s", terminal_safe(annotator), terminal_safe(exc))
                await websocket.close()
                return websocket
            self.sessions[annotator] = app
        log.info("annotator %s connected", terminal_safe(annotator))
        watcher = asyncio.create_task(self._watch_token(token, app, websocket))
        try:
            await self._relay(websocket, app)
        except asyncio.CancelledError:
            pass
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            await app.stop()
            if self.sessions.get(annotator) is app:
                del self.sessions[annotator]
            with contextlib.suppress(Exception):
                await websocket.close()
            log.info("annotator %s disconnected", terminal_safe(annotator))
        return websocket

    async def _watch_token(self, token: str, app: AppProcess, websocket: web.WebSocketResponse) -> None:
        """End the session when its token is removed (or the app exits by itself)."""
        while not websocket.closed:
            await asyncio.sleep(REVOKE_CHECK)
            if self.config.tokens.verify(token) is None:
                log.info("the token of annotator %s was removed: ending the session", terminal_safe(app.annotator))
                await app.stop()
                await websocket.close()
                return

    @staticmethod
    async def _relay(websocket: web.WebSocketResponse, app: AppProcess) -> None:
        """Browser -> app. Only well-formed messages of the five kinds textual-serve's page sends are
        passed on; keys go to the app as terminal input, nothing else reaches it."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await app.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                await app.set_terminal_size(_to_int(data.get("width"), 80), _to_int(data.get("height"), 24))
            elif kind == "ping" and isinstance(data, str):
                await websocket.send_json(["pong", data[:32]])
            elif kind == "blur":
                await app.blur()
            elif kind == "focus":
                await app.focus()

    async def _on_startup(self, app: web.Application) -> None:
        self.spares.refill()

    async def _on_shutdown(self, app: web.Application) -> None:
        """Every app quits (and closes the store) before the server exits."""
        self._closing = True
        sessions = list(self.sessions.values())
        await asyncio.gather(self.spares.close(), *(s.stop() for s in sessions), return_exceptions=True)
