"""Inter-annotator agreement over annotation records: pure functions, no store and no terminal.

What is compared
    Only *answered* records take part (answer ``accept`` or ``reject``, :data:`gold.FINAL_ANSWERS`);
    a record without an answer, skipped or flagged is work in progress. Spans are compared only
    between records answered ``accept`` (a rejected document has no labels to agree on); answers
    are compared between all answered records. Pending suggestions are not labels: they are left
    out, and so are the suggestions an annotator rejected. A record made on an older text of the
    document (stale) is left out and counted. Gold records (``gold:NAME``) are not annotators: they
    take part only as the reference of :func:`against`.

Spans
    Span F1 between two annotators, exact (same start, end and label) and overlap (a span counts as
    found when the other annotator has an overlapping span with the same label). Taking either
    annotator as the reference gives the same F1. Over all annotators the counts of every pair are
    pooled (micro average).

Tokens (units of Cohen's κ and Krippendorff's α)
    A document is cut into tokens by :func:`annotations.tokens.tokenize` (the tokeniser of the
    CoNLL and Prodigy exports: words with their diacritics, each punctuation mark on its own,
    whitespace between). A token's value for an annotator is the set of labels of the spans that
    overlap it (empty: outside every span), so a name inside a quotation is ``{PERSON, QUOTE}``.
    Per label, the value is binary: inside a span of that label or not. Cohen's κ is per pair, over
    the tokens of the documents both accepted; the all-annotator row gives Light's κ (the mean of
    the pairwise κ). Krippendorff's α (nominal) is over all annotators at once; a document an
    annotator did not accept is missing data for them, and a token only one annotator coded is not
    pairable. κ and α are undefined (None) when there is no variation to measure (for example
    nobody labelled anything).

Answers
    Per pair: the share of documents both answered on which they gave the same answer, and κ on the
    answers; over all annotators: the pooled share and α on the answers (documents are the units).

The coefficients are annotations/reliability.py's.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from annotations.gold import GOLD, choose_gold, current_final_records
from annotations.model import Annotation, Document
from annotations.reliability import alpha_nominal, cohen_kappa
from annotations.tokens import tokenize

SpanKey = tuple[int, int, str]
Category = frozenset[str]
OUTSIDE: Category = frozenset()


# --------------------------------------------------------------------------------------------------
# Span matching


@dataclass(slots=True)
class SpanCounts:
    """Span comparison counts of an annotator ``a`` (the reference) against ``b``."""

    a: int = 0  # spans of a
    b: int = 0  # spans of b
    exact: int = 0  # spans in both (same start, end and label)
    a_found: int = 0  # spans of a overlapped by a span of b with the same label
    b_found: int = 0  # spans of b overlapped by a span of a with the same label

    def add(self, other: SpanCounts) -> None:
        self.a += other.a
        self.b += other.b
        self.exact += other.exact
        self.a_found += other.a_found
        self.b_found += other.b_found

    @staticmethod
    def of(spans_a: Iterable[SpanKey], spans_b: Iterable[SpanKey]) -> SpanCounts:
        sa, sb = set(spans_a), set(spans_b)
        return SpanCounts(len(sa), len(sb), len(sa & sb), _found(sa, sb), _found(sb, sa))

    @staticmethod
    def per_label(spans_a: dict[str, list[SpanKey]], spans_b: dict[str, list[SpanKey]]) -> dict[str, SpanCounts]:
        """:meth:`of` for each label (spans grouped by label); matching never crosses labels, so
        these add up to the counts over all labels."""
        return {
            label: SpanCounts.of(spans_a.get(label, ()), spans_b.get(label, ()))
            for label in spans_a.keys() | spans_b.keys()
        }

    @property
    def precision_exact(self) -> float | None:
        return self.exact / self.b if self.b else None

    @property
    def recall_exact(self) -> float | None:
        return self.exact / self.a if self.a else None

    @property
    def f1_exact(self) -> float | None:
        total = self.a + self.b
        return 2 * self.exact / total if total else None

    @property
    def precision_overlap(self) -> float | None:
        return self.b_found / self.b if self.b else None

    @property
    def recall_overlap(self) -> float | None:
        return self.a_found / self.a if self.a else None

    @property
    def f1_overlap(self) -> float | None:
        if self.a + self.b == 0:
            return None
        p, r = self.precision_overlap, self.recall_overlap
        if p is None or r is None or p + r == 0:
            return 0.0
        return 2 * p * r / (p + r)


def _found(spans: set[SpanKey], others: set[SpanKey]) -> int:
    """How many of ``spans`` overlap a span of ``others`` with the same label."""
    by_label: dict[str, list[tuple[int, int]]] = {}
    for s, e, label in others:
        by_label.setdefault(label, []).append((s, e))
    index = {label: _Ranges(ranges) for label, ranges in by_label.items()}
    found = 0
    for s, e, label in spans:
        ranges = index.get(label)
        if ranges is not None and ranges.overlaps(s, e):
            found += 1
    return found


class _Ranges:
    """Half-open ranges, asked whether any overlaps [s, e): sorted starts and a running maximum of ends."""

    __slots__ = ("max_end", "starts")

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        ranges.sort()
        self.starts = [r[0] for r in ranges]
        self.max_end = list(itertools.accumulate((r[1] for r in ranges), max))

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.starts, e)  # ranges[:i] start before e
        return i > 0 and self.max_end[i - 1] > s


def confusion(spans_a: Iterable[SpanKey], spans_b: Iterable[SpanKey]) -> Counter[tuple[str | None, str | None]]:
    """Which labels two annotators gave the same stretch of text: (label of a, label of b) counts.

    Spans are paired one to one, in this order: same extent and label; same extent, other label (a
    swap); overlapping with the same label (a boundary difference); overlapping with another label
    when they cover mostly the same text (intersection over union at least 1/2: a swap, not a name
    inside a quotation). A span left over is counted against None (the other annotator has nothing
    there).
    """
    left_a = sorted(set(spans_a))
    left_b = sorted(set(spans_b))
    out: Counter[tuple[str | None, str | None]] = Counter()

    def pair(match: Callable[[SpanKey, SpanKey], bool]) -> None:
        nonlocal left_b
        rest_a: list[SpanKey] = []
        for sa in left_a:
            for i, sb in enumerate(left_b):
                if match(sa, sb):
                    out[(sa[2], sb[2])] += 1
                    left_b = left_b[:i] + left_b[i + 1 :]
                    break
            else:
                rest_a.append(sa)
        left_a[:] = rest_a

    pair(lambda x, y: x == y)
    pair(lambda x, y: x[:2] == y[:2])
    pair(lambda x, y: x[2] == y[2] and x[0] < y[1] and y[0] < x[1])
    pair(lambda x, y: _iou(x, y) >= 0.5)
    for sa in left_a:
        out[(sa[2], None)] += 1
    for sb in left_b:
        out[(None, sb[2])] += 1
    return out


def _iou(x: SpanKey, y: SpanKey) -> float:
    inter = min(x[1], y[1]) - max(x[0], y[0])
    if inter <= 0:
        return 0.0
    return inter / (max(x[1], y[1]) - min(x[0], y[0]))


# --------------------------------------------------------------------------------------------------
# Documents as agreement sees them


@dataclass(frozen=True, slots=True)
class Coding:
    """One annotator's answered record of one document: the answer and the labelled spans."""

    annotator: str
    answer: str
    spans: frozenset[SpanKey]

    @staticmethod
    def of(record: Annotation, annotator: str | None = None) -> Coding:
        return Coding(
            annotator if annotator is not None else record.annotator,
            str(record.answer),
            frozenset(s.key for s in record.spans if not s.pending),
        )


