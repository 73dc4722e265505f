"""Merging stores that were annotated offline on copies: the decision, as a pure function.

Input: snapshots of stores (their documents as id and text hash, and their annotation records).
Output: one set of documents and one record per (document, annotator), with a report. The same
function decides for any number of stores, in any order: the result does not depend on the order
of the snapshots (commutative) and merging a result again with any of its inputs changes nothing
(idempotent); tests/unit/team/test_merge.py checks both with hypothesis.

Rules
    Documents are matched by id; a document imported without an id has one derived from its text
    (``doc-`` + text hash), so those match by text. The same id with different texts in two stores
    is a *conflict*: reported with the stores that hold each version, and the document (with its
    records) is left out of the result; nothing picks one text silently.

    Records are matched by (document, annotator). Where stores hold different versions of a record
    the newer one (``updated``) wins and the others are reported as superseded. Two different
    versions with the very same ``updated`` time are decided by their content (the same choice
    whatever the order of the stores) and reported as a tie. Versions that differ only in their
    times are one version (at its latest ``updated``): rewriting a record does not make it new.

    ``updated`` is the time of the record's last change of content (spans, answer, decisions,
    history); time spent is bookkeeping that never decides which version wins. The merged record
    takes the largest time spent and the earliest creation time of all the versions, so a copy that
    was only opened adds nothing but the minutes spent reading it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from annotations.model import Annotation


@dataclass(frozen=True, slots=True, order=True)
class DocEntry:
    id: str
    hash: str  # the text hash (annotations.model.text_hash)

    @property
    def derived(self) -> bool:
        """Whether the id was derived from the text (annotations.model.derive_id)."""
        return self.id == "doc-" + self.hash


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a store holds, for merging: ``name`` identifies it in reports."""

    name: str
    documents: tuple[DocEntry, ...]
    records: tuple[Annotation, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """One document id with different texts: each text hash with the stores that hold it."""

    doc_id: str
    versions: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Superseded:
    """A record held in different versions: the one kept and the ones it replaced."""

    doc_id: str
    annotator: str
    kept_in: tuple[str, ...]  # stores holding the winning version
    kept_updated: float
    dropped: tuple[tuple[tuple[str, ...], float], ...]  # (stores, updated) of each older version
    tie: bool  # a dropped version has the same updated time (decided by content)


@dataclass(slots=True)
class MergeResult:
    documents: dict[str, DocEntry] = field(default_factory=dict)
    doc_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)  # stores holding each document
    records: dict[tuple[str, str], Annotation] = field(default_factory=dict)  # (doc id, annotator) -> record
    contents: dict[tuple[str, str], str] = field(default_factory=dict)  # record_content of each record
    record_sources: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    superseded: list[Superseded] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    orphans: list[tuple[str, str, str]] = field(default_factory=list)  # (store, doc id, annotator): no such doc
    # document ids in order of first appearance (stores in the order given, each in its own order);
    # only for writing new documents in a natural order, not part of the decision
    order: list[str] = field(default_factory=list)

    def snapshot(self, name: str) -> Snapshot:
        """The result as a store would hold it (documents in id order)."""
        return Snapshot(
            name,
            tuple(self.documents[k] for k in sorted(self.documents)),
            tuple(self.records[k] for k in sorted(self.records)),
        )


BOOKKEEPING = ("created", "updated", "seconds_spent")


