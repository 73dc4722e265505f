"""Team figures read from a store: agreement items for ``reader agreement``, and :class:`TeamData`,
the live figures of the app's team screen (each annotator's progress, throughput, label counts and
the agreement report), kept up to date from ``Store.refresh()`` without reading the store again.

The figures themselves are annotations/progress.py's and annotations/agreement.py's (pure); this
module only gathers what they are computed from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from annotations.agreement import Item, Report, codings_for, compute, enough, make_item
from annotations.gold import FINAL_ANSWERS, GOLD, is_gold
from annotations.model import Annotation
from annotations.progress import Progress
from annotations.store import Changes, Store


class Collected:
    """What :func:`agreement_items` saw on the way: stale records left out, labels used."""

    def __init__(self) -> None:
        self.stale = 0
        self.labels: set[str] = set()


def agreement_items(store: Store, names: list[str], reference: str | None, seen: Collected) -> Iterator[Item]:
    """The documents two or more of ``names`` answered (with ``reference``: answered by it and
    another), as agreement items, in document order."""
    answers = {name: store.answers(name) for name in names}
    ordinary = [n for n in names if not is_gold(n)]
    gold = [n for n in names if is_gold(n)]
    for doc_id in store.document_ids():
        answered = [n for n in ordinary if answers[n].get(doc_id) in FINAL_ANSWERS]
        if reference == GOLD:
            refs = [n for n in gold if answers[n].get(doc_id) in FINAL_ANSWERS]
            if not refs or not answered:
                continue
            answered += refs
        elif len(answered) < 2 or (reference is not None and reference not in answered):
            continue
        records = [a for a in (store.get_annotation(doc_id, n) for n in answered) if a is not None]
        codings, stale = codings_for(records, store.document_hash(doc_id), reference=reference)
        seen.stale += stale
        for c in codings:
            seen.labels.update(s[2] for s in c.spans)
        if enough(codings, reference):
            yield make_item(store.get_document(doc_id), codings)


# --------------------------------------------------------------------------------------------------
# Live figures for the team screen


@dataclass(frozen=True, slots=True)
class _Summary:
    """What one record adds to its annotator's progress."""

    answer: str | None
    labels: tuple[tuple[str, int], ...]
    pending: int
    seconds: float

    @staticmethod
    def of(record: Annotation) -> _Summary:
        labels = Counter(s.label for s in record.spans if not s.pending)
        pending = sum(1 for s in record.spans if s.pending)
        return _Summary(record.answer, tuple(sorted(labels.items())), pending, record.seconds_spent)


def _add(p: Progress, s: _Summary, sign: int) -> None:
    p.records += sign
    if s.answer is not None:
        p.answers[s.answer] += sign
    for label, n in s.labels:
        p.labels[label] += sign * n
    p.pending += sign * s.pending
    p.seconds += sign * s.seconds


@dataclass(slots=True)
class TeamFigures:
    """What the team screen shows. Under a blind policy only the viewer's own progress is there."""

    progress: list[Progress]  # by annotator name; gold records (reviewers) last
    report: Report | None  # None: hidden (blind) or nothing to compare yet
    documents: int  # in the store
    blind: bool = False
    multi: int = 0  # documents answered by two or more annotators
    stale: int = 0


@dataclass(slots=True)
class TeamData:
    """Every annotator's progress and the agreement items, read from the store once (:meth:`load`,
    which may run in a worker thread) and then followed change by change (:meth:`follow`, on the
    thread that refreshes the store). :meth:`items` is a snapshot for :func:`figures` to compute on
    in a thread."""

    store: Store
    progress: dict[str, Progress] = field(default_factory=dict)
    _summaries: dict[tuple[str, str], _Summary] = field(default_factory=dict)  # (doc, annotator)
    _final: dict[str, set[str]] = field(default_factory=dict)  # doc -> annotators who answered it
    _items: dict[str, Item | None] = field(default_factory=dict)  # doc (answered by 2+) -> its item
    _stale: dict[str, int] = field(default_factory=dict)
    loaded: bool = False

    def load(self) -> None:
        for record in self.store.annotations():
            self._put(record.doc_id, record.annotator, record)
        self.loaded = True

    def follow(self, changes: Changes) -> bool:
        """Take in the records that changed; True if any figure may have changed."""
        if changes.reloaded:
            fresh = TeamData(self.store)
            fresh.load()
            self.progress, self._summaries, self._final = fresh.progress, fresh._summaries, fresh._final
            self._items, self._stale = fresh._items, fresh._stale
            return True
        for doc_id, name in changes.records:
            self._put(doc_id, name, self.store.get_annotation(doc_id, name))
        return bool(changes.records)

    def _put(self, doc_id: str, name: str, record: Annotation | None) -> None:
        old = self._summaries.pop((doc_id, name), None)
        p = self.progress.get(name)
        if p is None:
            p = self.progress[name] = Progress(name)
        if old is not None:
            _add(p, old, -1)
        if record is not None:
            new = _Summary.of(record)
            self._summaries[(doc_id, name)] = new
            _add(p, new, 1)
        if is_gold(name):
            return
        answered = self._final.setdefault(doc_id, set())
        if record is not None and record.answer in FINAL_ANSWERS:
            answered.add(name)
        else:
            answered.discard(name)
        if len(answered) >= 2:
            self._items[doc_id] = None  # (re)built when asked for
        else:
            self._items.pop(doc_id, None)
            self._stale.pop(doc_id, None)

    def items(self) -> list[Item]:
        """The agreement items, built for the documents that changed since the last call."""
        out = []
        for doc_id, item in self._items.items():
            if item is None:
                names = sorted(self._final.get(doc_id, ()))
                records = [a for a in (self.store.get_annotation(doc_id, n) for n in names) if a is not None]
                codings, stale = codings_for(records, self.store.document_hash(doc_id))
                self._stale[doc_id] = stale
                item = make_item(self.store.get_document(doc_id), codings) if enough(codings) else None
                self._items[doc_id] = item
                if item is None:
                    continue
            out.append(item)
        return out

    def stale(self) -> int:
        return sum(self._stale.values())


def figures(data: TeamData, items: list[Item], *, viewer: str | None = None, blind: bool = False) -> TeamFigures:
    """The team screen's figures from a snapshot (``items`` from :meth:`TeamData.items`; computing the
    report may take a while: it is safe in a worker thread). ``blind``: only ``viewer``'s progress."""
    rows = [
        Progress(p.annotator, p.records, +p.answers, +p.labels, p.pending, p.seconds)
        for p in data.progress.values()
        if p.records > 0 and (not blind or p.annotator == viewer)
    ]
    rows.sort(key=lambda p: (is_gold(p.annotator), p.annotator))
    if blind:
        return TeamFigures(rows, None, len(data.store), blind=True)
    report = compute(items) if items else None
    return TeamFigures(rows, report, len(data.store), multi=len(items), stale=data.stale())