@dataclass(frozen=True, slots=True)
class Item:
    """A document with the codings of the annotators who answered it."""

    doc_id: str
    tokens: tuple[tuple[int, int], ...]
    codings: tuple[Coding, ...]

    def coding(self, annotator: str) -> Coding | None:
        for c in self.codings:
            if c.annotator == annotator:
                return c
        return None


def codings_for(
    records: Iterable[Annotation], text_hash: str, *, reference: str | None = None
) -> tuple[list[Coding], int]:
    """The codings of one document's records, and how many answered records were left out as stale.

    Gold records are left out, except that with ``reference`` ``"gold"`` the document's gold record
    (:func:`annotations.gold.choose_gold`) joins as the coder ``"gold"``.
    """
    records = list(records)
    current, stale = current_final_records(records, text_hash)
    codings = [Coding.of(r) for r in current]
    if reference == GOLD:
        gold = choose_gold(records, text_hash)
        if gold is not None:
            if gold.text_hash == text_hash:
                codings.append(Coding.of(gold, GOLD))
            else:
                stale += 1
    return codings, stale


def enough(codings: Sequence[Coding], reference: str | None = None) -> bool:
    """Whether a document has something to compare: two codings, one of them the reference's if given."""
    if len(codings) < 2:
        return False
    return reference is None or any(c.annotator == reference for c in codings)


