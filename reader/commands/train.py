"""`reader train`: train an entity tagger on the store's accepted labels and write a model directory.

The model learns the labels of the schema's ``entity`` group from the non-pending spans of accepted
records (see :mod:`annotations.tagger.training`), is evaluated on documents it did not see (a
held-out share or k folds), with a learning curve, and is then trained on everything. The evaluation
is printed and stored in the model directory; `reader suggest --model DIR` uses the model.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from annotations.errors import UserError
from annotations.labels import LabelSchema
from annotations.paths import default_store_path
from annotations.store import Store
from annotations.store.atomic import owned_prefix, remove_stale_temps
from annotations.suggest.entities import Gazetteer
from annotations.tagger.backends import BACKENDS
from annotations.tagger.modeldir import ModelInfo, write_model
from annotations.tagger.training import NotEnoughData, data_hash, select_examples, train_and_evaluate
from reader.text.sanitize import terminal_safe

RARE = 5  # a label with fewer examples than this is warned about


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", default=None, help=f"the store (default: {default_store_path()})")
    parser.add_argument(
        "--labels", default=None, metavar="FILE", help="label schema; its entity labels are learned (default: built in)"
    )
    parser.add_argument("--out", default=None, metavar="DIR", help="model directory (default: STORE-model next to it)")
    parser.add_argument("--name", default=None, help="the model's name, in suggestion rules model:NAME (default: DIR)")
    parser.add_argument("--backend", choices=BACKENDS, default="crf", help="crf (default) or spacy (needs the extra)")
    parser.add_argument(
        "--eval-share",
        type=float,
        default=0.2,
        metavar="S",
        help="share of the documents held out for evaluation (default 0.2)",
    )
    parser.add_argument("--folds", type=int, default=0, metavar="K", help="k-fold cross-validation instead")
    parser.add_argument("--no-curve", action="store_true", help="skip the learning curve (trains 3 models fewer)")
    parser.add_argument("--annotator", default=None, help="only this annotator's accepted records (e.g. a reviewer)")
    parser.add_argument(
        "--gazetteer",
        default=None,
        metavar="FILE",
        help="names given to the model as features, besides the world names it ships with (TOML or JSONL)",
    )
    parser.add_argument("--seed", type=int, default=0, help="chooses the held-out documents (default 0)")
    parser.add_argument(
        "--include-unanswered",
        action="store_true",
        help="also train on labelled records nobody answered (an imported corpus: CoNLL, Wojood, brat, spaCy), "
        "for documents without an accepted record",
    )
    parser.add_argument(
        "--include-unreviewed",
        action="store_true",
        help="once the store has gold records: also train on documents still waiting for adjudication "
        "(two or more annotators answered, or a reviewer skipped it, and no final gold record), "
        "with their most recently updated accepted record",
    )


def _say(msg: str) -> None:
    print(terminal_safe(msg), file=sys.stderr, flush=True)


def _docs(n: int) -> str:
    return f"{n} document{'s' if n != 1 else ''}"


def _unreviewed_note(n: int) -> str:
    return (
        f"{_docs(n)} waiting for adjudication (answered by two or more annotators, or skipped in review, "
        "with no final gold record yet) not used: `reader review` adjudicates them; --include-unreviewed "
        "trains on their most recently accepted record"
    )


@contextlib.contextmanager
def _hint_unanswered(unanswered: int, unreviewed: int = 0) -> Iterator[None]:
    """ "Too little data" names the labelled records training left out, and the option that takes them."""
    try:
        yield
    except NotEnoughData as exc:
        if not unanswered and not unreviewed:
            raise
        hints = []
        if unanswered:
            hints.append(
                f"{_docs(unanswered)} with labelled records nobody answered (an imported corpus) are not used; "
                "--include-unanswered trains on them."
            )
        if unreviewed:
            hints.append(_unreviewed_note(unreviewed) + ".")
        raise UserError(f"{exc.message} Or: " + " And: ".join(hints)) from None


def default_out(store_path: Path) -> Path:
    return store_path.with_name(store_path.stem + "-model")


def run(args: argparse.Namespace) -> int:
    store_path = Path(args.store) if args.store else default_store_path()
    if not store_path.exists():
        raise UserError("no store here: import documents first with `reader import`", path=str(store_path))
    schema = LabelSchema.from_toml(args.labels) if args.labels else LabelSchema.default()
    entity_labels = [label.name for label in schema.labels if label.group == "entity"]
    if not entity_labels:
        raise UserError("the label schema has no label in the entity group: nothing to train", path=args.labels)
    if not args.folds and not 0 < args.eval_share < 1:
        raise UserError(f"--eval-share must be between 0 and 1, got {args.eval_share}")
    out = Path(args.out) if args.out else default_out(store_path)
    name = args.name or out.name
    # the scratch files go beside the model (not in /tmp, where a killed run left them for ever); a
    # killed run's are removed by the next
    parent = Path(os.path.realpath(out)).parent
    if not parent.is_dir():
        raise UserError(f"the directory {parent} does not exist", path=str(out))
    remove_stale_temps(parent, out.name)
    # names given as features: their labels need not be the schema's (gaz=B-<label> is a feature)
    gazetteer = Gazetteer.load(args.gazetteer) if args.gazetteer else None

    with Store.open(store_path, readonly=True) as store:
        selection = select_examples(
            store,
            entity_labels,
            annotator=args.annotator,
            include_unanswered=args.include_unanswered,
            include_unreviewed=args.include_unreviewed,
        )
    examples = selection.examples
    for label, n in sorted(selection.skipped_labels.items()):
        if label not in schema:
            _say(f"warning: {n} spans labelled {label}, which the schema does not have, left out")
    if selection.stale:
        _say(f"warning: {selection.stale} accepted records were made on another version of their text: left out")
    if selection.overlaps:
        _say(f"note: {selection.overlaps} entity spans inside or across longer ones left out (a tagger labels one)")
    counts: dict[str, int] = {}
    for e in examples:
        for s in e.spans:
            counts[s.label] = counts.get(s.label, 0) + 1
    rare = sorted(label for label, n in counts.items() if n < RARE)
    if rare:
        _say(f"warning: fewer than {RARE} examples of {', '.join(rare)}: the model will rarely suggest them")

    if selection.unanswered:
        _say(
            f"note: {selection.unanswered} documents have labelled records nobody answered (an imported corpus?), "
            "not used: --include-unanswered trains on them"
        )
    if selection.unreviewed:
        _say(f"note: {_unreviewed_note(selection.unreviewed)}")
    started = time.perf_counter()
    try:
        scratch = tempfile.TemporaryDirectory(prefix=owned_prefix(out.name), suffix=".tmp", dir=parent)
    except OSError as exc:
        raise UserError(f"cannot write in {parent}: {exc.strerror or exc}", path=str(out)) from None
    with scratch as tmp, _hint_unanswered(selection.unanswered, selection.unreviewed):
        final, report = train_and_evaluate(
            args.backend,
            examples,
            Path(tmp),
            eval_share=args.eval_share,
            folds=args.folds,
            curve=not args.no_curve,
            gazetteer=gazetteer,
            seed=args.seed,
            say=_say,
        )
        info = ModelInfo(
            name=name,
            backend=args.backend,
            labels=sorted(counts),
            data_hash=data_hash(examples),
            documents=len(examples),
            entities=sum(counts.values()),
            boundaries=final.boundaries,
            evaluation=report.to_dict(),
            settings={"eval_share": args.eval_share, "folds": args.folds, "seed": args.seed},
        )
        write_model(out, final.tagger, info, final.lexicon, list(final.gazetteer), list(final.names))
    seconds = time.perf_counter() - started

    print(
        terminal_safe(
            f"trained on {len(examples)} documents, {info.entities} entities ({args.backend}, {seconds:.1f} s)"
        )
    )
    print(terminal_safe(f"evaluation ({report.method}, exact-match entities):"))
    for line in report.scores.table().splitlines():
        print(terminal_safe(line))
    if report.curve:
        print("learning curve (micro F1 on the held-out documents):")
        for row in report.curve:
            print(f"  {row['share']:>4.0%} of the training documents ({row['documents']:>5}): F1 {row['f1']:.3f}")
    b = final.boundaries
    print(
        "spans leave out "
        + ("proclitics" if b.drop_proclitics else "no proclitics")
        + " and "
        + ("attached pronouns" if b.drop_enclitics else "no attached pronouns")
        + " (as in the training data)"
    )
    print(terminal_safe(f"model written to {out}"))
    return 0
