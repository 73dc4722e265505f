"""`reader review [--store S] [--as NAME]`: adjudication in the app.

The documents two or more annotators answered are listed; for each, every span of every annotator
is shown once, marked with who has it, and the spans they all agree on are pre-accepted. The
reviewer's decisions go into their gold record (``gold:NAME``, spans of origin ``review``): each one
saved when the key returns and undoable, also after a restart. Accepting the document makes the gold
record final (``reader export --gold``, ``reader agreement --against gold``). See
annotations/adjudication.py for the model and reader/screens/review.py for the keys.
"""

from __future__ import annotations

import argparse
import sys

from annotations.gold import check_annotator_name, gold_annotator
from annotations.labels import LabelSchema
from annotations.paths import default_annotator, default_store_path
from annotations.store import Store
from reader.options import DIRECTIONS, THEMES, ViewOptions
from reader.text.sanitize import terminal_safe


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", default=None, help=f"the store (default: {default_store_path()})")
    parser.add_argument(
        "--as",
        dest="reviewer",
        default=None,
        metavar="NAME",
        help="the reviewer (default: your login name); the gold records are written as gold:NAME",
    )
    parser.add_argument("--labels", default=None, metavar="FILE", help="label schema (TOML)")
    parser.add_argument("--direction", choices=DIRECTIONS, default="auto", help="paragraph direction")
    parser.add_argument("--hide-marks", action="store_true", help="start with diacritics hidden")
    parser.add_argument(
        "--theme", choices=THEMES, default="dark", help="colours for a dark (default) or light terminal"
    )
    parser.add_argument(
        "--terminal-bidi",
        action="store_true",
        help="leave bidi to a bidi-capable terminal (text is sent in logical order; implicit mode kept)",
    )


def run(args: argparse.Namespace) -> int:
    schema = LabelSchema.from_toml(args.labels) if args.labels else LabelSchema.default()
    reviewer = args.reviewer or default_annotator()
    check_annotator_name(reviewer)
    store_path = args.store or default_store_path()
    if not Store.has_files(store_path):
        from annotations.errors import UserError

        raise UserError("no store here: import documents first with `reader import`", path=str(store_path))
    # the gold layer's own lock: one process per reviewer (beside the reviewer's own annotating, if any)
    store = Store.open(store_path, annotator=gold_annotator(reviewer))
    try:
        from reader.adjudicate import AdjudicationSession
        from reader.app import BIDI_IMPLICIT, ReaderApp

        session = AdjudicationSession.create(store, reviewer, schema)
        if not session.ids:
            print(
                terminal_safe(
                    "reader: nothing to review yet: no document has been answered (accept or reject) by two or more "
                    "annotators"
                ),
                file=sys.stderr,
            )
            return 0
        options = ViewOptions(
            direction=args.direction,
            show_marks=not args.hide_marks,
            terminal_bidi=args.terminal_bidi,
            theme=args.theme,
        )
        app = ReaderApp(session, options)
        try:
            app.run()
        finally:
            if not args.terminal_bidi and sys.stdout.isatty():
                sys.stdout.write(BIDI_IMPLICIT)
                sys.stdout.flush()
    finally:
        store.close()
    return 0
