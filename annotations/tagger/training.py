"""Training data from the store, the amount needed, splits, evaluation and the learning curve.

Training data are the *decisions* of annotators: the non-pending spans of a document's adjudicated
(gold, :mod:`annotations.gold`) record when it has one, else of its most recently updated record
answered ``accept`` (a document counts once), unless one annotator is chosen; once a store has gold
records, a document still waiting for adjudication is left out unless asked for. Only labels of the
schema's ``entity`` group are learned: quotations and boilerplate are not word-level names and have
their own suggesters.

Evaluation is on documents the model did not see: a held-out share (by default 20 %, chosen
reproducibly from the document ids) or k folds. Scores are exact-match entities at the offsets the
model would suggest (so a boundary cut wrongly counts as an error). The learning curve trains on
25/50/75/100 % of the training part and scores each on the same held-out documents.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.errors import UserError
from annotations.model import Span
from annotations.suggest.entities import Gazetteer

from .backends import Tagger, backend_class
from .boundaries import Boundaries, learn
from .evaluation import Scores, score_entities
from .features import Featurizer, lexicon_of, world_names
from .words import cut, flat_spans

__all__ = [
    "MIN_DOCUMENTS",
    "MIN_ENTITIES",
    "Example",
    "NotEnoughData",
    "check_enough",
    "data_hash",
    "evaluate",
    "fit",
    "held_out",
    "k_folds",
    "learning_curve",
]

MIN_DOCUMENTS = 5  # below this a held-out share is one or two documents: no evaluation worth the name
MIN_ENTITIES = 50  # below this a CRF learns the names it saw and little else
CURVE = (0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True, slots=True)
class Example:
    """One document's text and its entity spans (non-overlapping)."""

    doc_id: str
    text: str
    spans: tuple[Span, ...]


class NotEnoughData(UserError):
    """Too few accepted documents or entities to train a model worth using."""


def check_enough(examples: Sequence[Example]) -> None:
    """Raise :class:`NotEnoughData` saying how much more is needed."""
    docs = len(examples)
    ents = sum(len(e.spans) for e in examples)
    missing: list[str] = []
    if docs < MIN_DOCUMENTS:
        missing.append(f"{MIN_DOCUMENTS - docs} more document{'s' if MIN_DOCUMENTS - docs != 1 else ''}")
    if ents < MIN_ENTITIES:
        missing.append(f"{MIN_ENTITIES - ents} more entity span{'s' if MIN_ENTITIES - ents != 1 else ''}")
    if missing:
        raise NotEnoughData(
            f"too little data to train a useful model: {docs} accepted document{'s' if docs != 1 else ''} "
            f"with {ents} entity span{'s' if ents != 1 else ''}; needs at least {MIN_DOCUMENTS} documents "
            f"and {MIN_ENTITIES} entity spans. Label and accept {' and '.join(missing)}, then train again."
        )


def data_hash(examples: Iterable[Example]) -> str:
    """A fingerprint of the training data: texts and spans, whatever their order."""
    rows = sorted(
        json.dumps([e.doc_id, hashlib.sha256(e.text.encode()).hexdigest(), sorted(s.key for s in e.spans)])
        for e in examples
    )
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]


