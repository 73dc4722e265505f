"""`reader merge STORE... --into S`: bring home stores annotated offline on copies.

The stores named are opened read-only and never changed. The target is opened for writing (so not
while someone works in it) and created if missing; what it already holds takes part in the merge
like any other store. The decision (documents by id, derived ids by text, the newer version of a
record wins, different texts under one id are a conflict) is annotations/merge.py's; this command
reads the stores, prints what it decided and writes the result through the store's public API. A
conflict stops the merge before anything is written, unless --skip-conflicts leaves those documents
as the target has them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from annotations.errors import UserError
from annotations.merge import DocEntry, MergeResult, Plan, Snapshot, Superseded, merge, plan
from annotations.model import Annotation, Document, Span
from annotations.store import ImportedAnnotation, Store
from reader.text.sanitize import terminal_safe

SHOW = 20  # conflicts and superseded records listed one by one; the rest are counted


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stores", nargs="+", metavar="STORE", help="stores to merge (read, never changed)")
    parser.add_argument("--into", required=True, metavar="S", help="the store to merge into (created if missing)")
    parser.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    parser.add_argument(
        "--skip-conflicts",
        action="store_true",
        help="merge everything else when a document id has different texts (those documents stay as in S)",
    )


def snapshot(store: Store, name: str) -> Snapshot:
    """The store's documents and its records exactly as stored: the shared suggestions stay in the
    layer (merged on their own, :func:`_suggestions`), not copied into every record."""
    docs = tuple(DocEntry(doc_id, store.document_hash(doc_id)) for doc_id in store.document_ids())
    return Snapshot(name, docs, tuple(store.annotations(layer=False)))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def run(args: argparse.Namespace) -> int:
    target_path = Path(args.into)
    sources: list[tuple[str, Path]] = []
    for raw in args.stores:
        path = Path(raw)
        if _same_file(path, target_path):
            raise UserError(f"{raw} is the store merged into (--into); list only the stores to bring into it")
        if any(_same_file(path, p) for _, p in sources):
            continue  # named twice: merging a store with itself changes nothing
        sources.append((raw, path))
    with contextlib.ExitStack() as stack:
        opened = {name: stack.enter_context(Store.open(path, readonly=True)) for name, path in sources}
        target: Store | None
        if args.dry_run:
            target = stack.enter_context(Store.open(target_path, readonly=True)) if target_path.exists() else None
        else:
            target = stack.enter_context(Store.open(target_path))
        target_name = args.into
        target_snap = snapshot(target, target_name) if target is not None else Snapshot(target_name, (), ())
        result = merge([target_snap, *(snapshot(s, name) for name, s in opened.items())])
        if result.conflicts and not args.skip_conflicts:
            # the list goes first, one conflict a line; the error itself is one line, as all errors are
            print(_conflicts_message(result), file=sys.stderr)
            raise UserError(
                f"{len(result.conflicts)} document id(s) have different texts in different stores (listed above); "
                "nothing was written"
            )
        todo = plan(result, target_snap)
        layer = _suggestions(target, opened, result, todo)
        if target is not None and not args.dry_run:
            _write(target, opened, todo, layer)
    print(_report(args, len(sources), result, todo, sum(len(v) for v in layer.values())))
    return 0


def _suggestions(
    target: Store | None, sources: dict[str, Store], result: MergeResult, todo: Plan
) -> dict[str, list[Span]]:
    """The shared suggestions the target lacks, per target document: the union of the layers (a
    suggestion is the same whatever store made it: start, end and label). Decisions on them live in
    the records, so a suggestion someone rejected stays rejected for them."""
    dest = dict(todo.folded)
    missing: dict[str, list[Span]] = {}
    have: dict[str, set[tuple[int, int, str]]] = {}
    for store in sources.values():
        for doc_id in store.document_ids():
            if doc_id not in result.documents:
                continue  # a conflict left out
            spans = store.suggestions(doc_id)
            if not spans:
                continue
            where = dest.get(doc_id, doc_id)
            if where not in have:
                have[where] = {s.key for s in target.suggestions(where)} if target and where in target else set()
            for span in spans:
                if span.key not in have[where]:
                    have[where].add(span.key)
                    missing.setdefault(where, []).append(span)
    return missing


def _write(target: Store, sources: dict[str, Store], todo: Plan, layer: dict[str, list[Span]]) -> None:
    by_doc: dict[str, list[Annotation]] = {}
    for rec in todo.imports:
        by_doc.setdefault(rec.doc_id, []).append(rec)
    new = {doc_id for doc_id, _ in todo.new_documents}

    def items() -> Iterator[tuple[Document, list[ImportedAnnotation]]]:
        for doc_id, source in todo.new_documents:
            yield sources[source].get_document(doc_id), _imported(by_doc.get(doc_id, []))
        for doc_id, recs in by_doc.items():
            if doc_id not in new:
                yield target.get_document(doc_id), _imported(recs)

    # one atomic import: the new documents with the records nobody had in the target
    target.import_items(items())
    if layer:  # before the records, so their pending spans are recognised as the layer's
        target.add_suggestions(layer.items())
    for rec in todo.replacements:
        target.put_record(rec)  # the winning version as it is, with its own time


def _imported(records: list[Annotation]) -> list[ImportedAnnotation]:
    return [
        ImportedAnnotation(r.annotator, list(r.spans), r.answer, r.created, r.updated, r.seconds_spent) for r in records
    ]


def _when(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))


def _safe(text: str) -> str:
    """A user-supplied string (id, name, path) for the report: controls and line breaks made visible,
    so it can neither drive the terminal nor forge a line of the report."""
    return terminal_safe(text)


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(_safe(n) for n in names)


def _conflicts_message(result: MergeResult) -> str:
    lines = [f"Conflicts: {len(result.conflicts)} document id(s) have different texts in different stores:"]
    for c in result.conflicts[:SHOW]:
        versions = "; ".join(f"text {h} in {_names(names)}" for h, names in c.versions)
        lines.append(f"  {_safe(c.doc_id)}: {versions}")
    if len(result.conflicts) > SHOW:
        lines.append(f"  … and {len(result.conflicts) - SHOW} more")
    lines.append(
        "give one of the texts another id (or fix the copy that changed it) and merge again, "
        "or merge the rest with --skip-conflicts"
    )
    return "\n".join(lines)


def _superseded_line(s: Superseded) -> str:
    older = "; ".join(f"{_names(names)} ({_when(t)})" for names, t in s.dropped)
    tie = " — same time, different content: kept by content order" if s.tie else ""
    kept = f"kept {_names(s.kept_in)} ({_when(s.kept_updated)})"
    return f"  {_safe(s.doc_id)} by {_safe(s.annotator)}: {kept}; older: {older}{tie}"


def _report(args: argparse.Namespace, stores: int, result: MergeResult, todo: Plan, suggestions: int) -> str:
    verb = "Would merge" if args.dry_run else "Merged"
    records_in = len(todo.imports) + len(todo.replacements)
    lines = [
        f"{verb} {stores} store(s) into {_safe(args.into)}:",
        f"  documents: {len(todo.new_documents)} added"
        + (f", {len(todo.folded)} imported without an id joined the document with their text" if todo.folded else ""),
        f"  records: {todo.added} added, {records_in - todo.added} replaced or updated, "
        f"{todo.unchanged} already up to date",
    ]
    if suggestions:
        lines.append(f"  shared suggestions: {suggestions} added")
    superseded = sorted([*result.superseded, *todo.superseded], key=lambda s: (s.doc_id, s.annotator, s.kept_updated))
    if superseded:
        lines.append(f"Newer versions kept ({len(superseded)}):")
        lines += [_superseded_line(s) for s in superseded[:SHOW]]
        if len(superseded) > SHOW:
            lines.append(f"  … and {len(superseded) - SHOW} more")
    if result.conflicts:
        lines.append("Left out (--skip-conflicts). " + _conflicts_message(result))
    if result.orphans:
        lines.append(f"{len(result.orphans)} record(s) name a document their store does not hold; left out")
    if not records_in and not todo.new_documents and not suggestions:
        lines.append("Nothing to do: the target already holds everything.")
    return "\n".join(lines)  # every user string in it went through _safe
