"""Who may talk to `reader serve`: the pure checks the web server applies to every request.

- The cookie holds a random session id (reader/serve/signins.py), never the token: the server maps
  it to an annotator, and the session ends when the annotator's token is removed, at sign-out, or
  when the server stops. ``HttpOnly`` (page scripts cannot read it), ``SameSite=Strict`` (another
  site's page cannot make the browser send it), ``Secure`` when the page was reached over HTTPS.
- Cookies are scoped to a host name, not to a port: every service on the same host name receives
  them. The cookie's name is therefore derived from the store and the port (:func:`cookie_name`), so
  two servers on one machine do not overwrite each other's sign-ins, and what another service on
  the host could read is a session id that dies with this server, not a 30-day token.
- A cross-site page can open a websocket to any address, and the browser would attach the cookie
  if SameSite were ever relaxed; so the websocket handshake and the login form are also refused
  unless their ``Origin`` is this server's own (scheme-less host:port compare with ``Host``).
- A sign-in link (``/?token=T``) signs in directly only when the browser says the navigation did not
  come from another site (``Sec-Fetch-Site: none`` or ``same-origin``, :func:`direct_navigation`);
  otherwise the server asks first (login forgery: another site sending the victim's browser to
  the attacker's link).
- Binding: loopback unless asked otherwise; any other address carries the token in clear text
  unless a TLS reverse proxy sits in front, so the server warns.
"""

from __future__ import annotations

import hashlib
import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

COOKIE_PREFIX = "reader_session_"
TOKEN_QUERY = "token"


def cookie_name(store: Path, port: int) -> str:
    """The sign-in cookie's name for the server of ``store`` on ``port``: the same after a restart,
    different for another store or port on the same host (cookies ignore ports)."""
    tag = hashlib.sha256(f"{store}\n{port}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return COOKIE_PREFIX + tag


def direct_navigation(fetch_site: str | None) -> bool:
    """Whether the browser says a navigation was the user's own: typed, pasted, a bookmark, a link
    opened from another program (``Sec-Fetch-Site: none``) or a link on this server's own pages
    (``same-origin``). A missing header (a browser from before 2023, or not a browser) counts as
    not direct, so the user is asked."""
    return fetch_site in ("none", "same-origin")


def same_origin(origin: str | None, host: str | None) -> bool:
    """Whether a request's ``Origin`` header names the host (and port) its ``Host`` header asks for.

    A missing Origin is refused: browsers always send one on websocket handshakes and form posts,
    so only a non-browser client omits it, and it has no business here without one either.
    """
    if not origin or not host or origin == "null":
        return False
    try:
        parts = urlsplit(origin)
        origin_port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    default = 443 if parts.scheme == "https" else 80
    try:
        asked = urlsplit("//" + host)
        asked_port = asked.port
    except ValueError:
        return False
    if not asked.hostname:
        return False
    same_host = parts.hostname.lower() == asked.hostname.lower()
    # The Host header leaves out a default port; so may Origin. Compare what each means.
    return same_host and (origin_port or default) == (asked_port or default)


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