def _rank(doc_id: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{doc_id}".encode()).hexdigest()


def held_out(examples: Sequence[Example], share: float, seed: int = 0) -> tuple[list[Example], list[Example]]:
    """(train, test): ``share`` of the documents (at least one, chosen by hashing their ids) held out."""
    if not 0 < share < 1:
        raise UserError(f"the evaluation share must be between 0 and 1, got {share}")
    ordered = sorted(examples, key=lambda e: _rank(e.doc_id, seed))
    n_test = min(len(ordered) - 1, max(1, math.ceil(len(ordered) * share)))
    return ordered[n_test:], ordered[:n_test]


def k_folds(examples: Sequence[Example], k: int, seed: int = 0) -> list[tuple[list[Example], list[Example]]]:
    """``k`` (train, test) pairs; every document is tested exactly once."""
    if k < 2 or k > len(examples):
        raise UserError(f"--folds must be between 2 and the number of documents ({len(examples)}), got {k}")
    ordered = sorted(examples, key=lambda e: _rank(e.doc_id, seed))
    out = []
    for i in range(k):
        test = ordered[i::k]
        train = [e for j, e in enumerate(ordered) if j % k != i]
        out.append((train, test))
    return out


@dataclass(slots=True)
class Fitted:
    """A trained tagger with what it needs besides its own files."""

    tagger: Tagger
    lexicon: dict[str, int]
    gazetteer: Gazetteer
    boundaries: Boundaries
    names: Gazetteer = field(default_factory=Gazetteer)


def fit(
    backend: str,
    examples: Sequence[Example],
    workdir: Path,
    *,
    gazetteer: Gazetteer | None = None,
    params: Any = None,
) -> Fitted:
    """Train a tagger of ``backend`` on ``examples`` (files in ``workdir``). ``gazetteer`` names are
    features, added to the world names shipped with the tagger."""
    texts = [e.text for e in examples]
    lexicon = lexicon_of(texts)
    gaz = _world_names()
    if gazetteer is not None and len(gazetteer):
        gaz = Gazetteer(gazetteer).with_pairs(gaz)  # the team's own list first
    boundaries = learn(_boundary_examples(examples), lexicon)
    names = names_of(examples)
    featurizer = Featurizer(lexicon, gaz, names)
    workdir.mkdir(parents=True, exist_ok=True)
    per_example = _jackknifed(examples, featurizer)
    tagger = backend_class(backend).train(
        [(e.text, e.spans) for e in examples], featurizer, boundaries, workdir, params, per_example=per_example
    )
    return Fitted(tagger, lexicon, gaz, boundaries, names)


NAME_FOLDS = 5
_WORLD: list[Gazetteer] = []


def _world_names() -> Gazetteer:
    if not _WORLD:
        _WORLD.append(world_names())
    return _WORLD[0]


def names_of(examples: Iterable[Example]) -> Gazetteer:
    """The entity names of ``examples`` as a gazetteer: the model remembers the names it was taught
    (matched with clitics and spelling variants, so بالسعودية is known once السعودية was labelled)."""
    return Gazetteer((e.text[s.start : s.end], s.label) for e in examples for s in e.spans)


def _jackknifed(examples: Sequence[Example], featurizer: Featurizer) -> list[Featurizer]:
    """Per example, a featurizer that knows only the names of the *other* folds' documents.

    Trained with the names of its own document, the model would learn that a remembered name is
    always an entity (it always is, there); trained like this it learns how far to trust memory
    for a name it has met elsewhere, which is what it faces on new text."""
    if len(examples) < NAME_FOLDS:
        return [featurizer.with_names(None) for _ in examples]
    fold_of = {e.doc_id: int(_rank(e.doc_id, 1), 16) % NAME_FOLDS for e in examples}
    by_fold = [
        featurizer.with_names(names_of(e for e in examples if fold_of[e.doc_id] != k)) for k in range(NAME_FOLDS)
    ]
    return [by_fold[fold_of[e.doc_id]] for e in examples]


def _boundary_examples(examples: Iterable[Example]) -> Iterable[tuple[Span, Any, Any]]:
    for e in examples:
        if not e.spans:
            continue
        tokens = [t for sent in cut(e.text) for t in sent.tokens]
        j = 0
        for s in sorted(e.spans, key=lambda s: s.start):
            while j < len(tokens) and tokens[j].end <= s.start:
                j += 1
            k = j
            while k + 1 < len(tokens) and tokens[k + 1].start < s.end:
                k += 1
            if j < len(tokens):
                yield s, tokens[j], tokens[k]


def evaluate(tagger: Tagger, examples: Iterable[Example]) -> Scores:
    """Exact-match entity scores of ``tagger`` on ``examples``."""
    gold: list[tuple[str, int, int, str]] = []
    predicted: list[tuple[str, int, int, str]] = []
    for e in examples:
        gold.extend((e.doc_id, *s.key) for s in e.spans)
        predicted.extend((e.doc_id, *s.key) for s in tagger.predict(e.text))
    return score_entities(gold, predicted)


def learning_curve(
    backend: str,
    train: Sequence[Example],
    test: Sequence[Example],
    workdir: Path,
    *,
    gazetteer: Gazetteer | None = None,
    params: Any = None,
    fractions: Sequence[float] = CURVE,
    on_step: Callable[[float, Scores], None] | None = None,
) -> list[dict[str, Any]]:
    """Micro P/R/F1 on ``test`` after training on the first fractions of ``train``."""
    rows: list[dict[str, Any]] = []
    for frac in fractions:
        part = list(train[: max(1, round(len(train) * frac))])
        fitted = fit(backend, part, workdir / f"curve-{frac}", gazetteer=gazetteer, params=params)
        scores = evaluate(fitted.tagger, test)
        micro = scores.micro
        rows.append(
            {
                "share": frac,
                "documents": len(part),
                "entities": sum(len(e.spans) for e in part),
                "precision": round(micro.precision, 4),
                "recall": round(micro.recall, 4),
                "f1": round(micro.f1, 4),
            }
        )
        if on_step is not None:
            on_step(frac, scores)
    return rows


def to_example(doc_id: str, text: str, spans: Iterable[Span], labels: Mapping[str, str] | None = None) -> Example:
    """An example from a record's spans: non-pending ones (with ``labels`` given, only those labels,
    renamed by it), overlaps resolved by :func:`.words.flat_spans`."""
    chosen = []
    for s in spans:
        if s.pending:
            continue
        if labels is not None:
            if s.label not in labels:
                continue
            s = Span(s.start, s.end, labels[s.label])
        chosen.append(Span(s.start, s.end, s.label))
    flat, _ = flat_spans(chosen)
    return Example(doc_id, text, tuple(flat))


@dataclass(slots=True)
class Selection:
    """Training examples chosen from a store, with what was left out and why."""

    examples: list[Example] = field(default_factory=list)
    skipped_labels: dict[str, int] = field(default_factory=dict)  # label not in the schema's entities
    stale: int = 0  # records made on another version of the text
    overlaps: int = 0  # entity spans dropped because they overlap a longer one
    # documents whose only labelled records are unanswered (an imported corpus: CoNLL, brat, spaCy...),
    # not used unless ``include_unanswered``
    unanswered: int = 0
    # documents waiting for adjudication in a store that has gold records (two or more annotators
    # answered, or a reviewer opened it, and no final gold record yet), not used unless
    # ``include_unreviewed``: their newest accepted record is one side of a possible dispute
    unreviewed: int = 0


def select_examples(
    store: Any,
    entity_labels: Iterable[str],
    *,
    annotator: str | None = None,
    include_unanswered: bool = False,
    include_unreviewed: bool = False,
) -> Selection:
    """Training examples from ``store`` (an open :class:`annotations.store.Store`), one per document:
    its adjudicated (gold) record if it has a final one (a document whose gold answer is *reject* is
    left out), else its most recently updated accepted record; only ``annotator``'s records if given.

    Once the store has gold records (the team adjudicates), a document waiting for adjudication --
    answered by two or more annotators on its current text (what ``reader review`` lists), or opened
    by a reviewer (a gold record that is not final: skipped, flagged, unanswered) -- and without a
    final gold record is left out and counted (``Selection.unreviewed``): its newest accepted record
    is one side of a possible disagreement. ``include_unreviewed`` trains it on that record.

    With ``include_unanswered``, a document without an accepted record takes its most recently updated
    unanswered record that has labels (what an imported labelled corpus is); otherwise such documents
    are only counted (``Selection.unanswered``). The non-pending spans of ``entity_labels`` are kept."""
    from annotations.gold import FINAL_ANSWERS, choose_gold, is_gold

    wanted = set(entity_labels)
    by_doc: dict[str, list[Any]] = {}
    adjudicating = False
    for a in store.annotations(annotator=annotator):
        by_doc.setdefault(a.doc_id, []).append(a)
        adjudicating = adjudicating or is_gold(a.annotator)
    chosen: dict[str, Any] = {}
    unanswered = unreviewed = 0
    for doc_id, records in by_doc.items():
        text_hash = store.get_document(doc_id).text_hash
        gold = choose_gold(records, text_hash) if annotator is None else None
        if gold is not None:
            if gold.answer == "accept":
                chosen[doc_id] = gold
            continue
        accepted = [a for a in records if a.answer == "accept" and not is_gold(a.annotator)]
        if annotator is not None:
            accepted = [a for a in records if a.answer == "accept"]
        if accepted and adjudicating and annotator is None and not include_unreviewed:
            answered = sum(
                1
                for a in records
                if not is_gold(a.annotator) and a.answer in FINAL_ANSWERS and a.text_hash == text_hash
            )
            if answered >= 2 or any(is_gold(a.annotator) for a in records):
                unreviewed += 1
                continue
        if accepted:
            chosen[doc_id] = max(accepted, key=lambda a: (a.updated, a.annotator))
            continue
        labelled = [
            a for a in records if a.answer is None and not is_gold(a.annotator) and any(not s.pending for s in a.spans)
        ]
        if labelled:
            if include_unanswered:
                chosen[doc_id] = max(labelled, key=lambda a: (a.updated, a.annotator))
            else:
                unanswered += 1
    sel = Selection(unanswered=unanswered, unreviewed=unreviewed)
    for doc_id, a in chosen.items():
        doc = store.get_document(doc_id)
        if doc.text_hash != a.text_hash:
            sel.stale += 1
            continue
        spans: list[Span] = []
        for s in a.spans:
            if s.pending:
                continue
            if s.label in wanted:
                spans.append(Span(s.start, s.end, s.label))
            else:
                sel.skipped_labels[s.label] = sel.skipped_labels.get(s.label, 0) + 1
        flat, dropped = flat_spans(spans)
        sel.overlaps += dropped
        sel.examples.append(Example(doc_id, doc.text, tuple(flat)))
    return sel


@dataclass(slots=True)
class Report:
    """What training found out: held-out (or k-fold) scores and the learning curve."""

    method: str  # "held-out 20%" / "5-fold"
    scores: Scores
    curve: list[dict[str, Any]]
    train_documents: int
    test_documents: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "train_documents": self.train_documents,
            "test_documents": self.test_documents,
            **self.scores.to_dict(),
            "learning_curve": self.curve,
        }


