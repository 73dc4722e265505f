"""The web server of `reader serve`: sign-in, the app page, and one app process per websocket.

Routes (all relative, so the server also works behind a proxy under a path prefix):

- ``GET login``, ``POST login``: the sign-in form; the only page served without a valid sign-in.
  ``POST logout`` ends the session and clears the cookie.
- ``GET /?token=T``: a sign-in link. A valid T opened directly (typed, pasted, from a mail program:
  ``Sec-Fetch-Site: none`` or ``same-origin``) signs in, sets the cookie and redirects to ``/`` (so
  the token leaves the address bar and the history). Opened from another site, or by a browser
  that does not say where it came from, or over a different annotator's sign-in, it shows "Sign in
  as NAME?" with a button that posts to ``login`` (whose ``Origin`` is checked). An invalid T gets
  the sign-in page.
- ``GET /``: the app page; ``GET ws``: its websocket; ``static/...`` (textual-serve's xterm.js
  bundle and CSS, from the installed wheel), ``page/...`` (our CSS and script) and ``fonts/...``
  (the font files, see fonts.py). Without a valid token each of these answers 401 with the sign-in
  page and nothing else.

Every response carries a Content-Security-Policy that allows only this server's own scripts,
styles, fonts and websocket (so the page can load nothing from elsewhere, and nothing can frame
it), and ``Cache-Control: no-store`` on pages. No access log is written: request lines carry
sign-in links' tokens. What the server logs (connections, refusals) goes through terminal_safe.

The websocket carries only the five kinds of message textual-serve's page sends; anything else
(not JSON, nested too deep, an unknown kind, a binary frame) ends that session with one log line.
Terminal sizes are clamped and coalesced (reader/serve/resize.py).
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

from reader.serve.auth import TOKEN_QUERY, cookie_name, direct_navigation, same_origin
from reader.serve.fonts import Face, font_face_css
from reader.serve.resize import MAX_COLUMNS, MAX_ROWS, RESIZE_INTERVAL, ResizeCoalescer, to_cells
from reader.serve.session import AppProcess, Spares, app_args
from reader.serve.signins import SignIns
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
# A connection must have sent a whole request within this many seconds of opening (and an idle
# keep-alive connection is closed after as long): connections that trickle their headers in
# ("slowloris") are not held. aiohttp applies its keep-alive timeout from the connection's start
# since 3.14.4 (hence the lower bound in pyproject.toml); a websocket, once open, is not affected.
IDLE_TIMEOUT = 20.0
MAX_LINE = 8190  # bytes of the request line, and of one header (aiohttp's default, stated here)
MAX_HEADERS = 64
REVOKE_CHECK = 2.0  # seconds between checks that a connected annotator's sign-in is still valid


def _page(name: str) -> str:
    return (files("reader.serve") / "page" / name).read_text(encoding="utf-8")


def _static_root() -> Path:
    return Path(str(files("textual_serve") / "static"))


class BadMessage(ValueError):
    """A websocket message that is not one the page sends."""


@dataclass
class ServeConfig:
    store: Path
    tokens: TokenFile
    app_args: list[str] = field(default_factory=list)  # passed on to every app (--labels, --theme, ...)
    faces: list[Face] = field(default_factory=list)
    title: str = "reader"
    font_size: int = 16
    python: str | None = None  # the interpreter that runs the apps (default: this one)
    port: int = 0  # the port served (part of the cookie's name)
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
        self.signins = SignIns(config.tokens, max_age=COOKIE_MAX_AGE)
        self.cookie = cookie_name(config.store, config.port)
        self._confirm_template = string.Template(_page("confirm.html"))

    # ---- the application
    def make_runner(self) -> web.AppRunner:
        """The application with the connection limits above, and no access log (request lines
        carry sign-in links' tokens)."""
        return web.AppRunner(
            self.make_app(),
            access_log=None,
            handle_signals=False,
            keepalive_timeout=IDLE_TIMEOUT,
            max_line_size=MAX_LINE,
            max_field_size=MAX_LINE,
            max_headers=MAX_HEADERS,
        )

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
        return self.signins.annotator(request.cookies.get(self.cookie))

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

    def _sign_in(self, request: web.Request, token: str, location: str) -> web.Response | None:
        """Open a session for ``token`` (ending the browser's previous one) and redirect; None if
        the token is not valid."""
        opened = self.signins.open(token)
        if opened is None:
            return None
        session_id, _annotator = opened
        self.signins.close(request.cookies.get(self.cookie))
        response = web.Response(status=303, headers={"Location": location})
        # Secure when the browser reached us over TLS: directly, or through a proxy that says so
        # (X-Forwarded-Proto is trusted for this flag only; see the README, 'Over a network').
        secure = request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
        response.set_cookie(
            self.cookie, session_id, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Strict", secure=secure or None
        )
        return response

    def _confirm_response(self, token: str, name: str, current: str | None) -> web.Response:
        if current is not None:
            note = (
                f"<p>This browser is signed in as <b>{html.escape(current)}</b>; signing in as "
                f"<b>{html.escape(name)}</b> replaces that.</p>"
            )
            cancel = f"Stay signed in as {html.escape(current)}"
        else:
            note = "<p>Sign in only if this is your own link: the page that sent you here cannot sign you in.</p>"
            cancel = "Cancel"
        body = self._confirm_template.substitute(
            title=html.escape(self.config.title),
            name=html.escape(name),
            token=html.escape(token, quote=True),
            note=note,
            cancel=cancel,
        )
        return web.Response(text=body, content_type="text/html", charset="utf-8")

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
        response = self._sign_in(request, token, "./") if isinstance(token, str) else None
        if response is None or not isinstance(token, str):
            log.info("refused a sign-in from %s", terminal_safe(request.remote or "?"))
            return self._login_response(status=401, message="That token is not valid.")
        log.info("annotator %s signed in", terminal_safe(self.config.tokens.verify(token) or "?"))
        return response

    async def logout(self, request: web.Request) -> web.Response:
        if not same_origin(request.headers.get("Origin"), request.host):
            return self._login_response(status=403, message="Sign out from this server's own page.")
        self.signins.close(request.cookies.get(self.cookie))
        response = web.Response(status=303, headers={"Location": "login"})
        response.del_cookie(self.cookie)
        return response

    # ---- the app page and its files
    async def index(self, request: web.Request) -> web.Response:
        if TOKEN_QUERY in request.query:
            return self._link(request, request.query[TOKEN_QUERY])
        annotator = self.annotator_of(request)
        assert annotator is not None  # the middleware let us in
        body = self._app_template.substitute(
            title=html.escape(self.config.title),
            annotator=html.escape(annotator),
            font_size=self.config.font_size,
        )
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    def _link(self, request: web.Request, token: str) -> web.Response:
        """A sign-in link: sign in at once only if the user opened it themselves and it does not
        replace another annotator's sign-in; otherwise ask (see the module's docstring)."""
        name = self.config.tokens.verify(token)
        if name is None:
            return self._login_response(status=401, message="That sign-in link is not valid (any more).")
        current = self.annotator_of(request)
        if current == name:
            return web.Response(status=303, headers={"Location": "./"})
        if current is not None or not direct_navigation(request.headers.get("Sec-Fetch-Site")):
            log.info(
                "a sign-in link of annotator %s was opened %s: asking first",
                terminal_safe(name),
                "over another sign-in" if current is not None else "from another site",
            )
            return self._confirm_response(token, name, current)
        response = self._sign_in(request, token, "./")
        if response is None:  # revoked in between
            return self._login_response(status=401, message="That sign-in link is not valid (any more).")
        log.info("annotator %s signed in by link", terminal_safe(name))
        return response

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
        session_id = request.cookies.get(self.cookie, "")
        width = to_cells(request.query.get("width", "80"), MAX_COLUMNS) or 80
        height = to_cells(request.query.get("height", "24"), MAX_ROWS) or 24
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
        watcher = asyncio.create_task(self._watch_signin(session_id, app, websocket))
        resizes = ResizeCoalescer(app.set_terminal_size, (width, height), interval=RESIZE_INTERVAL)
        try:
            await self._relay(websocket, app, resizes)
        except asyncio.CancelledError:
            pass
        except BadMessage as exc:
            log.warning("ended the session of annotator %s: %s", terminal_safe(annotator), terminal_safe(str(exc)))
        finally:
            # Shielded: when the app's exit closes the websocket first, aiohttp cancels this
            # handler, and the app must still be stopped and the session forgotten.
            ending = asyncio.ensure_future(self._end_session(annotator, app, websocket, resizes, watcher))
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(ending)
        return websocket

    async def _end_session(
        self,
        annotator: str,
        app: AppProcess,
        websocket: web.WebSocketResponse,
        resizes: ResizeCoalescer,
        watcher: asyncio.Task[None],
    ) -> None:
        await resizes.close()
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await app.stop()
        if self.sessions.get(annotator) is app:
            del self.sessions[annotator]
        with contextlib.suppress(Exception):
            await websocket.close()
        log.info("annotator %s disconnected", terminal_safe(annotator))

    async def _watch_signin(self, session_id: str, app: AppProcess, websocket: web.WebSocketResponse) -> None:
        """End the session when its sign-in ends: the token removed, or signed out."""
        while not websocket.closed:
            await asyncio.sleep(REVOKE_CHECK)
            if self.signins.annotator(session_id) != app.annotator:
                log.info(
                    "the sign-in of annotator %s ended (token removed, or signed out): ending the session",
                    terminal_safe(app.annotator),
                )
                await app.stop()
                await websocket.close()
                return

    @staticmethod
    def _parse(text: str) -> tuple[str, object]:
        """A text message from the page as (kind, data); BadMessage if it is not one the page sends."""
        try:
            envelope = json.loads(text)
        except RecursionError:  # "[[[[...": json's parser recurses per level
            raise BadMessage("a message from the browser was nested too deep") from None
        except ValueError:
            raise BadMessage("a message from the browser was not JSON") from None
        if not isinstance(envelope, list) or not 1 <= len(envelope) <= 2 or not isinstance(envelope[0], str):
            raise BadMessage("a message from the browser was not [kind, data]")
        kind: str = envelope[0]
        data: object = envelope[1] if len(envelope) > 1 else None
        if kind in ("stdin", "ping") and isinstance(data, str):
            return kind, data
        if kind == "resize" and isinstance(data, dict):
            return kind, data
        if kind in ("blur", "focus"):
            return kind, None
        raise BadMessage(f"a message from the browser was of no known kind ({kind[:20]!r})")

    @classmethod
    async def _relay(cls, websocket: web.WebSocketResponse, app: AppProcess, resizes: ResizeCoalescer) -> None:
        """Browser -> app. Only well-formed messages of the five kinds textual-serve's page sends are
        passed on; keys go to the app as terminal input, nothing else reaches it. Anything else
        raises BadMessage (the caller ends the session)."""
        async for message in websocket:
            if message.type == WSMsgType.ERROR:
                raise BadMessage(f"the websocket failed ({type(websocket.exception()).__name__})")
            if message.type != WSMsgType.TEXT:
                raise BadMessage("the browser sent a binary message")
            kind, data = cls._parse(message.data)
            if kind == "stdin" and isinstance(data, str):
                await app.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                columns, rows = to_cells(data.get("width"), MAX_COLUMNS), to_cells(data.get("height"), MAX_ROWS)
                if columns is None or rows is None:
                    raise BadMessage("a resize from the browser had no size")
                resizes.offer(columns, rows)
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