def record_content(record: Annotation) -> str:
    """A canonical text of what a record says: equal for two versions of a record that differ only in
    their times (created, updated, time spent), and a total order for ties."""
    d = record.to_dict()
    for k in BOOKKEEPING:
        del d[k]
    return json.dumps(d, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_state(record: Annotation) -> str:
    """Everything a store holds of a record, times included: equal when nothing needs writing."""
    return json.dumps(record.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def merge(snapshots: Sequence[Snapshot]) -> MergeResult:
    result = MergeResult()

    # documents: every hash each id has, and where
    hashes: dict[str, dict[str, set[str]]] = {}
    for snap in snapshots:
        for d in snap.documents:
            hashes.setdefault(d.id, {}).setdefault(d.hash, set()).add(snap.name)
    conflicting = {doc_id for doc_id, by_hash in hashes.items() if len(by_hash) > 1}
    for doc_id in sorted(conflicting):
        texts = tuple(sorted((h, tuple(sorted(names))) for h, names in hashes[doc_id].items()))
        result.conflicts.append(Conflict(doc_id, texts))

    for doc_id, by_hash in hashes.items():
        if doc_id not in conflicting:
            (h,) = by_hash
            result.documents[doc_id] = DocEntry(doc_id, h)

    sources: dict[str, set[str]] = {}
    for snap in snapshots:
        for d in snap.documents:
            if d.id in result.documents:
                if d.id not in sources:
                    result.order.append(d.id)
                sources.setdefault(d.id, set()).add(snap.name)
    result.doc_sources = {k: tuple(sorted(v)) for k, v in sources.items()}

    # records: every version of each (document, annotator), and where
    versions: dict[tuple[str, str], dict[str, tuple[Annotation, set[str]]]] = {}
    for snap in snapshots:
        for r in snap.records:
            if r.doc_id in conflicting:
                continue
            if r.doc_id not in result.documents:
                result.orphans.append((snap.name, r.doc_id, r.annotator))
                continue
            content = record_content(r)
            slot = versions.setdefault((r.doc_id, r.annotator), {})
            if content not in slot:
                slot[content] = (r, {snap.name})
            else:
                kept, names = slot[content]
                names.add(snap.name)
                # the same version: at its latest time, with the bookkeeping of both
                latest = r if r.updated > kept.updated else kept
                created = min(r.created, kept.created)
                spent = max(r.seconds_spent, kept.seconds_spent)
                slot[content] = (replace(latest, created=created, seconds_spent=spent), names)
    result.orphans.sort()
    for key in sorted(versions):
        slot = versions[key]
        ranked = sorted(slot.items(), key=lambda kv: (kv[1][0].updated, kv[0]), reverse=True)
        (content, (winner, names)), *others = ranked
        every = [r for r, _n in slot.values()]
        winner = replace(
            winner.copy(),
            created=min(r.created for r in every),
            seconds_spent=max(r.seconds_spent for r in every),
        )
        result.records[key] = winner
        result.contents[key] = content
        result.record_sources[key] = tuple(sorted(names))
        if others:
            result.superseded.append(
                Superseded(
                    key[0],
                    key[1],
                    tuple(sorted(names)),
                    winner.updated,
                    tuple((tuple(sorted(n)), r.updated) for _, (r, n) in others),
                    any(r.updated == winner.updated for _, (r, _n) in others),
                )
            )
    return result


# --------------------------------------------------------------------------------------------------
# From a merge result to the writes a target store needs


@dataclass(slots=True)
class Plan:
    """What to write into the target so that it holds the merge result.

    ``new_documents`` and ``imports`` go in one all-or-nothing import; ``replacements`` are written
    one by one as whole records (``Store.put_record``): a record that replaces a different version in
    the target (or the same version with more time spent), one made on an older text, or one that
    carries more than an import can (decisions, undo history). Either way a record keeps its own
    created/updated times.

    A store holds a text once under a derived id: importing a document whose id was derived from
    its text into a store that has the text under another id adds nothing (it *is* that document).
    Such a document is not imported; its records are ``folded`` into the document that has its text,
    and where that document already has a record by the same annotator the newer one is kept
    (reported in ``superseded``, like the merge's own choices).
    """

    new_documents: list[tuple[str, str]] = field(default_factory=list)  # (document id, a store holding it)
    imports: list[Annotation] = field(default_factory=list)
    replacements: list[Annotation] = field(default_factory=list)
    folded: list[tuple[str, str]] = field(default_factory=list)  # (derived id, id of the same text)
    superseded: list[Superseded] = field(default_factory=list)
    unchanged: int = 0
    added: int = 0  # records the target did not have (imported, or written whole: see importable)


def importable(record: Annotation) -> bool:
    """Whether an import (spans, answer, times) carries the whole record: one with decisions, an
    undo history or pending spans of its own is written whole instead (``Store.put_record``)."""
    return not (record.rejected or record.undo or record.redo or any(s.pending for s in record.spans))


def plan(result: MergeResult, target: Snapshot) -> Plan:
    """The writes that bring ``target`` (one of the merged snapshots) to ``result``."""
    out = Plan()
    in_target = {d.id for d in target.documents}
    host: dict[str, str] = {}  # text hash -> the document that has it (the first, as the store keeps it)
    for d in target.documents:
        host.setdefault(d.hash, d.id)
    dest: dict[str, str] = {doc_id: doc_id for doc_id in in_target}
    for doc_id in result.order:
        if doc_id in in_target:
            continue
        doc = result.documents[doc_id]
        if doc.derived and doc.hash in host:
            dest[doc_id] = host[doc.hash]
            out.folded.append((doc_id, host[doc.hash]))
            continue
        source = next(s for s in result.doc_sources[doc_id] if s != target.name)
        out.new_documents.append((doc_id, source))
        host.setdefault(doc.hash, doc_id)
        dest[doc_id] = doc_id

    # the record each (document in the target, annotator) ends up with
    final: dict[tuple[str, str], list[tuple[Annotation, str, tuple[str, ...]]]] = {}
    for key, rec in result.records.items():
        where = dest[key[0]]
        if where == key[0]:
            entry = (rec, result.contents[key], result.record_sources[key])
        else:
            moved = replace(rec.copy(), doc_id=where)
            entry = (moved, record_content(moved), result.record_sources[key])
        final.setdefault((where, key[1]), []).append(entry)
    current = {(r.doc_id, r.annotator): record_state(r) for r in target.records}
    hashes = {d.id: d.hash for d in target.documents} | {d: result.documents[d].hash for d, _ in out.new_documents}
    for key in sorted(final):
        ranked = sorted(final[key], key=lambda t: (t[0].updated, t[1]), reverse=True)
        rec, content, names = ranked[0]
        if len(ranked) > 1:  # records folded together: the bookkeeping of all of them, as merge() does
            rec = replace(
                rec.copy(),
                created=min(r.created for r, _c, _n in ranked),
                seconds_spent=max(r.seconds_spent for r, _c, _n in ranked),
            )
        dropped = tuple((n, r.updated) for r, c, n in ranked[1:] if c != content)
        if dropped:
            tie = any(u == rec.updated for _, u in dropped)
            out.superseded.append(Superseded(key[0], key[1], names, rec.updated, dropped, tie))
        if key not in current:
            out.added += 1
        if current.get(key) == record_state(rec):
            out.unchanged += 1
        elif key not in current and rec.text_hash == hashes[key[0]] and importable(rec):
            out.imports.append(rec)
        else:
            out.replacements.append(rec)
    return out
