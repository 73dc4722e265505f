"""Adjudicated (gold) records: how they are stored, and which record is a document's gold version.

A reviewer who adjudicates a document writes an ordinary annotation record whose annotator is
``gold:NAME`` (:func:`gold_annotator`), with every span it keeps marked ``origin="review"``
(:func:`gold_span`). The reviewer's own annotation of the same document stays under ``NAME``: the
two records have different keys in the store, so adjudicating never overwrites one's own work. The
``gold:`` prefix (and the name ``gold``, which stands for the gold layer in ``reader agreement
--against gold``) is reserved: :func:`check_annotator_name` refuses it for an annotator, so no
annotator can write into the gold layer by choosing a name.

A gold record is *final* when it is answered (``accept`` or ``reject``); one without an answer is a
review in progress and is not gold yet. When several reviewers adjudicated the same document, the
most recently updated final record is the gold.

``reader export --gold`` selects records with :func:`gold_records`, a pure function over the
``(document, records)`` stream the exporter already builds::

    recs = gold_records(records(store, ExportOptions(None, answers, pending, skip_stale), warn), single=flag)

It keeps each document's gold record (and, with ``single=True``, the accepted record of a document
only one annotator answered) and drops the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from annotations.errors import UserError
from annotations.model import Annotation, Document, Span

GOLD_PREFIX = "gold:"
# The gold layer as a whole (``reader agreement --against gold``); reserved like the prefix.
GOLD = "gold"
# Answers that close a record: agreement and adjudication count only these. Skip ("come back later")
# and flag ("something is wrong with this document") are not decisions about its content.
FINAL_ANSWERS: frozenset[str] = frozenset({"accept", "reject"})


def gold_annotator(reviewer: str) -> str:
    """The annotator name under which ``reviewer``'s adjudicated records are stored."""
    check_annotator_name(reviewer)
    return GOLD_PREFIX + reviewer


def is_gold(annotator: str) -> bool:
    return annotator.startswith(GOLD_PREFIX)


def reviewer_of(annotator: str) -> str | None:
    """The reviewer of a gold record's annotator name; None for an ordinary annotator."""
    return annotator[len(GOLD_PREFIX) :] if is_gold(annotator) else None


def check_annotator_name(name: str) -> None:
    """Refuse names an annotator may not work under (empty, or in the reserved gold layer)."""
    if not isinstance(name, str) or not name.strip():
        raise UserError("the annotator name must not be empty")
    if is_gold(name) or name == GOLD:
        raise UserError(
            f"the annotator name {GOLD!r} and names starting with {GOLD_PREFIX!r} are reserved for adjudicated "
            "records; "
            f"choose another name (a reviewer's gold records are written as {GOLD_PREFIX}NAME for them)"
        )


def imported_annotator_problem(name: str, *, option: bool = False) -> str | None:
    """Why records may not be imported under ``name`` (None: they may); ``option``: the name came
    from ``--annotator`` rather than from a record in the file, and the advice says so.

    An import may bring gold records, explicitly: ``gold:NAME`` for a valid reviewer ``NAME`` (a
    native line's ``annotator``, or ``--annotator gold:NAME`` for records that name nobody). The bare
    name ``gold`` is the gold layer as a whole, never a record's owner: an annotator of that name would
    show on the team screen, in every agreement figure and in training as if it were a person."""
    as_gold = f"--annotator {GOLD_PREFIX}NAME" if option else f'"annotator": "{GOLD_PREFIX}NAME" in the file'
    if name == GOLD:
        rename = (
            "import them under the annotator's own name (--annotator NAME)"
            if option
            else "give the annotator's own name in the file (or leave the annotator out and import with "
            "--annotator NAME)"
        )
        return (
            f'the annotator name "{GOLD}" is reserved for the adjudicated (gold) layer, so these records cannot be '
            f"imported under it. If they are an annotator's labels, {rename}; if they are a reviewer's "
            f"adjudicated version, {as_gold} imports them as reviewer NAME's gold records"
        )
    reviewer = reviewer_of(name)
    if reviewer is not None:
        try:
            check_annotator_name(reviewer)
        except UserError:
            return (
                f'"{name}" cannot own gold records: after "{GOLD_PREFIX}" comes the reviewer\'s name, not empty '
                f'and not "{GOLD}" or "{GOLD_PREFIX}…" (e.g. "{GOLD_PREFIX}rana")'
            )
    return None


def gold_span(span: Span) -> Span:
    """``span`` as a reviewer keeps it in a gold record: decided (not pending), origin ``review``."""
    return replace(span, origin="review", pending=False)


def is_final(record: Annotation) -> bool:
    return record.answer in FINAL_ANSWERS


def current_final_records(records: Iterable[Annotation], text_hash: str) -> tuple[list[Annotation], int]:
    """The annotators' final records of one document made on its current text (``text_hash``), and
    how many final records were left out as stale (made on an earlier text). Gold records and
    records without a final answer are not counted; agreement and adjudication both start here."""
    current: list[Annotation] = []
    stale = 0
    for r in records:
        if is_gold(r.annotator) or r.answer not in FINAL_ANSWERS:
            continue
        if r.text_hash != text_hash:
            stale += 1
            continue
        current.append(r)
    return current, stale


def choose_gold(records: Iterable[Annotation], text_hash: str | None = None) -> Annotation | None:
    """The gold record among one document's records: the newest final gold record, or None.

    Records made on the document's current text (``text_hash``, if given) come before stale ones;
    among equals the later ``updated`` wins, then the reviewer name (so the choice never depends on
    the order records are listed in).
    """
    best: Annotation | None = None
    best_key: tuple[bool, float, str] | None = None
    for r in records:
        if not is_gold(r.annotator) or not is_final(r):
            continue
        key = (text_hash is None or r.text_hash == text_hash, r.updated, r.annotator)
        if best_key is None or key > best_key:
            best, best_key = r, key
    return best


def single_accepted(records: Iterable[Annotation]) -> Annotation | None:
    """The record of a document that exactly one annotator answered, if that answer is accept."""
    answered = [r for r in records if not is_gold(r.annotator) and is_final(r)]
    if len(answered) == 1 and answered[0].answer == "accept":
        return answered[0]
    return None


def gold_records(
    records: Iterable[tuple[Document, Sequence[Annotation]]], *, single: bool = False
) -> Iterator[tuple[Document, list[Annotation]]]:
    """For export: each document with its gold record, in the order given.

    With ``single`` a document that has no gold record but exactly one answered annotator record,
    accepted, is exported with that record (nobody disagreed, so nothing needed adjudicating).
    Documents with neither are left out.
    """
    for doc, anns in records:
        chosen = choose_gold(anns, doc.text_hash)
        if chosen is None and single:
            chosen = single_accepted(anns)
        if chosen is not None:
            yield doc, [chosen]