def train_and_evaluate(
    backend: str,
    examples: Sequence[Example],
    workdir: Path,
    *,
    eval_share: float = 0.2,
    folds: int = 0,
    curve: bool = True,
    gazetteer: Gazetteer | None = None,
    params: Any = None,
    seed: int = 0,
    say: Callable[[str], None] = lambda _msg: None,
) -> tuple[Fitted, Report]:
    """Evaluate on held-out documents (or ``folds`` folds), draw the learning curve, then train the
    final model on every example. Returns the final model and the evaluation report."""
    check_enough(examples)
    if folds:
        splits = k_folds(examples, folds, seed)
        method = f"{folds}-fold cross-validation"
    else:
        splits = [held_out(examples, eval_share, seed)]
        method = f"held-out {eval_share:.0%} of the documents"
    scores = Scores()
    first = Scores()
    for i, (train, test) in enumerate(splits, 1):
        say(f"evaluating: training on {len(train)} documents, testing on {len(test)} ({i}/{len(splits)})")
        fitted = fit(backend, train, workdir / f"eval-{i}", gazetteer=gazetteer, params=params)
        fold_scores = evaluate(fitted.tagger, test)
        scores.add(fold_scores)
        if i == 1:
            first = fold_scores
    rows: list[dict[str, Any]] = []
    if curve:
        train, test = splits[0]
        fractions = [f for f in CURVE if round(len(train) * f) < len(train)]
        say(f"learning curve: {', '.join(f'{f:.0%}' for f in fractions)} of the training documents")
        rows = learning_curve(backend, train, test, workdir, gazetteer=gazetteer, params=params, fractions=fractions)
        m = first.micro  # the full training part: the first evaluation model
        rows.append(
            {
                "share": 1.0,
                "documents": len(train),
                "entities": sum(len(e.spans) for e in train),
                "precision": round(m.precision, 4),
                "recall": round(m.recall, 4),
                "f1": round(m.f1, 4),
            }
        )
    say(f"training the model on all {len(examples)} documents")
    final = fit(backend, examples, workdir / "final", gazetteer=gazetteer, params=params)
    report = Report(method, scores, rows, len(splits[0][0]), sum(len(t) for _, t in splits))
    return final, report
