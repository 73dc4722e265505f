"""`reader serve` over HTTP (aiohttp's test client; the app process is tests/unit/serve/fake_app.py):
nothing but the sign-in page without a valid token, the cookie's flags, same-origin websockets, the
app started as the token's annotator whatever the browser sends, and sessions ended on revocation."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession, ClientWebSocketResponse, CookieJar, WSMsgType, WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer

from reader.serve import server as server_module
from reader.serve.fonts import find_faces
from reader.serve.server import ReaderServer, ServeConfig
from reader.serve.tokens import TokenFile

FAKE_APP = Path(__file__).with_name("fake_app.py")
TYPED = {"Sec-Fetch-Site": "none"}  # what a browser sends for a link typed, pasted or opened from mail
PROTECTED = ["/", "/ws", "/static/js/textual.js", "/static/css/xterm.css", "/page/app.js", "/page/fonts.css",
             "/fonts/latin.ttf", "/nothing-here", "/static/../../etc/passwd"]  # fmt: skip


class Served:
    def __init__(self, client: TestClient, server: ReaderServer, tokens: TokenFile, store: Path) -> None:
        self.client = client
        self.server = server
        self.tokens = tokens
        self.store = store

    @property
    def origin(self) -> str:
        return f"http://{self.client.host}:{self.client.port}"

    @property
    def cookie(self) -> str:
        return self.server.cookie

    async def sign_in(self, token: str) -> None:
        response = await self.client.get("/", params={"token": token}, headers=TYPED, allow_redirects=False)
        assert response.status == 303

    async def connect(self, **params: str) -> ClientWebSocketResponse:
        return await self.client.ws_connect("/ws", params=params, headers={"Origin": self.origin})


@pytest.fixture(params=[True, False], ids=["spare", "cold"])
async def served(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Served]:
    python = tmp_path / "fake-python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_APP}" "$@"\n')
    python.chmod(0o755)
    store = tmp_path / "s.json"
    tokens = TokenFile.for_store(store)
    config = ServeConfig(store=store, tokens=tokens, app_args=["--theme", "light"], faces=find_faces(),
                         python=str(python), spare=request.param)  # fmt: skip
    server = ReaderServer(config)
    client = TestClient(TestServer(server.make_app()))
    await client.start_server()
    try:
        yield Served(client, server, tokens, store)
    finally:
        await client.close()


async def receive_text(ws: ClientWebSocketResponse, timeout: float = 10) -> str:
    while True:
        message = await asyncio.wait_for(ws.receive(), timeout)
        if message.type == WSMsgType.BINARY:
            return bytes(message.data).decode()
        if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING):
            raise AssertionError("the websocket closed")


@pytest.mark.parametrize("path", PROTECTED)
async def test_without_a_token_every_route_answers_with_the_sign_in_page_only(served: Served, path: str) -> None:
    served.tokens.add("alice")
    response = await served.client.get(path, allow_redirects=False)
    body = await response.text()
    assert response.status == 401
    assert response.content_type == "text/html"
    assert '<form method="post" action="login">' in body
    assert "textual.js" not in body and "fonts" not in body and "alice" not in body


@pytest.mark.parametrize("cookie", ["", "wrong", "x" * 43])
async def test_a_wrong_token_in_the_cookie_is_no_better(served: Served, cookie: str) -> None:
    served.tokens.add("alice")
    served.client.session.cookie_jar.update_cookies({served.cookie: cookie})
    for path in PROTECTED:
        response = await served.client.get(path, allow_redirects=False)
        assert response.status == 401, path
    with pytest.raises(WSServerHandshakeError) as info:
        await served.connect()
    assert info.value.status == 401


async def test_the_sign_in_link_sets_a_strict_http_only_cookie_and_leaves_the_address_bar(served: Served) -> None:
    token = served.tokens.add("alice")
    response = await served.client.get("/", params={"token": token}, headers=TYPED, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "./"  # the token is gone from the address (and history)
    cookie = response.cookies[served.cookie]
    assert token not in cookie.value and len(cookie.value) >= 43  # a session id, not the token
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert not cookie["secure"]  # plain http on localhost; https behind a proxy sets it
    page = await served.client.get("/")
    body = await page.text()
    assert page.status == 200 and "static/js/textual.js" in body and "alice" in body
    assert "https://" not in body and "http://" not in body  # nothing from another server
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


async def test_behind_a_tls_proxy_the_cookie_is_secure(served: Served) -> None:
    token = served.tokens.add("alice")
    response = await served.client.get(
        "/", params={"token": token}, headers={"X-Forwarded-Proto": "https", **TYPED}, allow_redirects=False
    )
    assert response.cookies[served.cookie]["secure"]


async def test_a_wrong_sign_in_link_gets_the_sign_in_page(served: Served) -> None:
    served.tokens.add("alice")
    response = await served.client.get("/", params={"token": "guess"}, allow_redirects=False)
    assert response.status == 401 and served.cookie not in response.cookies
    assert "not valid" in await response.text()


async def test_the_sign_in_form(served: Served) -> None:
    token = served.tokens.add("alice")
    page = await served.client.get("/login")
    assert page.status == 200 and 'type="password"' in await page.text()
    wrong = await served.client.post("/login", data={"token": "nope"}, headers={"Origin": served.origin},
                                     allow_redirects=False)  # fmt: skip
    assert wrong.status == 401 and "not valid" in await wrong.text() and served.cookie not in wrong.cookies
    right = await served.client.post("/login", data={"token": token}, headers={"Origin": served.origin},
                                     allow_redirects=False)  # fmt: skip
    assert right.status == 303 and right.cookies[served.cookie]["httponly"]
    assert (await served.client.get("/")).status == 200


async def test_a_sign_in_posted_from_another_site_is_refused(served: Served) -> None:
    token = served.tokens.add("alice")
    for origin in ("https://evil.example", None):
        headers = {"Origin": origin} if origin else {}
        response = await served.client.post("/login", data={"token": token}, headers=headers, allow_redirects=False)
        assert response.status == 403 and served.cookie not in response.cookies


async def test_sign_out_clears_the_cookie(served: Served) -> None:
    await served.sign_in(served.tokens.add("alice"))
    response = await served.client.post("/logout", headers={"Origin": served.origin}, allow_redirects=False)
    assert response.status == 303
    assert (await served.client.get("/", allow_redirects=False)).status == 401


async def test_a_websocket_from_another_origin_is_refused(served: Served) -> None:
    await served.sign_in(served.tokens.add("alice"))
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {}):
        with pytest.raises(WSServerHandshakeError) as info:
            await served.client.ws_connect("/ws", headers=headers)
        assert info.value.status == 403
    assert served.server.sessions == {}


async def wait_for_spare(served: Served) -> None:
    for _ in range(200):
        if served.server.spares._spare is not None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no spare process started")


async def test_the_app_runs_as_the_tokens_annotator_whatever_the_browser_says(served: Served) -> None:
    await served.sign_in(served.tokens.add("alice"))
    if served.server.config.spare:
        await wait_for_spare(served)
    ws = await served.connect(annotator="mallory", width="100", height="30")
    started = json.loads(await receive_text(ws))
    assert started["spare"] is served.server.config.spare  # a warm spare when there is one
    assert started["argv"] == ["-m", "reader.cli", "--store", str(served.store), "--annotator=alice",
                               "--theme", "light"]  # fmt: skip
    assert (started["columns"], started["rows"]) == ("100", "30")
    await ws.send_str(json.dumps(["stdin", "--annotator=mallory\x1b[A"]))
    assert await receive_text(ws) == "key:--annotator=mallory\x1b[A"  # keys are only ever keys
    await ws.send_str(json.dumps(["resize", {"width": 99999, "height": -5}]))
    meta = json.loads((await receive_text(ws)).removeprefix("meta:"))
    assert meta == {"type": "resize", "width": 400, "height": 1}  # clamped
    await ws.close()
    if served.server.config.spare:
        await wait_for_spare(served)  # the next one is ready
        spare = served.server.spares._spare
        assert spare is not None
        await served.server.spares.close()
        assert spare.returncode == 0  # a spare ends quietly when the server stops


async def test_two_annotators_work_at_once_and_a_second_tab_ends_the_first(served: Served) -> None:
    alice, bob = served.tokens.add("alice"), served.tokens.add("bob")
    await served.sign_in(alice)
    ws_alice = await served.connect()
    assert "--annotator=alice" in json.loads(await receive_text(ws_alice))["argv"]
    # a second browser, with its own cookies
    async with ClientSession(base_url=served.client.make_url("/"), cookie_jar=CookieJar(unsafe=True)) as browser_b:
        response = await browser_b.get("/", params={"token": bob}, headers=TYPED, allow_redirects=False)
        assert response.status == 303
        ws_bob = await browser_b.ws_connect("/ws", headers={"Origin": served.origin})
        assert "--annotator=bob" in json.loads(await receive_text(ws_bob))["argv"]
        assert sorted(served.server.sessions) == ["alice", "bob"]
        # alice opens a second tab: her first session ends (one writer per annotator), bob's stays
        ws_alice2 = await served.connect()
        assert "--annotator=alice" in json.loads(await receive_text(ws_alice2))["argv"]
        closed = await asyncio.wait_for(ws_alice.receive(), 10)
        assert closed.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
        await ws_bob.send_str(json.dumps(["stdin", "b"]))
        assert await receive_text(ws_bob) == "key:b"
        await ws_bob.close()
        await ws_alice2.close()


async def test_removing_an_annotator_ends_their_open_session(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_module, "REVOKE_CHECK", 0.05)
    await served.sign_in(served.tokens.add("alice"))
    ws = await served.connect()
    await receive_text(ws)
    TokenFile.for_store(served.store).remove("alice")  # as `reader serve --remove-annotator` does
    message = await asyncio.wait_for(ws.receive(), 10)
    while message.type == WSMsgType.BINARY:
        message = await asyncio.wait_for(ws.receive(), 10)
    assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
    assert (await served.client.get("/", allow_redirects=False)).status == 401


async def test_an_app_that_cannot_start_tells_the_browser_why_safely(served: Served) -> None:
    await served.sign_in(served.tokens.add("broken"))
    ws = await served.connect()
    shown = await receive_text(ws)
    assert "reader: error: s.json: the store is damaged ␛]0;pwned␇ (see the README)" in shown
    assert "\x1b]" not in shown  # the app's words reach the page's terminal as text, never as controls
    closed = await asyncio.wait_for(ws.receive(), 10)
    assert closed.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)


async def test_hostile_annotator_names_are_escaped_in_the_page(served: Served) -> None:
    name = '<script>alert(1)</script>"'
    await served.sign_in(served.tokens.add(name))
    body = await (await served.client.get("/")).text()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in body


async def test_the_page_files_and_fonts_are_served_to_a_signed_in_browser(served: Served) -> None:
    await served.sign_in(served.tokens.add("alice"))
    for path, kind in [("/static/js/textual.js", "javascript"), ("/page/app.js", "javascript"),
                       ("/page/fonts.css", "text/css"), ("/fonts/latin.ttf", "font/ttf")]:  # fmt: skip
        response = await served.client.get(path)
        assert response.status == 200, path
        assert kind in response.headers["Content-Type"], (path, response.headers["Content-Type"])
    css = await (await served.client.get("/page/fonts.css")).text()
    for key in [line.split('"')[1] for line in css.splitlines() if "src: url(" in line]:
        assert key.startswith("../fonts/")
        assert (await served.client.get("/fonts/" + key.removeprefix("../fonts/"))).status == 200
    assert (await served.client.get("/fonts/..%2F..%2Fetc%2Fpasswd")).status == 404
