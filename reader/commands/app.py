"""`reader [PATH...]`: open the annotation app on files, directories or JSONL (imported into the
store on the way) or, with no paths, on what the store holds (the bundled samples in a new store)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.errors import UserError
from annotations.gold import check_annotator_name
from annotations.importing import input_files, iter_items
from annotations.labels import LabelSchema
from annotations.model import Document
from annotations.paths import default_annotator, default_store_path
from annotations.store import ImportedAnnotation, Store
from annotations.suggest.order import DEFAULT_RANDOM_SHARE, uncertain_first, uncertainty
from reader.commands.importing import created_only_on_success
from reader.options import DIRECTIONS, PENDING_POLICIES, THEMES, ViewOptions
from reader.text.sanitize import terminal_safe

if TYPE_CHECKING:
    from reader.session import Session


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
        "--order",
        choices=("store", "uncertain"),
        default="store",
        help="document order: as imported (default), or documents whose model suggestions are least certain "
        "first (`reader suggest --model`), with a random share kept for an unbiased estimate",
    )
    parser.add_argument(
        "--random-share",
        type=float,
        default=DEFAULT_RANDOM_SHARE,
        metavar="S",
        help=f"with --order uncertain: share of documents placed at random (default {DEFAULT_RANDOM_SHARE})",
    )
    parser.add_argument(
        "--min-confidence",
        type=float,
        default=0.0,
        metavar="P",
        help="hide suggestions whose model confidence is below P (0..1; hidden ones stay undecided)",
    )
    parser.add_argument(
        "--auto-train",
        type=int,
        default=0,
        metavar="N",
        help="retrain the entity model in the background after every N newly accepted documents "
        "(its F1 on the status line)",
    )
    parser.add_argument(
        "--model-dir", default=None, metavar="DIR", help="where --auto-train writes the model (default: STORE-model)"
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


def ordered_by_uncertainty(store: Store, ids: list[str], annotator: str, share: float) -> list[str]:
    """``ids`` with the least certain model suggestions first (see annotations.suggest.order)."""
    scores: dict[str, float | None] = {}
    for doc_id in ids:
        record = store.get_annotation(doc_id, annotator)
        scores[doc_id] = None if record is None else uncertainty([*record.spans, *record.rejected])
    order, _sample = uncertain_first(ids, scores, share=share)
    return order


def routed_session(
    store: Store, annotator: str, schema: LabelSchema, ids: list[str], *, min_confidence: float = 0.0
) -> Session | None:
    """The annotator's session: every document, or under the store's routing policy (``reader team``)
    their queue, with its first document claimed. None (after saying why) if nothing is left for them."""
    from reader.queue import Queue, load_policy
    from reader.session import Session

    policy = load_policy(store.path)
    if policy is None:
        return Session(store, annotator, schema, ids=ids, min_confidence=min_confidence)
    queue = Queue(store, policy, annotator, ids)
    session = Session(store, annotator, schema, queue=queue, min_confidence=min_confidence)
    if session.take(0)[0] is None:
        print(
            terminal_safe(
                f"reader: nothing left for {annotator}: every one of the {len(queue.universe)} document(s) has its "
                f"annotators under the routing policy (overlap {policy.overlap}); `reader team --show` shows it"
            ),
            file=sys.stderr,
        )
        return None
    return session


def run(args: argparse.Namespace) -> int:
    if not 0.0 <= args.min_confidence <= 1.0:
        raise UserError(f"--min-confidence must be between 0 and 1, got {args.min_confidence}")
    if not 0.0 <= args.random_share < 1.0:
        raise UserError(f"--random-share must be at least 0 and below 1, got {args.random_share}")
    if args.auto_train < 0:
        raise UserError(f"--auto-train must be 0 (off) or more, got {args.auto_train}")
    schema = LabelSchema.from_toml(args.labels) if args.labels else LabelSchema.default()
    annotator = args.annotator or default_annotator()
    check_annotator_name(annotator)  # "gold" and "gold:NAME" are the adjudicated records' layer
    store_path = Path(args.store) if args.store else default_store_path()
    auto_train = None
    if args.auto_train:
        from reader.autotrain import AutoTrain
        from reader.commands.train import default_out

        out = Path(args.model_dir) if args.model_dir else default_out(store_path)
        auto_train = AutoTrain(store_path, args.auto_train, out, args.labels)
    if args.paths:
        input_files(args.paths)  # a missing or unreadable path is refused before anything is created
    # what the app opens is imported first, all or nothing, as `reader import` does: when that fails
    # on a store path that did not exist, no store file is left behind
    with created_only_on_success(store_path):
        store = Store.open(store_path, annotator=annotator)
        try:
            if args.paths:
                ids = open_paths(store, args.paths, annotator, schema)
            else:
                if len(store) == 0:
                    open_paths(store, [str(p) for p in bundled_samples()], annotator, schema)
                ids = store.document_ids()
        except BaseException:
            store.close()
            raise
    try:
        from reader.app import BIDI_IMPLICIT, ReaderApp

        if args.order == "uncertain":
            ids = ordered_by_uncertainty(store, ids, annotator, args.random_share)
        # under a routing policy the queue keeps this order, leaving out what the annotator may not take
        session = routed_session(store, annotator, schema, ids, min_confidence=args.min_confidence)
        if session is None:
            return 0
        options = ViewOptions(
            direction=args.direction,
            show_marks=not args.hide_marks,
            terminal_bidi=args.terminal_bidi,
            theme=args.theme,
        )
        app = ReaderApp(session, options, on_pending=args.on_pending, auto_train=auto_train)
        try:
            app.run()
        finally:
            if not args.terminal_bidi and sys.stdout.isatty():
                sys.stdout.write(BIDI_IMPLICIT)  # also after a crash: never leave the terminal in explicit mode
                sys.stdout.flush()
    finally:
        store.close()
    return 0
