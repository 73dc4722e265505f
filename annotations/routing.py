"""Routing: which documents an annotator may take next, as a policy over data (no I/O).

A store's policy: every document goes to ``overlap`` annotators (default 1); a share
``agreement_share`` of the documents, chosen reproducibly by hashing each id with the store's
``seed``, goes to every annotator, so agreement can be measured on them. Given the current claims
(document id -> annotators holding it), :func:`may_claim` says whether an annotator may take a
document and :func:`claimable` lists, in document order, those they may take; a document is never
given to more annotators than its capacity. Claiming itself (atomically, across processes) is the
store's job: it asks this module before it records a claim.

Document order is the queue order. Since everyone takes documents from the front, a document that
still needs annotators is always ahead of untouched ones, so overlap sets fill up (and become
measurable) first.

Persistence: a TOML file (by convention ``STORE.routing.toml`` beside the store, see
:func:`policy_path`) with one table::

    [routing]
    overlap = 2                 # annotators per document, at least 1
    agreement_share = 0.1       # 0..1: share of documents every annotator gets
    seed = "9c1e44f0a2b37d58"   # any string; fixed when the policy is made, so the sample never moves
    team = ["sara", "omar"]     # optional: who may claim; empty or missing: anyone who comes
    blind = false               # annotators do not see each other's records

A store that keeps the policy in a table of its own stores the same keys (:func:`policy_to_dict`)
as one row, plus ``"format": 1``.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import tomllib
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotations.errors import UserError
from annotations.gold import check_annotator_name

FORMAT = 1
_KEYS = ("overlap", "agreement_share", "seed", "team", "blind")

Claims = Mapping[str, Collection[str]]  # document id -> annotators holding it


@dataclass(frozen=True, slots=True)
class RoutingPolicy:
    overlap: int = 1
    agreement_share: float = 0.0
    seed: str = ""
    team: tuple[str, ...] = ()
    blind: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.overlap, bool) or not isinstance(self.overlap, int) or self.overlap < 1:
            raise UserError(f"overlap must be a whole number of at least 1, got {self.overlap!r}")
        share = self.agreement_share
        if isinstance(share, bool) or not isinstance(share, int | float) or not (0.0 <= share <= 1.0):
            raise UserError(f"agreement_share must be a number from 0 to 1, got {share!r}")
        if not isinstance(self.seed, str):
            raise UserError(f"seed must be a string, got {self.seed!r}")
        _check_text("seed", self.seed)
        if not isinstance(self.blind, bool):
            raise UserError(f"blind must be true or false, got {self.blind!r}")
        for name in self.team:
            if not isinstance(name, str):
                raise UserError(f"team members must be names (strings), got {name!r}")
            check_annotator_name(name)
            _check_text("a team member's name", name)
        if len(set(self.team)) != len(self.team):
            raise UserError("team lists an annotator twice")


def _check_text(what: str, s: str) -> None:
    if any(0xD800 <= ord(c) <= 0xDFFF for c in s):
        raise UserError(f"{what} holds a lone surrogate (not Unicode text): {s!r}")


def new_policy(
    overlap: int = 1, agreement_share: float = 0.0, team: Iterable[str] = (), blind: bool = False
) -> RoutingPolicy:
    """A policy with a fresh random seed (fixed from then on: it decides the agreement sample)."""
    return RoutingPolicy(overlap, float(agreement_share), secrets.token_hex(8), tuple(team), blind)


# --------------------------------------------------------------------------------------------------
# The decision


def for_agreement(policy: RoutingPolicy, doc_id: str) -> bool:
    """Whether ``doc_id`` is in the agreement sample: a uniform draw from the seed and the id."""
    if policy.agreement_share <= 0.0:
        return False
    if policy.agreement_share >= 1.0:
        return True
    digest = hashlib.sha256(f"{policy.seed}\x00{doc_id}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") < policy.agreement_share * 2**64


def capacity(policy: RoutingPolicy, doc_id: str) -> float:
    """How many annotators a document goes to: ``overlap``, or everyone for the agreement sample
    (the team's size when the team is known, otherwise without limit: ``math.inf``)."""
    if for_agreement(policy, doc_id):
        return float(max(policy.overlap, len(policy.team))) if policy.team else math.inf
    return float(policy.overlap)


def may_claim(policy: RoutingPolicy, doc_id: str, claims: Claims, annotator: str) -> bool:
    """Whether ``annotator`` may take ``doc_id`` now: not theirs already, in the team (if there is
    one), and the document is below its capacity."""
    if policy.team and annotator not in policy.team:
        return False
    holders = claims.get(doc_id, ())
    return annotator not in holders and len(holders) < capacity(policy, doc_id)


def claimable(policy: RoutingPolicy, doc_ids: Iterable[str], claims: Claims, annotator: str) -> Iterator[str]:
    """The documents ``annotator`` may take, in document order (lazily: take what you need)."""
    for doc_id in doc_ids:
        if may_claim(policy, doc_id, claims, annotator):
            yield doc_id


def next_claim(policy: RoutingPolicy, doc_ids: Iterable[str], claims: Claims, annotator: str) -> str | None:
    return next(claimable(policy, doc_ids, claims, annotator), None)


def held(doc_ids: Iterable[str], claims: Claims, annotator: str) -> list[str]:
    """The documents ``annotator`` holds, in document order (their queue in the app)."""
    return [d for d in doc_ids if annotator in claims.get(d, ())]


# --------------------------------------------------------------------------------------------------
# Persistence


def policy_path(store_path: str | Path) -> Path:
    """Where a store's policy file lives: beside it, as ``STORE.routing.toml``."""
    p = Path(store_path)
    return p.with_name(p.name + ".routing.toml")


def policy_to_dict(policy: RoutingPolicy) -> dict[str, Any]:
    return {
        "overlap": policy.overlap,
        "agreement_share": float(policy.agreement_share),
        "seed": policy.seed,
        "team": list(policy.team),
        "blind": policy.blind,
    }


def policy_from_dict(data: Mapping[str, Any], *, source: str | None = None) -> RoutingPolicy:
    """A policy from its stored keys; UserError (naming ``source``) for an unknown key or a bad value."""
    unknown = sorted(set(data) - set(_KEYS) - {"format"})
    if unknown:
        raise UserError(f"unknown routing setting(s) {', '.join(unknown)} (known: {', '.join(_KEYS)})", path=source)
    version = data.get("format", FORMAT)
    if version != FORMAT:
        raise UserError(f"routing format {version!r} is not supported (this reader reads {FORMAT})", path=source)
    team = data.get("team", [])
    if not isinstance(team, list):
        raise UserError(f"team must be a list of names, got {team!r}", path=source)
    try:
        return RoutingPolicy(
            overlap=data.get("overlap", 1),
            agreement_share=data.get("agreement_share", 0.0),
            seed=data.get("seed", ""),
            team=tuple(team),
            blind=data.get("blind", False),
        )
    except UserError as exc:
        raise UserError(exc.message, path=source) from None


def policy_from_toml(text: str, *, source: str | None = None) -> RoutingPolicy:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"not valid TOML: {exc}", path=source) from None
    table = doc.get("routing")
    if not isinstance(table, dict):
        raise UserError("no [routing] table", path=source)
    extra = sorted(set(doc) - {"routing"})
    if extra:
        raise UserError(f"unknown table(s) {', '.join(extra)} beside [routing]", path=source)
    return policy_from_dict(table, source=source)