def make_item(doc: Document, codings: Iterable[Coding]) -> Item:
    tokens = tuple((t.start, t.end) for t in tokenize(doc.text))
    return Item(doc.id, tokens, tuple(sorted(codings, key=lambda c: c.annotator)))


def labelled_tokens(starts: Sequence[int], ends: Sequence[int], spans: Iterable[SpanKey]) -> dict[int, Category]:
    """The tokens (by index) that some span overlaps, with the labels of those spans. ``starts`` and
    ``ends`` are the tokens' offsets, in order."""
    cats: dict[int, set[str]] = {}
    for s, e, label in spans:
        first = bisect.bisect_right(ends, s)  # first token ending after the span starts
        last = bisect.bisect_left(starts, e)  # first token starting at or after the span ends
        for i in range(first, last):
            cell = cats.get(i)
            if cell is None:
                cats[i] = {label}
            else:
                cell.add(label)
    return {i: frozenset(c) for i, c in cats.items()}


def token_categories(tokens: Sequence[tuple[int, int]], spans: Iterable[SpanKey]) -> list[Category]:
    """Each token's value: the labels of the spans overlapping it (OUTSIDE when none)."""
    sparse = labelled_tokens([s for s, _ in tokens], [e for _, e in tokens], spans)
    return [sparse.get(i, OUTSIDE) for i in range(len(tokens))]


# --------------------------------------------------------------------------------------------------
# The report


@dataclass(slots=True)
class Figures:
    """Agreement of a pair of annotators (``a`` the reference, ``b``), or of all (both None), on one
    label (or all labels: ``label`` None)."""

    a: str | None
    b: str | None
    label: str | None
    documents: int = 0  # documents both (all: at least two) accepted
    tokens: int = 0
    spans: SpanCounts = field(default_factory=SpanCounts)
    kappa: float | None = None  # pairs: Cohen's κ; all annotators: Light's κ (mean of pairs)
    alpha: float | None = None  # all annotators: Krippendorff's α
    answered: int = 0  # documents both (all: at least two) answered
    answers_same: int = 0  # pairs of answered records with the same answer (a pair: its documents)
    # pairs of answered records: a pair's row, its answered documents; all annotators, the sum over pairs
    answer_pairs: int = 0
    answers_agreed: float | None = None  # share of answered pairs that gave the same answer
    answers_kappa: float | None = None  # pairs: κ on answers
    answers_alpha: float | None = None  # all annotators: α on answers

    def as_dict(self) -> dict[str, object]:
        s = self.spans
        return {
            "a": self.a,
            "b": self.b,
            "label": self.label,
            "documents": self.documents,
            "tokens": self.tokens,
            "spans_a": s.a,
            "spans_b": s.b,
            "spans_exact": s.exact,
            "f1_exact": s.f1_exact,
            "f1_overlap": s.f1_overlap,
            "precision_exact": s.precision_exact,
            "recall_exact": s.recall_exact,
            "precision_overlap": s.precision_overlap,
            "recall_overlap": s.recall_overlap,
            "kappa": self.kappa,
            "alpha": self.alpha,
            "answered": self.answered,
            "answers_same": self.answers_same,
            "answer_pairs": self.answer_pairs,
            "answers_agreed": self.answers_agreed,
            "answers_kappa": self.answers_kappa,
            "answers_alpha": self.answers_alpha,
        }


