"""`reader team`: set, show or remove a store's routing policy (``STORE.routing.toml``).

The policy says how many annotators each document goes to (``--overlap``), which share of the
documents every annotator gets so that agreement can be measured (``--agreement-share``, drawn from
the policy's seed), who may take documents (``--team``) and whether annotators see each other's work
(``--blind``). The app applies it: each annotator's document list is their queue, and opening a
document claims it (see annotations/routing.py and reader/queue.py).

Settings not given keep their current value (or the default for a new policy); the seed is drawn once
and kept, since it decides which documents are in the agreement sample. ``--from FILE`` starts from a
TOML file instead (the same layout). The policy is validated, written atomically and printed back.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

from annotations.errors import UserError
from annotations.paths import default_store_path
from annotations.routing import (
    RoutingPolicy,
    for_agreement,
    new_policy,
    policy_path,
    policy_to_toml,
    read_policy_file,
)
from annotations.store import Store
from annotations.store.atomic import atomic_write_bytes
from annotations.userfiles import describe_os_error
from reader.queue import load_policy
from reader.text.sanitize import terminal_safe
from reader.text.snippet import screen_text


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", default=None, help=f"the store (default: {default_store_path()})")
    parser.add_argument("--overlap", type=int, default=None, metavar="N", help="annotators per document (default 1)")
    parser.add_argument(
        "--agreement-share",
        type=float,
        default=None,
        metavar="P",
        help="share of the documents (0 to 1) every annotator gets, for agreement (default 0)",
    )
    parser.add_argument(
        "--seed", default=None, help="decides which documents are in the agreement sample (default: drawn once, kept)"
    )
    parser.add_argument(
        "--team",
        default=None,
        metavar="NAME,NAME",
        help="who may take documents, comma-separated (an empty string: anyone who comes)",
    )
    parser.add_argument(
        "--blind",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="annotators do not see each other's progress, spans or agreement in the app",
    )
    parser.add_argument("--from", dest="source", default=None, metavar="FILE", help="start from this TOML policy file")
    parser.add_argument("--show", action="store_true", help="print the policy (after any change)")
    parser.add_argument(
        "--remove", action="store_true", help="remove the policy: every annotator sees every document again"
    )


def _store_path(args: argparse.Namespace) -> Path:
    raw = Path(args.store) if args.store else default_store_path()
    return Path(os.path.realpath(os.path.abspath(raw)))  # the store a symlink points to, as Store.open does


def _changes(args: argparse.Namespace) -> dict[str, object]:
    out: dict[str, object] = {}
    if args.overlap is not None:
        out["overlap"] = args.overlap
    if args.agreement_share is not None:
        out["agreement_share"] = args.agreement_share
    if args.seed is not None:
        out["seed"] = args.seed
    if args.team is not None:
        out["team"] = tuple(n.strip() for n in args.team.split(",") if n.strip())
    if args.blind is not None:
        out["blind"] = args.blind
    return out


def run(args: argparse.Namespace) -> int:
    store = _store_path(args)
    file = policy_path(store)
    changes = _changes(args)
    if args.remove:
        if changes or args.source:
            raise UserError("--remove takes no settings")
        try:
            file.unlink()
        except FileNotFoundError:
            print(terminal_safe(f"{store} has no routing policy; nothing to remove"))
            return 0
        except OSError as exc:
            raise UserError(describe_os_error(exc, "write"), path=str(file)) from None
        print(terminal_safe(f"Removed the routing policy of {store}: every annotator sees every document."))
        return 0
    current = load_policy(store)
    if args.source:
        base: RoutingPolicy | None = read_policy_file(Path(args.source), remove_hint=False)
        if base is None:
            raise UserError("no such policy file", path=args.source)
    else:
        base = current
    if not changes and not args.source:
        print(_describe(store, current))
        return 0
    if base is None:
        base = new_policy()
    policy = dataclasses.replace(base, **changes)  # type: ignore[arg-type]  # RoutingPolicy validates
    if not policy.seed:
        policy = dataclasses.replace(policy, seed=new_policy().seed)
    if not file.parent.is_dir():
        raise UserError(f"the directory {file.parent} does not exist", path=str(store))
    # the store is checked before anything is written: a policy never lands beside a store that
    # is not there (a typo in --store) or that cannot be read
    if not store.exists():
        raise UserError(
            "no store here: import documents first (`reader --store PATH FILE...`), then set its routing policy",
            path=str(store),
        )
    with Store.open(store, readonly=True):
        pass
    notes = []
    if current is not None and current.seed != policy.seed:
        notes.append("the seed changed: the agreement sample is drawn anew (claims already made stay)")
    if current is not None and policy.overlap < current.overlap:
        notes.append("a lower overlap applies to claims from now on; documents already claimed keep their annotators")
    try:
        atomic_write_bytes(file, policy_to_toml(policy).encode("utf-8"))
    except OSError as exc:
        raise UserError(describe_os_error(exc, "write"), path=str(file)) from None
    print(_describe(store, policy, verb="Set"))
    for note in notes:
        print(terminal_safe(f"note: {note}"))
    return 0


def _describe(store: Path, policy: RoutingPolicy | None, verb: str = "") -> str:
    if policy is None:
        return terminal_safe(
            f"{store} has no routing policy: every annotator sees every document (set one with "
            "`reader team --overlap N --agreement-share P`)"
        )
    head = f"{verb} the routing policy of {store}" if verb else f"Routing policy of {store}"
    # names shaped and in visual order for a terminal (which does neither); logical into a pipe
    shown = screen_text if sys.stdout.isatty() else terminal_safe
    team = ", ".join(map(shown, policy.team)) if policy.team else "anyone who comes"
    lines = [
        f"{head} ({policy_path(store)}):",
        f"  overlap          {policy.overlap} (annotators per document)",
        f"  agreement share  {policy.agreement_share:g} (share of documents every annotator gets)",
        f"  seed             {policy.seed}",
        f"  team             {team}",
        f"  blind            {'yes: annotators do not see each other' if policy.blind else 'no'}",
    ]
    sample = _sample(store, policy)
    if sample is not None:
        expected = policy.agreement_share * sample[1]
        lines.append(
            f"  agreement sample {sample[0]} of {sample[1]} document(s) (each drawn on its own from the seed: "
            f"{expected:.1f} expected)"
        )
    return "\n".join(terminal_safe(line) for line in lines)


def _sample(store: Path, policy: RoutingPolicy) -> tuple[int, int] | None:
    """How many of the store's documents are in the agreement sample (None without a store)."""
    if not Store.has_files(store):
        return None
    with Store.open(store, readonly=True) as s:
        ids = s.document_ids()
    return sum(1 for d in ids if for_agreement(policy, d)), len(ids)
