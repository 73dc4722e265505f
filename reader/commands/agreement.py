"""`reader agreement`: how far annotators agree, overall, per pair, per label, per annotator and per
document, or how each annotator compares with one annotator or with the adjudicated gold.

The store is opened read-only, so this runs while annotators are working. What the figures mean
(which records count, token units, κ and α) is documented in annotations/agreement.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from annotations.agreement import AnnotatorAgreement, DocumentAgreement, Figures, Report, by_annotator, compute
from annotations.errors import UserError
from annotations.gold import GOLD, is_gold
from annotations.paths import default_store_path
from annotations.progress import Progress, progress
from annotations.store import Store
from annotations.teamdata import Collected, agreement_items
from reader.commands.tables import DASH, json_text, number, table, write_csv
from reader.text.sanitize import terminal_safe
from reader.text.snippet import screen_text

FIGURE_COLUMNS = (
    "a",
    "b",
    "label",
    "documents",
    "tokens",
    "spans_a",
    "spans_b",
    "spans_exact",
    "f1_exact",
    "f1_overlap",
    "precision_exact",
    "recall_exact",
    "precision_overlap",
    "recall_overlap",
    "kappa",
    "alpha",
    "answered",
    "answers_same",
    "answer_pairs",
    "answers_agreed",
    "answers_kappa",
    "answers_alpha",
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", default=None, help=f"the store (default: {default_store_path()})")
    parser.add_argument("--label", default=None, help="only this label (spans of other labels are ignored)")
    parser.add_argument(
        "--by",
        choices=("document", "annotator"),
        default=None,
        help="one row per document (lowest agreement first) or per annotator (progress and agreement)",
    )
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.add_argument(
        "--against",
        default=None,
        metavar="ANNOTATOR|gold",
        help="score every annotator against this annotator, or against the adjudicated gold records",
    )
    parser.add_argument("--limit", type=int, default=20, help="table rows of --by document (default 20; 0 for all)")


def run(args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise UserError(f"--limit must be 0 (all) or more, got {args.limit}")
    with Store.open(args.store or default_store_path(), readonly=True) as store:
        names = store.annotators()
        ordinary = [n for n in names if not is_gold(n)]
        if args.against is not None and args.against != GOLD and args.against not in ordinary:
            known = ", ".join(ordinary) or "none yet"
            raise UserError(
                f"no annotator {args.against!r} in the store (annotators: {known}; or --against gold)",
                path=str(store.path),
            )
        if args.against == GOLD and not any(is_gold(n) for n in names):
            raise UserError("the store has no adjudicated (gold) records yet", path=str(store.path))
        seen = Collected()
        report = compute(agreement_items(store, names, args.against, seen), label=args.label, reference=args.against)
        progress_rows: dict[str, Progress] = {}
        if args.by == "annotator":
            progress_rows = progress(a for n in ordinary for a in store.annotations(annotator=n))
    if args.label is not None and args.label not in seen.labels and seen.labels:
        raise UserError(
            f"no answered record uses the label {args.label!r} (labels used: {', '.join(sorted(seen.labels))})"
        )
    view = _View(args, report, seen, progress_rows, visual=args.format == "table" and sys.stdout.isatty())
    if args.format == "json":
        print(json_text(view.data()))
    elif args.format == "csv":
        headers, rows = view.csv()
        write_csv(sys.stdout, headers, rows, display=sys.stdout.isatty())
    else:
        print(view.table())
    return 0


def _pair_name(f: Figures, shown: Callable[[str], str]) -> str:
    if f.a is None or f.b is None:
        return "all annotators"
    return f"{shown(f.a)} – {shown(f.b)}"


def _label_name(label: str | None, shown: Callable[[str], str], chosen: str | None = None) -> str:
    """A row's label: its own, else the label ``--label`` restricted every figure to, else all."""
    name = label or chosen
    return "all labels" if name is None else shown(name)