@dataclass(slots=True)
class DocumentAgreement:
    """One document with at least two answered records."""

    doc_id: str
    annotators: tuple[str, ...]
    answers: tuple[str, ...]
    score: float  # mean over pairs: exact span F1 if both accepted, 1/0 for same/different answers otherwise
    f1_exact: float | None
    f1_overlap: float | None
    alpha: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "doc_id": self.doc_id,
            "annotators": list(self.annotators),
            "answers": list(self.answers),
            "score": self.score,
            "f1_exact": self.f1_exact,
            "f1_overlap": self.f1_overlap,
            "alpha": self.alpha,
        }


@dataclass(slots=True)
class Report:
    labels: list[str]
    overall: list[Figures]  # all annotators: all labels first, then one per label
    pairs: list[Figures]  # per pair: all labels, then one per label
    documents: list[DocumentAgreement]  # lowest agreement first
    confusion: Counter[tuple[str | None, str | None]]  # unordered label pairs, pooled over pairs

    def swaps(self) -> list[tuple[str, str, int]]:
        """Label pairs annotators used for the same text, most frequent first."""
        out = [(a, b, n) for (a, b), n in self.confusion.items() if a is not None and b is not None and a != b]
        return sorted(out, key=lambda t: (-t[2], t[0], t[1]))

    def as_dict(self) -> dict[str, object]:
        return {
            "labels": self.labels,
            "overall": [f.as_dict() for f in self.overall],
            "pairs": [f.as_dict() for f in self.pairs],
            "confusion": [
                {"a": a, "b": b, "count": n}
                for (a, b), n in sorted(self.confusion.items(), key=lambda kv: (-kv[1], str(kv[0])))
            ],
            "documents": [d.as_dict() for d in self.documents],
        }


class _Acc:
    """Accumulates one (pair or all annotators, label) cell of the report."""

    __slots__ = ("answer_pairs", "answer_patterns", "answered", "docs", "kappa_pairs", "patterns", "spans", "tokens")

    def __init__(self) -> None:
        self.docs = 0
        self.tokens = 0
        self.spans = SpanCounts()
        self.kappa_pairs: Counter[tuple[Hashable, Hashable]] = Counter()
        self.patterns: Counter[tuple[int, ...]] = Counter()
        self.answered = 0
        self.answer_pairs: Counter[tuple[Hashable, Hashable]] = Counter()
        self.answer_patterns: Counter[tuple[int, ...]] = Counter()


class _Coded:
    """One accepted coding of one document, cut into token values (only labelled tokens are kept:
    every other token is OUTSIDE, category id 0)."""

    __slots__ = ("by_label", "ids", "spans_by_label")

    def __init__(self, coding: Coding, starts: list[int], ends: list[int], ids: dict[Category, int]) -> None:
        cats = labelled_tokens(starts, ends, coding.spans)
        self.ids: dict[int, int] = {i: ids.setdefault(c, len(ids)) for i, c in cats.items()}
        self.by_label: dict[str, set[int]] = {}
        for i, c in cats.items():
            for label in c:
                self.by_label.setdefault(label, set()).add(i)
        self.spans_by_label: dict[str, list[SpanKey]] = {}
        for span in coding.spans:
            self.spans_by_label.setdefault(span[2], []).append(span)


_NONE: frozenset[int] = frozenset()


