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
    which may run in a worker thread while nothing else touches this object) and then followed change
    by change (:meth:`follow`, on the thread that refreshes the store).

    Progress follows at once. Agreement items are built apart, so that a worker thread can do it
    while changes keep coming in: :meth:`pending` (a list of documents to build, taken on the
    following thread), :meth:`build` (reads the store: any thread), :meth:`install` (on the
    following thread; an item whose document changed again meanwhile is left to the next round).
    """

    store: Store
    progress: dict[str, Progress] = field(default_factory=dict)
    _summaries: dict[tuple[str, str], _Summary] = field(default_factory=dict)  # (doc, annotator)
    _final: dict[str, set[str]] = field(default_factory=dict)  # doc -> annotators who answered it
    _items: dict[str, Item] = field(default_factory=dict)  # doc (answered by 2+) -> its built item
    _todo: dict[str, int] = field(default_factory=dict)  # docs whose item is to be (re)built -> version
    _stale: dict[str, int] = field(default_factory=dict)
    _version: int = 0
    loaded: bool = False

    def load(self) -> None:
        self.reset()
        for record in self.store.annotations():
            self._put(record.doc_id, record.annotator, record)
        self.loaded = True

    def reset(self) -> None:
        self.progress, self._summaries, self._final = {}, {}, {}
        self._items, self._todo, self._stale = {}, {}, {}
        self.loaded = False

    def follow(self, changes: Changes) -> bool:
        """Take in the records that changed; True if any figure may have changed. After another
        process replaced the shards everything is read again (:attr:`loaded` is False until then)."""
        if changes.reloaded:
            self.reset()
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
        self._items.pop(doc_id, None)
        self._stale.pop(doc_id, None)
        if len(answered) >= 2:
            self._version += 1
            self._todo[doc_id] = self._version
        else:
            self._todo.pop(doc_id, None)

    def pending(self) -> list[tuple[str, tuple[str, ...], int]]:
        """The documents whose agreement item is to be built: (document, who answered it, version)."""
        return [(d, tuple(sorted(self._final.get(d, ()))), v) for d, v in self._todo.items()]

    def build(self, todo: list[tuple[str, tuple[str, ...], int]]) -> list[tuple[str, int, Item | None, int]]:
        """Build items from the store: (document, version, item or None, stale records left out)."""
        out: list[tuple[str, int, Item | None, int]] = []
        for doc_id, names, version in todo:
            records = [a for a in (self.store.get_annotation(doc_id, n) for n in names) if a is not None]
            codings, stale = codings_for(records, self.store.document_hash(doc_id))
            item = make_item(self.store.get_document(doc_id), codings) if enough(codings) else None
            out.append((doc_id, version, item, stale))
        return out

    def install(self, built: list[tuple[str, int, Item | None, int]]) -> None:
        for doc_id, version, item, stale in built:
            if self._todo.get(doc_id) != version:
                continue  # changed again since: built in the next round
            del self._todo[doc_id]
            self._stale[doc_id] = stale
            if item is not None:
                self._items[doc_id] = item

    def items(self) -> list[Item]:
        """The agreement items built so far (a snapshot list)."""
        return list(self._items.values())

    def sync(self) -> list[Item]:
        """Build what is pending here and now; every item."""
        self.install(self.build(self.pending()))
        return self.items()

    def stale(self) -> int:
        return sum(self._stale.values())

    def rows(self, *, viewer: str | None = None, blind: bool = False) -> list[Progress]:
        """Each annotator's progress (copies), by name, reviewers' gold records last; ``blind``: only
        ``viewer``'s."""
        rows = [
            Progress(p.annotator, p.records, +p.answers, +p.labels, p.pending, p.seconds)
            for p in self.progress.values()
            if p.records > 0 and (not blind or p.annotator == viewer)
        ]
        rows.sort(key=lambda p: (is_gold(p.annotator), p.annotator))
        return rows


def figures(data: TeamData, items: list[Item], *, viewer: str | None = None, blind: bool = False) -> TeamFigures:
    """The team screen's figures: progress from ``data``, the report from ``items`` (computing it may
    take a while for a big team: it reads no shared state, so it is safe in a worker thread).
    ``blind``: only ``viewer``'s progress, no agreement."""
    rows = data.rows(viewer=viewer, blind=blind)
    if blind:
        return TeamFigures(rows, None, len(data.store), blind=True)
    report = compute(items) if items else None
    return TeamFigures(rows, report, len(data.store), multi=len(items), stale=data.stale())