def _duration(seconds: float) -> str:
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class _View:
    def __init__(
        self,
        args: argparse.Namespace,
        report: Report,
        seen: Collected,
        progress_rows: dict[str, Progress],
        *,
        visual: bool = False,
    ) -> None:
        self.args = args
        self.report = report
        self.seen = seen
        self.progress = progress_rows
        self.annotators: dict[str, AnnotatorAgreement] = by_annotator(report)
        # A table written to a terminal shows every name shaped and in visual order (the terminal
        # does neither); piped into a file or another program it stays in logical order, as JSON
        # and CSV always do.
        self.visual = visual

    def _name(self, value: str) -> str:
        """A user-supplied string (annotator, label, document id) for the table."""
        return screen_text(value) if self.visual else terminal_safe(value)

    # ---- data (JSON and CSV)
    def _annotator_rows(self) -> list[dict[str, Any]]:
        out = []
        for name in sorted(set(self.progress) | set(self.annotators)):
            if name == self.args.against:
                continue
            p = self.progress.get(name) or Progress(name)
            a = self.annotators.get(name) or AnnotatorAgreement(name)
            out.append(
                {
                    "annotator": name,
                    "records": p.records,
                    "accepted": p.answers["accept"],
                    "rejected": p.answers["reject"],
                    "skipped": p.answers["skip"],
                    "flagged": p.answers["flag"],
                    "spans": sum(p.labels.values()),
                    "pending": p.pending,
                    "seconds": p.seconds,
                    "per_hour": p.per_hour,
                    "document_pairs": a.documents,
                    "f1_exact": a.spans.f1_exact,
                    "f1_overlap": a.spans.f1_overlap,
                    "precision_exact": a.spans.precision_exact,
                    "recall_exact": a.spans.recall_exact,
                    "kappa": a.kappa,
                    "answers_agreed": a.answers_agreed,
                }
            )
        return out

    def data(self) -> dict[str, Any]:
        head: dict[str, Any] = {
            "label": self.args.label,
            "against": self.args.against,
            "stale_left_out": self.seen.stale,
        }
        if self.args.by == "document":
            return {**head, "documents": [d.as_dict() for d in self.report.documents]}
        if self.args.by == "annotator":
            return {**head, "annotators": self._annotator_rows()}
        whole = self.report.as_dict()
        whole["overall"] = [self._labelled(f.as_dict()) for f in self.report.overall]
        whole["pairs"] = [self._labelled(f.as_dict()) for f in self.report.pairs]
        return {**head, **whole}

    def _labelled(self, row: dict[str, object]) -> dict[str, object]:
        """A figures row as data: with ``--label`` its figures are that label's, so it says so (the
        report keeps ``None`` there for "every label the computation saw")."""
        if row.get("label") is None and self.args.label is not None:
            return {**row, "label": self.args.label}
        return row

    def csv(self) -> tuple[list[str], list[list[object]]]:
        if self.args.by == "document":
            headers = ["doc_id", "annotators", "answers", "score", "f1_exact", "f1_overlap", "alpha"]
            return headers, [
                [d.doc_id, " ".join(d.annotators), " ".join(d.answers), d.score, d.f1_exact, d.f1_overlap, d.alpha]
                for d in self.report.documents
            ]
        if self.args.by == "annotator":
            dict_rows = self._annotator_rows()
            headers = list(dict_rows[0]) if dict_rows else ["annotator"]
            return headers, [list(r.values()) for r in dict_rows]
        rows = [self._labelled(f.as_dict()) for f in [*self.report.overall, *self.report.pairs]]
        return list(FIGURE_COLUMNS), [[r[c] for c in FIGURE_COLUMNS] for r in rows]

    # ---- table
    def table(self) -> str:
        if self.args.by == "document":
            body = self._documents_table(self.args.limit)
        elif self.args.by == "annotator":
            body = self._annotators_table()
        elif self.args.against is not None:
            body = self._against_table()
        else:
            body = self._summary_table()
        notes = []
        if self.seen.stale:
            notes.append(f"{self.seen.stale} answered records made on an older text of their document were left out.")
        return "\n\n".join([body, *notes])

    def _nothing(self) -> str | None:
        if self.report.pairs:
            return None
        if self.args.against is not None:
            who = self._name(self.args.against)
            return f"No document has been answered both by {who} and by another annotator yet."
        return "No document has been answered (accept or reject) by two or more annotators yet."

    def _summary_table(self) -> str:
        empty = self._nothing()
        if empty:
            return empty
        r = self.report
        whole = r.overall[0]
        parts = [
            f"{whole.answered} documents answered by two or more annotators; {whole.documents} accepted by two "
            f"or more ({whole.tokens} tokens)."
        ]
        rows = [
            [
                _label_name(f.label, self._name, self.args.label),
                f.documents,
                number(f.spans.f1_exact),
                number(f.spans.f1_overlap),
                number(f.kappa),
                number(f.alpha),
            ]
            for f in r.overall
        ]
        parts.append(
            "All annotators\n"
            + table(["label", "docs", "F1 exact", "F1 overlap", "κ (mean)", "α"], rows, right=(1, 2, 3, 4, 5))
        )
        same, answered = whole.answers_same, whole.answer_pairs  # the figures json and csv carry
        if answered:
            parts.append(
                f"Answers: the same on {same} of {answered} pairs of answered records "
                f"({number(whole.answers_agreed)}); α on answers {number(whole.answers_alpha)}."
            )
        pair_rows = [
            [
                _pair_name(f, self._name),
                _label_name(f.label, self._name, self.args.label),
                f.documents,
                number(f.spans.f1_exact),
                number(f.spans.f1_overlap),
                number(f.kappa),
                f"{f.answers_same}/{f.answered}",
                number(f.answers_kappa),
            ]
            for f in r.pairs
            if f.label is None or self.args.label is not None
        ]
        parts.append(
            "Pairs\n"
            + table(
                ["pair", "label", "docs", "F1 exact", "F1 overlap", "κ", "same answer", "κ answers"],
                pair_rows,
                right=(2, 3, 4, 5, 6, 7),
            )
        )
        swaps = r.swaps()
        if swaps:
            parts.append(
                "Labels given to the same text\n"
                + table(
                    ["label", "label", "times"],
                    [[self._name(a), self._name(b), n] for a, b, n in swaps[:10]],
                    right=(2,),
                )
            )
        low = [d for d in r.documents if d.score < 1.0][:5]
        if low:
            parts.append("Lowest agreement (reader agreement --by document for all)\n" + self._document_rows_table(low))
        return "\n\n".join(parts)

    def _document_rows_table(self, docs: list[DocumentAgreement]) -> str:
        rows = [
            [
                self._name(d.doc_id),
                number(d.score),
                number(d.f1_exact),
                number(d.f1_overlap),
                number(d.alpha),
                ", ".join(f"{self._name(n)} {a}" for n, a in zip(d.annotators, d.answers, strict=True)),
            ]
            for d in docs
        ]
        return table(["document", "score", "F1 exact", "F1 overlap", "α", "answers"], rows, right=(1, 2, 3, 4))

    def _documents_table(self, limit: int) -> str:
        empty = self._nothing()
        if empty:
            return empty
        docs = self.report.documents
        shown = docs if limit == 0 else docs[:limit]
        text = self._document_rows_table(shown)
        if len(shown) < len(docs):
            text += f"\n… {len(docs) - len(shown)} more (--limit 0 shows all)"
        return text

    def _annotators_table(self) -> str:
        rows = []
        for r in self._annotator_rows():
            per_hour = r["per_hour"]
            rows.append(
                [
                    self._name(r["annotator"]),
                    r["accepted"],
                    r["rejected"],
                    r["skipped"] + r["flagged"],
                    r["spans"],
                    _duration(r["seconds"]),
                    DASH if per_hour is None else f"{per_hour:.1f}",
                    r["document_pairs"],
                    number(r["f1_exact"]),
                    number(r["f1_overlap"]),
                    number(r["kappa"]),
                    number(r["answers_agreed"]),
                ]
            )
        if not rows:
            return "No annotation records yet."
        against = "the others" if self.args.against is None else self._name(self.args.against)
        on = f" on {self._name(self.args.label)}" if self.args.label is not None else ""
        return f"Progress, and agreement with {against}{on}\n" + table(
            [
                "annotator",
                "accepted",
                "rejected",
                "skip/flag",
                "spans",
                "time",
                "docs/h",
                "doc pairs",
                "F1 exact",
                "F1 overlap",
                "κ",
                "same answer",
            ],
            rows,
            right=tuple(range(1, 12)),
        )

    def _against_table(self) -> str:
        empty = self._nothing()
        if empty:
            return empty
        ref = self.args.against
        rows = [
            [
                self._name(f.b or ""),
                _label_name(f.label, self._name, self.args.label),
                f.documents,
                number(f.spans.precision_exact),
                number(f.spans.recall_exact),
                number(f.spans.f1_exact),
                number(f.spans.f1_overlap),
                number(f.kappa),
                DASH if f.label is not None else f"{f.answers_same}/{f.answered}",
            ]
            for f in sorted(self.report.pairs, key=lambda f: (f.b or "", f.label is not None, f.label or ""))
        ]
        title = "Against the adjudicated gold" if ref == GOLD else f"Against {self._name(ref)}"
        return (
            title
            + " (precision and recall are each annotator's)\n"
            + table(
                ["annotator", "label", "docs", "P exact", "R exact", "F1 exact", "F1 overlap", "κ", "same answer"],
                rows,
                right=(2, 3, 4, 5, 6, 7, 8),
            )
        )