class _Computation:
    def __init__(self, label: str | None, reference: str | None) -> None:
        self.label = label
        self.reference = reference
        self.pairs: dict[tuple[str, str, str | None], _Acc] = {}
        self.all: dict[str | None, _Acc] = {}
        # Tokens where a label occurred, per pair and per number of coders. The tokens of documents
        # where nobody used a label agree on its absence; they are added at the end in bulk instead
        # of walking every token once per label.
        self.pair_tokens: Counter[tuple[str, str]] = Counter()
        self.pair_label_tokens: Counter[tuple[str, str, str]] = Counter()
        self.coder_tokens: Counter[int] = Counter()
        self.coder_label_tokens: Counter[tuple[str, int]] = Counter()
        self.labels: set[str] = set()
        self.ids: dict[Category, int] = {OUTSIDE: 0}
        self.answer_ids: dict[str, int] = {}
        self.documents: list[tuple[float, float, int, DocumentAgreement]] = []
        self.confusion: Counter[tuple[str | None, str | None]] = Counter()

    def pair(self, a: str, b: str, label: str | None) -> _Acc:
        key = (a, b, label)
        acc = self.pairs.get(key)
        if acc is None:
            acc = self.pairs[key] = _Acc()
        return acc

    def every(self, label: str | None) -> _Acc:
        acc = self.all.get(label)
        if acc is None:
            acc = self.all[label] = _Acc()
        return acc

    def add(self, order: int, item: Item) -> None:
        label = self.label
        codings = [
            Coding(c.annotator, c.answer, frozenset(s for s in c.spans if label is None or s[2] == label))
            for c in item.codings
        ]
        if self.reference is not None:
            ref = next((c for c in codings if c.annotator == self.reference), None)
            if ref is None:
                return
            pairs = [(ref, c) for c in codings if c.annotator != self.reference]
        else:
            pairs = list(itertools.combinations(codings, 2))
        if not pairs:
            return
        accepted = [c for c in codings if c.answer == "accept"]
        starts = [t[0] for t in item.tokens]
        ends = [t[1] for t in item.tokens]
        coded = {c.annotator: _Coded(c, starts, ends, self.ids) for c in accepted}
        doc_labels = sorted({s[2] for c in accepted for s in c.spans})
        self.labels.update(doc_labels)
        ntok = len(item.tokens)

        scores: list[float] = []
        doc_spans = SpanCounts()
        for ca, cb in pairs:
            p = self.pair(ca.annotator, cb.annotator, None)
            p.answered += 1
            p.answer_pairs[(ca.answer, cb.answer)] += 1
            if ca.answer != "accept" or cb.answer != "accept":
                scores.append(1.0 if ca.answer == cb.answer else 0.0)
                continue
            xa, xb = coded[ca.annotator], coded[cb.annotator]
            by_label = SpanCounts.per_label(xa.spans_by_label, xb.spans_by_label)
            counts = SpanCounts()
            for c in by_label.values():
                counts.add(c)
            doc_spans.add(counts)
            f1 = counts.f1_exact
            scores.append(1.0 if f1 is None else f1)
            p.docs += 1
            p.tokens += ntok
            p.spans.add(counts)
            union = xa.ids.keys() | xb.ids.keys()
            p.kappa_pairs.update((xa.ids.get(i, 0), xb.ids.get(i, 0)) for i in union)
            if ntok > len(union):
                p.kappa_pairs[(0, 0)] += ntok - len(union)
            self.pair_tokens[(ca.annotator, cb.annotator)] += ntok
            for lab in doc_labels:
                pl = self.pair(ca.annotator, cb.annotator, lab)
                if lab in by_label:
                    pl.spans.add(by_label[lab])
                ta, tb = xa.by_label.get(lab, _NONE), xb.by_label.get(lab, _NONE)
                both = len(ta & tb)
                pl.kappa_pairs[(1, 1)] += both
                pl.kappa_pairs[(1, 0)] += len(ta) - both
                pl.kappa_pairs[(0, 1)] += len(tb) - both
                pl.kappa_pairs[(0, 0)] += ntok - len(ta) - len(tb) + both
                self.pair_label_tokens[(ca.annotator, cb.annotator, lab)] += ntok
            self.confusion.update(_unordered(confusion(ca.spans, cb.spans)))

        doc_alpha = None
        units: Counter[tuple[int, ...]] = Counter()
        if len(accepted) >= 2:
            columns = [coded[c.annotator].ids for c in accepted]
            union = set().union(*columns)
            units.update(tuple(sorted(col.get(i, 0) for col in columns)) for i in union)
            if ntok > len(union):
                units[(0,) * len(columns)] += ntok - len(union)
            doc_alpha = alpha_nominal(units)
        if self.reference is None:
            self._add_all(codings, [coded[c.annotator] for c in accepted], doc_labels, ntok, doc_spans, units)
        score = sum(scores) / len(scores)
        overlap = doc_spans.f1_overlap
        row = DocumentAgreement(
            item.doc_id,
            tuple(c.annotator for c in codings),
            tuple(c.answer for c in codings),
            score,
            doc_spans.f1_exact,
            overlap,
            doc_alpha,
        )
        self.documents.append((score, 1.0 if overlap is None else overlap, order, row))

    def _add_all(
        self,
        codings: list[Coding],
        accepted: list[_Coded],
        doc_labels: list[str],
        ntok: int,
        doc_spans: SpanCounts,
        units: Counter[tuple[int, ...]],
    ) -> None:
        """Add a document to the all-annotator cells (α over everyone who answered / accepted it)."""
        every = self.every(None)
        every.answered += 1
        answers = sorted(self.answer_ids.setdefault(c.answer, len(self.answer_ids)) for c in codings)
        every.answer_patterns[tuple(answers)] += 1
        if len(accepted) < 2:
            return
        m = len(accepted)
        every.docs += 1
        every.tokens += ntok
        every.spans.add(doc_spans)
        every.patterns.update(units)
        self.coder_tokens[m] += ntok
        for lab in doc_labels:
            cl = self.every(lab)
            # per token, how many coders gave it the label; a token nobody gave it is all zeros
            coders = Counter(i for x in accepted for i in x.by_label.get(lab, _NONE))
            for k, n in Counter(coders.values()).items():
                cl.patterns[(0,) * (m - k) + (1,) * k] += n
            if ntok > len(coders):
                cl.patterns[(0,) * m] += ntok - len(coders)
            self.coder_label_tokens[(lab, m)] += ntok
            for xa, xb in itertools.combinations(accepted, 2):
                cl.spans.add(SpanCounts.of(xa.spans_by_label.get(lab, ()), xb.spans_by_label.get(lab, ())))

    def report(self) -> Report:
        labels = sorted(self.labels | ({self.label} if self.label is not None else set()))
        pairs: list[Figures] = []
        pair_kappas: dict[str | None, list[float]] = {}
        agreed_answers = 0
        answered_pairs = 0
        for a, b in sorted({(a, b) for a, b, _ in self.pairs}):
            whole = self.pairs[(a, b, None)]
            answered_pairs += whole.answered
            agreed_answers += sum(n for (x, y), n in whole.answer_pairs.items() if x == y)
            rows = [self._pair_figures(a, b, None, whole, whole)]
            if self.label is None:
                rows += [self._pair_figures(a, b, lab, self.pairs.get((a, b, lab)), whole) for lab in labels]
            for f in rows:
                if f.kappa is not None:
                    pair_kappas.setdefault(f.label, []).append(f.kappa)
            pairs += rows
        overall: list[Figures] = []
        if self.reference is None:
            every = self.every(None)
            f = Figures(None, None, None, every.docs, every.tokens, every.spans)
            f.alpha = alpha_nominal(every.patterns)
            f.kappa = _mean(pair_kappas.get(None))
            f.answered = every.answered
            f.answers_same, f.answer_pairs = agreed_answers, answered_pairs
            f.answers_agreed = agreed_answers / answered_pairs if answered_pairs else None
            f.answers_alpha = alpha_nominal(every.answer_patterns)
            overall.append(f)
            if self.label is None:
                for lab in labels:
                    cell = self.all.get(lab) or _Acc()
                    patterns = Counter(cell.patterns)
                    for m, n in self.coder_tokens.items():
                        absent = n - self.coder_label_tokens[(lab, m)]
                        if absent:
                            patterns[(0,) * m] += absent
                    g = Figures(None, None, lab, every.docs, every.tokens, cell.spans)
                    g.alpha = alpha_nominal(patterns)
                    g.kappa = _mean(pair_kappas.get(lab))
                    overall.append(g)
        documents = [row for *_, row in sorted(self.documents, key=lambda t: t[:3])]
        return Report(labels, overall, pairs, documents, self.confusion)

    def _pair_figures(self, a: str, b: str, label: str | None, cell: _Acc | None, whole: _Acc) -> Figures:
        f = Figures(a, b, label, whole.docs, whole.tokens, cell.spans if cell is not None else SpanCounts())
        if label is None:
            f.kappa = cohen_kappa(whole.kappa_pairs)
            f.answered = whole.answered
            f.answers_same = sum(n for (x, y), n in whole.answer_pairs.items() if x == y)
            f.answer_pairs = whole.answered
            if whole.answered:
                f.answers_agreed = f.answers_same / whole.answered
            f.answers_kappa = cohen_kappa(whole.answer_pairs)
        else:
            counts: Counter[tuple[Hashable, Hashable]] = Counter(cell.kappa_pairs if cell is not None else {})
            absent = self.pair_tokens[(a, b)] - self.pair_label_tokens[(a, b, label)]
            if absent:
                counts[(0, 0)] += absent
            f.kappa = cohen_kappa(counts)
        return f


