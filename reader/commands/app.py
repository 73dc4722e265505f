"""`reader [PATH...]`: open the annotation app on files, directories or JSONL (imported into the
store on the way) or, with no paths, on what the store holds (the bundled samples in a new store)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from importlib.resources import as_file, files
from pathlib import Path

from annotations.errors import UserError
from annotations.importing import input_files, iter_items
from annotations.labels import LabelSchema
from annotations.model import Document
from annotations.paths import default_annotator, default_store_path
from annotations.store import ImportedAnnotation, Store
from reader.options import DIRECTIONS, PENDING_POLICIES, THEMES, ViewOptions


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help=".txt files, directories or JSONL to open")
    parser.add_argument("--store", default=None, help=f"the store (default: {default_store_path()})")
    parser.add_argument("--annotator", default=None, help="whose labels these are (default: your login name)")
    parser.add_argument("--labels", default=None, metavar="FILE", help="label schema (TOML)")
    parser.add_argument("--direction", choices=DIRECTIONS, default="auto", help="paragraph direction")
    parser.add_argument("--hide-marks", action="store_true", help="start with diacritics hidden")
    parser.add_argument(
        "--theme",
        choices=THEMES,
        default="dark",
        help="colours for a dark terminal (default) or a light one; both keep text contrast at WCAG AA, "
        "also on 256-colour terminals",
    )
    parser.add_argument(
        "--on-pending",
        choices=PENDING_POLICIES,
        default="ask",
        help="what `a` (accept the document) does while suggestions are pending: ask (default), accept them "
        "all, reject them all, or refuse until each is decided",
    )
    parser.add_argument(
        "--terminal-bidi",
        action="store_true",
        help="leave bidi to a bidi-capable terminal (text is sent in logical order; implicit mode kept)",
    )


def bundled_samples() -> list[Path]:
    root = files("reader.samples")
    with as_file(root) as path:
        return sorted(Path(path).glob("*.txt"))


def open_paths(store: Store, paths: list[str], annotator: str, schema: LabelSchema) -> list[str]:
    """Import the paths (all or nothing) and return their documents' ids, in order."""
    seen: list[str] = []

    def recorded() -> Iterator[tuple[Document, list[ImportedAnnotation]]]:
        for doc, anns in iter_items(input_files(paths), annotator=annotator, schema=schema):
            seen.append(doc.id)
            yield doc, list(anns)

    store.import_items(recorded())
    ids = list(dict.fromkeys(i for i in seen if i in store))
    if not ids:
        raise UserError("no documents found in " + ", ".join(paths))
    return ids


def run(args: argparse.Namespace) -> int:
    schema = LabelSchema.from_toml(args.labels) if args.labels else LabelSchema.default()
    annotator = args.annotator or default_annotator()
    store = Store.open(args.store or default_store_path())
    try:
        if args.paths:
            ids = open_paths(store, args.paths, annotator, schema)
        else:
            if len(store) == 0:
                open_paths(store, [str(p) for p in bundled_samples()], annotator, schema)
            ids = store.document_ids()
        from reader.app import BIDI_IMPLICIT, ReaderApp
        from reader.session import Session

        session = Session(store, annotator, schema, ids=ids)
        options = ViewOptions(
            direction=args.direction,
            show_marks=not args.hide_marks,
            terminal_bidi=args.terminal_bidi,
            theme=args.theme,
        )
        app = ReaderApp(session, options, on_pending=args.on_pending)
        try:
            app.run()
        finally:
            if not args.terminal_bidi and sys.stdout.isatty():
                sys.stdout.write(BIDI_IMPLICIT)  # also after a crash: never leave the terminal in explicit mode
                sys.stdout.flush()
    finally:
        store.close()
    return 0