def read_policy_file(path: Path, *, remove_hint: bool = True) -> RoutingPolicy | None:
    """The policy in the TOML file at ``path`` (None if there is none). A file that cannot be read or
    is not UTF-8 is a UserError naming the file, the offending byte and how to recover."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UserError(f"cannot read the routing policy: {exc.strerror or exc}", path=str(path)) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a BOM some editors write
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        fix = (
            "remove it with `reader team --remove` and set the policy again (`reader team --overlap N ...`), "
            "or save it as UTF-8 in a text editor"
            if remove_hint
            else "save it as UTF-8 in a text editor"
        )
        raise UserError(
            f"the routing policy is not UTF-8 text (byte 0x{raw[exc.start]:02X} at line {line}, byte offset "
            f"{exc.start}): {fix}",
            path=str(path),
        ) from None
    return policy_from_toml(text, source=str(path))


# bidi controls: shown as escapes, never written raw (they reorder what a terminal or editor shows)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _needs_escape(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn") or ch in _BIDI


def _toml_string(s: str) -> str:
    """A TOML basic string; every control character (C0, DEL, C1), format character (bidi controls,
    zero-width marks), line or paragraph separator and unassigned code point is written as an escape,
    so the file shows nothing a terminal or editor would act on."""
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif _needs_escape(ch):
            code = ord(ch)
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def policy_to_toml(policy: RoutingPolicy) -> str:
    team = ", ".join(_toml_string(n) for n in policy.team)
    return (
        "# reader routing policy (see annotations/routing.py)\n"
        "[routing]\n"
        f"overlap = {policy.overlap}\n"
        f"agreement_share = {float(policy.agreement_share)!r}\n"
        f"seed = {_toml_string(policy.seed)}\n"
        f"team = [{team}]\n"
        f"blind = {'true' if policy.blind else 'false'}\n"
    )