def _mean(values: list[float] | None) -> float | None:
    return sum(values) / len(values) if values else None


def compute(items: Iterable[Item], *, label: str | None = None, reference: str | None = None) -> Report:
    """The agreement report over ``items``.

    ``label`` restricts everything to that label (spans of other labels are ignored). With
    ``reference`` only the pairs (reference, another annotator) are scored, the reference as ``a`` (so
    precision and recall are the other annotator's against it), the all-annotator rows are left
    empty and documents are ranked by their agreement with the reference.
    """
    c = _Computation(label, reference)
    for order, item in enumerate(items):
        c.add(order, item)
    return c.report()


def _unordered(
    counts: Counter[tuple[str | None, str | None]],
) -> Counter[tuple[str | None, str | None]]:
    out: Counter[tuple[str | None, str | None]] = Counter()
    for (a, b), n in counts.items():
        key = (a, b) if (a is not None and (b is None or a <= b)) else (b, a)
        out[key] += n
    return out


@dataclass(slots=True)
class AnnotatorAgreement:
    """How one annotator agrees with the others (or with the reference): pairs involving them, pooled."""

    annotator: str
    documents: int = 0  # (document, other annotator) pairs both accepted
    spans: SpanCounts = field(default_factory=SpanCounts)
    kappa: float | None = None  # mean of their pairwise κ
    answered: int = 0
    answers_agreed: float | None = None


def by_annotator(report: Report) -> dict[str, AnnotatorAgreement]:
    """Each annotator's pairs (all labels) pooled: span counts with the annotator as ``b`` (so precision
    and recall are theirs against the others), the mean of their κ and their share of agreed answers."""
    out: dict[str, AnnotatorAgreement] = {}
    kappas: dict[str, list[float]] = {}
    agreed: Counter[str] = Counter()
    for f in report.pairs:
        if f.label is not None or f.a is None or f.b is None:
            continue
        for me, other_is_a in ((f.b, True), (f.a, False)):
            row = out.setdefault(me, AnnotatorAgreement(me))
            row.documents += f.documents
            s = f.spans
            row.spans.add(s if other_is_a else SpanCounts(s.b, s.a, s.exact, s.b_found, s.a_found))
            if f.kappa is not None:
                kappas.setdefault(me, []).append(f.kappa)
            row.answered += f.answered
            agreed[me] += f.answers_same
    for name, row in out.items():
        row.kappa = _mean(kappas.get(name))
        row.answers_agreed = agreed[name] / row.answered if row.answered else None
    return out
