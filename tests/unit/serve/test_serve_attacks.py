"""`reader serve` against a hostile web page or client (aiohttp's test client; the app process is
tests/unit/serve/fake_app.py): sign-in links another site sends the browser to, what the cookie
holds and is called, hostile websocket frames, resize floods, and connections that never finish
their headers."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession, CookieJar, WSMsgType, web
from aiohttp.test_utils import TestClient, TestServer
from test_serve_http import FAKE_APP, TYPED, Served, receive_text  # the HTTP tests' harness (same directory)

from reader.serve import server as server_module
from reader.serve.auth import cookie_name
from reader.serve.resize import MAX_COLUMNS, MAX_ROWS, ResizeCoalescer
from reader.serve.server import ReaderServer, ServeConfig
from reader.serve.tokens import TokenFile


def make_server(tmp_path: Path, *, port: int = 0, store: Path | None = None) -> tuple[ReaderServer, TokenFile, Path]:
    python = tmp_path / "fake-python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_APP}" "$@"\n')
    python.chmod(0o755)
    store = store or tmp_path / "s.json"
    tokens = TokenFile.for_store(store)
    config = ServeConfig(store=store, tokens=tokens, python=str(python), spare=False, port=port)
    return ReaderServer(config), tokens, store


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    server, tokens, store = make_server(tmp_path)
    client = TestClient(TestServer(server.make_app()))
    await client.start_server()
    try:
        yield Served(client, server, tokens, store)
    finally:
        await client.close()


def hidden_token(page: str) -> str:
    found = re.search(r'<input type="hidden" name="token" value="([^"]*)">', page)
    assert found, page
    return found.group(1)


# ---- 1. sign-in forgery through the link


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {}],
    ids=["cross-site", "same-site", "no-fetch-metadata"],
)
async def test_a_link_another_site_sends_the_browser_to_asks_before_signing_in(
    served: Served, headers: dict[str, str]
) -> None:
    token = served.tokens.add("mallory")  # the attacker's own token, in a link on the attacker's page
    response = await served.client.get("/", params={"token": token}, headers=headers, allow_redirects=False)
    page = await response.text()
    assert response.status == 200 and served.cookie not in response.cookies  # not signed in
    assert "Sign in to reader as <bdi>mallory</bdi>?" in page and '<form method="post" action="login">' in page
    assert (await served.client.get("/", allow_redirects=False)).status == 401
    # the button posts the token to /login, which only a page of this server can do
    forged = await served.client.post(
        "/login", data={"token": hidden_token(page)}, headers={"Origin": "https://evil.example"}, allow_redirects=False
    )
    assert forged.status == 403 and served.cookie not in forged.cookies
    clicked = await served.client.post(
        "/login", data={"token": hidden_token(page)}, headers={"Origin": served.origin}, allow_redirects=False
    )
    assert clicked.status == 303 and served.cookie in clicked.cookies
    assert "mallory" in await (await served.client.get("/")).text()


@pytest.mark.parametrize("fetch_site", ["none", "same-origin"])
async def test_a_link_the_user_opened_signs_in_at_once(served: Served, fetch_site: str) -> None:
    token = served.tokens.add("alice")
    response = await served.client.get(
        "/", params={"token": token}, headers={"Sec-Fetch-Site": fetch_site}, allow_redirects=False
    )
    assert response.status == 303 and served.cookie in response.cookies


async def test_a_link_never_silently_replaces_another_annotators_sign_in(served: Served) -> None:
    alice, mallory = served.tokens.add("alice"), served.tokens.add("mallory")
    await served.sign_in(alice)
    response = await served.client.get("/", params={"token": mallory}, headers=TYPED, allow_redirects=False)
    page = await response.text()
    assert response.status == 200 and served.cookie not in response.cookies
    assert "signed in as <b>alice</b>" in page and "Stay signed in as alice" in page
    assert "alice" in await (await served.client.get("/")).text()  # still alice
    # her own link again is no question
    again = await served.client.get("/", params={"token": alice}, headers=TYPED, allow_redirects=False)
    assert again.status == 303


# ---- 3. the cookie: a session id under a name of this server's own


async def test_the_cookie_holds_a_session_id_not_the_token(served: Served) -> None:
    token = served.tokens.add("alice")
    await served.sign_in(token)
    session_id = served.client.session.cookie_jar.filter_cookies(served.client.make_url("/"))[served.cookie].value
    assert token not in session_id and session_id != token
    # the token itself in the cookie lets nobody in
    async with ClientSession(base_url=served.client.make_url("/"), cookie_jar=CookieJar(unsafe=True)) as other:
        other.cookie_jar.update_cookies({served.cookie: token})
        assert (await other.get("/", allow_redirects=False)).status == 401
        other.cookie_jar.update_cookies({served.cookie: session_id})  # the session id, stolen, works...
        assert (await other.get("/", allow_redirects=False)).status == 200
    # ...until sign-out ends it on the server, whoever holds a copy
    await served.client.post("/logout", headers={"Origin": served.origin})
    async with ClientSession(base_url=served.client.make_url("/"), cookie_jar=CookieJar(unsafe=True)) as other:
        other.cookie_jar.update_cookies({served.cookie: session_id})
        assert (await other.get("/", allow_redirects=False)).status == 401


async def test_sessions_end_with_the_token_and_with_the_server(served: Served, tmp_path: Path) -> None:
    old = served.tokens.add("alice")
    await served.sign_in(old)
    session_id = served.client.session.cookie_jar.filter_cookies(served.client.make_url("/"))[served.cookie].value
    served.tokens.remove("alice")
    served.tokens.add("alice")  # a new token: sessions opened with the old one are over
    assert (await served.client.get("/", allow_redirects=False)).status == 401
    # a restarted server knows no session of the one before
    await served.sign_in(served.tokens.add("bob"))
    bob_session = served.client.session.cookie_jar.filter_cookies(served.client.make_url("/"))[served.cookie].value
    restarted, _, _ = make_server(tmp_path, store=served.store)
    assert restarted.cookie == served.cookie
    assert restarted.signins.annotator(bob_session) is None and restarted.signins.annotator(session_id) is None


def test_two_servers_on_one_host_use_different_cookies(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    names = {cookie_name(a, 8000), cookie_name(a, 8001), cookie_name(b, 8000)}
    assert len(names) == 3
    assert cookie_name(a, 8000) == cookie_name(a, 8000)  # the same server after a restart


async def test_two_servers_on_one_host_do_not_sign_each_other_out(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    one, one_tokens, _ = make_server(tmp_path / "one", port=18001)
    two, two_tokens, _ = make_server(tmp_path / "two", port=18002)
    jar = CookieJar(unsafe=True)  # one browser: cookies are per host, whatever the port
    clients = [TestClient(TestServer(s.make_app()), cookie_jar=jar) for s in (one, two)]
    for c in clients:
        await c.start_server()
    try:
        for client, tokens in zip(clients, (one_tokens, two_tokens), strict=True):
            token = tokens.add("alice")
            response = await client.get("/", params={"token": token}, headers=TYPED, allow_redirects=False)
            assert response.status == 303
        for client in clients:
            assert (await client.get("/", allow_redirects=False)).status == 200
    finally:
        for c in clients:
            await c.close()


# ---- 5. hostile websocket frames


HOSTILE_FRAMES = ["[" * 200_000 + "]" * 200_000, "not json", "{}", "[]", '["meta", {"type": "quit"}]', "[1, 2]",
                  '["resize", {"width": "x", "height": 5}]', '["stdin", 5]']  # fmt: skip


@pytest.mark.parametrize("frame", HOSTILE_FRAMES, ids=lambda f: f[:12])
async def test_a_hostile_frame_ends_that_session_with_one_log_line(
    served: Served, frame: str, caplog: pytest.LogCaptureFixture
) -> None:
    await served.sign_in(served.tokens.add("alice"))
    ws = await served.connect()
    await receive_text(ws)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        await ws.send_str(frame)
        message = await asyncio.wait_for(ws.receive(), 10)
        while message.type == WSMsgType.BINARY:
            message = await asyncio.wait_for(ws.receive(), 10)
        assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
        for _ in range(100):  # the app is stopped and the session forgotten
            if not served.server.sessions:
                break
            await asyncio.sleep(0.05)
    assert served.server.sessions == {}
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    ended = [r.getMessage() for r in caplog.records if "ended the session" in r.getMessage()]
    assert len(ended) == 1 and "\n" not in ended[0] and "alice" in ended[0]


async def test_a_binary_frame_ends_the_session(served: Served) -> None:
    await served.sign_in(served.tokens.add("alice"))
    ws = await served.connect()
    await receive_text(ws)
    await ws.send_bytes(b"\x00\x01")
    message = await asyncio.wait_for(ws.receive(), 10)
    assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)


# ---- 4. resize floods


async def test_a_huge_terminal_is_clamped(served: Served) -> None:
    await served.sign_in(served.tokens.add("alice"))
    ws = await served.connect(width="5000", height="5000")
    started = json.loads(await receive_text(ws))
    assert (started["columns"], started["rows"]) == (str(MAX_COLUMNS), str(MAX_ROWS))
    await ws.close()
    ws = await served.connect(width="80", height="24")
    await receive_text(ws)
    await ws.send_str(json.dumps(["resize", {"width": 1000, "height": 1000}]))
    meta = json.loads((await receive_text(ws)).removeprefix("meta:"))
    assert meta == {"type": "resize", "width": 400, "height": 200}
    await ws.close()


async def test_a_resize_flood_reaches_the_app_as_a_few_resizes_the_last_one_last(served: Served) -> None:
    await served.sign_in(served.tokens.add("alice"))
    ws = await served.connect(width="80", height="24")
    await receive_text(ws)
    started = time.monotonic()
    for i in range(60):  # 60 sizes in about 0.3 s, as a hostile page sends them
        await ws.send_str(json.dumps(["resize", {"width": 300 - i % 2, "height": 100}]))
        await asyncio.sleep(0.005)
    await ws.send_str(json.dumps(["resize", {"width": 123, "height": 45}]))
    sent = time.monotonic() - started
    sizes = []
    while not sizes or sizes[-1] != (123, 45):
        meta = json.loads((await receive_text(ws)).removeprefix("meta:"))
        sizes.append((meta["width"], meta["height"]))
    assert len(sizes) <= 2 + sent / server_module.RESIZE_INTERVAL, sizes
    await ws.close()


async def test_the_coalescer_applies_the_first_size_at_once_then_only_the_latest() -> None:
    applied: list[tuple[int, int]] = []

    async def apply(columns: int, rows: int) -> None:
        applied.append((columns, rows))

    coalescer = ResizeCoalescer(apply, (80, 24), interval=0.1)
    coalescer.offer(100, 30)
    await asyncio.sleep(0.01)
    assert applied == [(100, 30)]
    for n in range(50):
        coalescer.offer(200 + n, 50)
    coalescer.offer(80, 24)
    await asyncio.sleep(0.25)
    assert applied == [(100, 30), (80, 24)]
    coalescer.offer(80, 24)  # the size it has: nothing to do
    await asyncio.sleep(0.15)
    assert applied == [(100, 30), (80, 24)]
    await coalescer.close()


# ---- 6. connections that never finish their headers


async def test_a_connection_that_trickles_its_headers_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_module, "IDLE_TIMEOUT", 1.0)
    server, _, _ = make_server(tmp_path)
    runner = server.make_runner()
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    loop = asyncio.get_running_loop()
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setblocking(False)
    try:
        await loop.sock_sendall(sock, b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 8 and not closed:
            try:
                await loop.sock_sendall(sock, b"X-a: b\r\n")  # one more header line now and then
                closed = await asyncio.wait_for(loop.sock_recv(sock, 1024), 0.3) == b""
            except TimeoutError:
                continue
            except OSError:
                closed = True
        assert closed and time.monotonic() - started < 4, "the connection was held"
    finally:
        sock.close()
        await runner.cleanup()
