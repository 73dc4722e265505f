"""`reader suggest`: pre-annotate every document of the store with suggested (pending) spans.

First mines lines that repeat over many documents (proposed as boilerplate), then runs the
suggesters of :mod:`annotations.suggest` on each document and adds what they find, as pending spans
with ``origin="suggested"``, to the store's shared suggestions layer: every annotator reviews them in
their own record (accepting or rejecting one decides it for them only; a decided suggestion is never
shown to them again). The suggesters write the labels of the label schema (``--labels``), by group;
see :mod:`annotations.suggest.labels`. ``--model DIR`` adds a trained tagger's entities (``reader
train``) with their confidence. A span the layer already has (same start, end and label) is not
added again, so running the command twice adds nothing the second time. All additions land in one
atomic write, streamed (memory stays bounded at any corpus size): :func:`_write_suggestions`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotations.errors import UserError
from annotations.labels import LabelSchema
from annotations.model import Span
from annotations.paths import default_store_path
from annotations.store import Store, SuggestionsAdded
from annotations.suggest import (
    Gazetteer,
    ModelSuggester,
    learned_pairs,
    mine_repeated_lines,
    plan_labels,
    suggest_document,
)
from reader.text.sanitize import terminal_safe

DEFAULT_MIN_REPEAT = 3


def bundled_gazetteer() -> Path:
    """The gazetteer shipped with the samples (reader.samples/gazetteer.toml)."""
    try:
        from importlib.resources import files

        path = Path(str(files("reader.samples") / "gazetteer.toml"))
        if path.is_file():
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "samples" / "gazetteer.toml"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", default=None, help=f"the store (default: {default_store_path()})")
    parser.add_argument(
        "--gazetteer",
        default=None,
        metavar="FILE",
        help='names to suggest: TOML ([[entry]] text=..., label=...) or JSONL ({"text","label"}) '
        "(default: the bundled samples/gazetteer.toml)",
    )
    parser.add_argument("--no-gazetteer", action="store_true", help="no entity suggestions from a gazetteer file")
    parser.add_argument(
        "--labels", default=None, metavar="FILE", help="label schema the suggestions follow (default: built in)"
    )
    parser.add_argument(
        "--model", default=None, metavar="DIR", help="also suggest the entities of a model trained by `reader train`"
    )
    parser.add_argument(
        "--min-confidence",
        type=float,
        default=0.0,
        metavar="P",
        help="leave out model suggestions less sure than P (0..1; default 0: all)",
    )
    parser.add_argument(
        "--learn",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also suggest entity names that annotators already accepted elsewhere in the store",
    )
    parser.add_argument(
        "--annotator",
        default=None,
        help="no longer used: suggestions are shared by every annotator (kept so old scripts still run)",
    )
    parser.add_argument(
        "--min-repeat",
        type=int,
        default=DEFAULT_MIN_REPEAT,
        metavar="N",
        help=f"a line in at least N documents is proposed as boilerplate (default {DEFAULT_MIN_REPEAT}; "
        "0 turns this off)",
    )
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar on stderr"
    )


@contextmanager
def _progress(enabled: bool, total: int, description: str) -> Iterator[Callable[[], None]]:
    if not enabled:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda: progress.advance(task)


def _write_suggestions(store: Store, items: Iterable[tuple[str, list[Span]]]) -> SuggestionsAdded:
    """The one place suggestions are written to the store: its shared layer, streamed."""
    return store.add_suggestions(items)


def run(args: argparse.Namespace) -> int:
    if args.min_repeat < 0:
        raise UserError("--min-repeat must be 0 or more")
    if not 0.0 <= args.min_confidence <= 1.0:
        raise UserError(f"--min-confidence must be between 0 and 1, got {args.min_confidence}")
    store_path = Path(args.store) if args.store else default_store_path()
    if not Store.has_files(store_path):
        raise UserError("no store here: import documents first with `reader import`", path=str(store_path))
    schema = LabelSchema.from_toml(args.labels) if args.labels else LabelSchema.default()
    gazetteer = Gazetteer()
    if not args.no_gazetteer:
        gazetteer = Gazetteer.load(args.gazetteer or bundled_gazetteer())
    model = ModelSuggester.load(args.model) if args.model else None
    plan = plan_labels(
        schema,
        gazetteer_labels={label for _text, label in gazetteer},
        gazetteer_explicit=bool(args.gazetteer),
        model_labels=None if model is None else model.labels,
        model_name="" if model is None else model.name,
    )
    labels = plan.labels
    for note in plan.warnings:
        print(terminal_safe(f"reader: {note}"), file=sys.stderr)
    show = sys.stderr.isatty() if args.progress is None else args.progress

    added: Counter[str] = Counter()
    with Store.open(store_path) as store:
        total = len(store)
        if args.learn and labels.entities:
            learned: list[tuple[str, str]] = []
            for a in store.annotations():
                if a.answer in ("reject", "flag"):
                    continue
                learned.extend(learned_pairs(store.get_document(a.doc_id).text, a.spans, labels.entities))
            if learned:
                gazetteer = gazetteer.with_pairs(learned)
        repeated: set[str] = set()
        if args.min_repeat > 0 and labels.boilerplate is not None:
            with _progress(show, total, "mining repeated lines") as advance:

                def texts() -> Iterator[str]:
                    for doc in store.iter_documents():
                        advance()
                        yield doc.text

                repeated = mine_repeated_lines(texts(), args.min_repeat)

        def items() -> Iterator[tuple[str, list[Span]]]:
            # streamed into the shared suggestions layer shard by shard: memory stays bounded
            for doc in store.iter_documents():
                spans = suggest_document(doc, gazetteer=gazetteer, repeated_lines=repeated, labels=labels, model=model)
                yield doc.id, [s for s in spans if s.confidence is None or s.confidence >= args.min_confidence]
                advance()

        with _progress(show, total, "suggesting") as advance:
            result = _write_suggestions(store, items())
        added.update(result.labels)
        docs_with_new = result.documents

    model_note = "" if model is None else f", model {model.name}"
    print(
        terminal_safe(
            f"{total} documents, {len(repeated)} repeated lines, gazetteer of {len(gazetteer)} names{model_note}; "
            f"added {sum(added.values())} suggestions to {docs_with_new} documents (shared by every annotator)"
        )
    )
    for label, n in sorted(added.items(), key=lambda kv: (-kv[1], kv[0])):
        print(terminal_safe(f"  {label:<14} {n}"))
    return 0
