"""Several writers on one store (each its own Store, as separate processes would have), the shared
suggestions layer and routing claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.errors import StoreError
from annotations.model import Annotation, Document, Span
from annotations.store import Store

TEXT = "قال الرئيس محمود عباس في رام الله اليوم إن المفاوضات مستمرة."


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "store.json"
    with Store.open(p) as s:
        s.add_documents([Document(f"d{i}", TEXT) for i in range(5)])
    return p


def test_each_writer_acts_on_the_latest_state_and_sees_the_others(path: Path) -> None:
    sara = Store.open(path, annotator="sara")
    omar = Store.open(path, annotator="omar")
    merge = Store.open(path)  # a writer that is no annotator (a merge, say) writing sara's record
    sara.add_span("d0", "sara", Span(0, 3, "PERSON"))
    merge.add_span("d0", "sara", Span(4, 10, "PERSON"))  # must not lose sara's span
    sara.set_answer("d0", "sara", "accept")  # must not lose the merged span
    omar.add_span("d1", "omar", Span(0, 3, "LOCATION"))
    changes = sara.refresh()
    assert ("d1", "omar") in changes.records and not sara.refresh()  # nothing new the second time
    assert sara.get_annotation("d1", "omar").spans == [Span(0, 3, "LOCATION")]  # type: ignore[union-attr]
    omar.refresh()
    got = omar.get_annotation("d0", "sara")
    assert got is not None and {s.key for s in got.spans} == {(0, 3, "PERSON"), (4, 10, "PERSON")}
    assert got.answer == "accept"
    for s in (sara, omar, merge):
        s.close()
    with Store.open(path, readonly=True) as ro:
        assert ro.annotators() == ["omar", "sara"]
        assert ro.answered("sara") == {"d0": "accept"}


def test_a_fold_by_one_writer_is_followed_by_the_others(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import annotations.store.store as store_mod

    monkeypatch.setattr(store_mod, "JOURNAL_LIMIT", 3)
    a = Store.open(path, annotator="a")
    b = Store.open(path, annotator="b")
    for i in range(10):  # rotations and folds (in a's background thread) while b keeps acting
        a.add_span("d2", "a", Span(i, i + 1, "X"))
        b.add_span("d3", "b", Span(i, i + 1, "Y"))
    a.compact()
    b.refresh()
    assert len(b.get_annotation("d2", "a").spans) == 10  # type: ignore[union-attr]
    b.add_span("d2", "b", Span(0, 1, "Y"))
    a.close()
    b.close()
    with Store.open(path, readonly=True) as ro:
        assert len(ro.get_annotation("d2", "a").spans) == 10  # type: ignore[union-attr]
        assert len(ro.get_annotation("d3", "b").spans) == 10  # type: ignore[union-attr]


def test_claims_never_exceed_capacity(path: Path) -> None:
    writers = [Store.open(path, annotator=f"w{i}") for i in range(4)]
    got = [w.claim("d0", f"w{i}", 2) for i, w in enumerate(writers)]
    assert got == [True, True, False, False]
    assert writers[0].claim("d0", "w0", 2)  # holding one already
    writers[3].refresh()
    assert writers[3].claims("d0") == ["w0", "w1"]
    with pytest.raises(ValueError):
        writers[0].claim("d0", "w0", 0)
    for w in writers:
        w.close()
    with Store.open(path, readonly=True) as ro:
        assert ro.claims("d0") == ["w0", "w1"] and ro.claims("d1") == []


def test_suggestions_layer(path: Path) -> None:
    pending = [Span(0, 3, "PERSON", "suggested", pending=True, rule="r"), Span(4, 10, "LOCATION", "suggested", True)]
    with Store.open(path) as s:
        added = s.add_suggestions([("d0", pending), ("d1", pending[:1])])
        assert (added.total, added.documents) == (3, 2)
        again = s.add_suggestions([("d0", pending)])
        assert again.total == 0  # idempotent
        assert s.suggestions("d0") == pending
        # each annotator reviews them in their own record
        assert s.get_annotation("d0", "sara").spans == pending  # type: ignore[union-attr]
        s.replace_span("d0", "sara", pending[0], pending[0].accepted())
        assert s.remove_span("d0", "sara", pending[1])  # rejected: remembered
        sara = s.get_annotation("d0", "sara")
        assert sara is not None and sara.spans == [pending[0].accepted()] and sara.rejected == [pending[1]]
        assert s.get_annotation("d0", "omar").spans == pending  # type: ignore[union-attr]
        assert s.remove_span("d0", "sara", pending[0].accepted())  # an accepted suggestion deleted stays gone
        assert s.get_annotation("d0", "sara").spans == []  # type: ignore[union-attr]
        assert s.add_span("d0", "sara", pending[1])  # undoing the rejection
        assert s.get_annotation("d0", "sara").spans == [pending[1]]  # type: ignore[union-attr]
        with pytest.raises(KeyError):
            s.add_suggestions([("nope", pending)])
    with Store.open(path, readonly=True) as ro:
        assert ro.suggestions("d0") == pending and ro.suggestions("d2") == []
        with pytest.raises(StoreError, match="read-only"):
            ro.add_suggestions([("d0", pending)])


def test_update_sees_the_shared_suggestions_and_keeps_its_decisions(path: Path) -> None:
    """What the session's undoable actions do through update(): accept, reject and relabel suggestions."""
    a, b, c = (
        Span(0, 3, "PERSON", "suggested", True),
        Span(4, 10, "LOCATION", "suggested", True),
        Span(11, 14, "X", "suggested", True),
    )
    with Store.open(path) as s:
        s.add_suggestions([("d0", [a, b, c])])

        def decide(record: Annotation) -> bool:
            assert {x.key for x in record.spans} == {a.key, b.key, c.key}  # the change sees them pending
            record.spans = [x for x in record.spans if x != a] + [a.accepted()]  # accept a
            record.spans = [x for x in record.spans if x != b]  # delete b (no rejected entry)
            return True

        assert s.update("d0", "sara", decide)
        sara = s.get_annotation("d0", "sara")
        assert sara is not None
        assert sara.spans == [a.accepted(), c]  # c still pending, from the layer
        assert sara.rejected == [b]  # removed: decided against, it does not come back
        stored = s._lookup("sara", "d0")
        assert stored is not None and stored.spans == [a.accepted()]  # c stays the layer's
        assert s.get_annotation("d0", "omar").spans == [a, b, c]  # type: ignore[union-attr]


def test_update_decides_on_suggestions_another_process_just_added(path: Path) -> None:
    """An action's working copy holds the suggestions `reader suggest` (another Store) committed after
    this Store last looked: an accepting action cannot pass over them without seeing them."""
    sara = Store.open(path, annotator="sara")
    assert sara.get_annotation("d0", "sara") is None  # read before the suggestions land
    fresh = Span(0, 3, "PERSON", "suggested", True)
    with Store.open(path) as suggester:
        suggester.add_suggestions([("d0", [fresh])])
    seen: list[Span] = []

    def accept_document(record: Annotation) -> bool:
        seen.extend(s for s in record.spans if s.pending)
        record.answer = "accept"
        return True

    assert sara.update("d0", "sara", accept_document)  # no refresh() in between
    assert seen == [fresh]
    got = sara.get_annotation("d0", "sara")
    assert got is not None and got.spans == [fresh] and got.answer == "accept"  # still pending, not lost
    assert sara.refresh().reloaded  # the next look reports the new layer
    sara.close()


def test_suggestions_found_on_reading_a_replaced_shard_are_still_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shard not in memory yet is read after `reader suggest` replaced it (the old file is gone):
    the new manifest is taken in there, and the next refresh() still says the shards were reloaded,
    so an open app reads its pending counts and spans again."""
    import annotations.store.store as store_mod

    monkeypatch.setattr(store_mod, "SHARD_SIZE", 2)
    path = tmp_path / "store.json"
    with Store.open(path) as s:
        s.add_documents([Document(f"d{i}", TEXT) for i in range(6)])  # three shards
    app = Store.open(path, annotator="sara")
    assert app.get_annotation("d0", "sara") is None  # the first shard is read
    fresh = Span(0, 3, "PERSON", "suggested", True)
    with Store.open(path) as suggester:
        suggester.add_suggestions([("d0", [fresh]), ("d4", [fresh])])
    got = app.get_annotation("d4", "sara")  # the third shard, first read now: its old file is gone
    assert got is not None and got.spans == [fresh]
    assert app.refresh().reloaded
    assert app.get_annotation("d0", "sara").spans == [fresh]  # type: ignore[union-attr]
    app.close()


def test_an_open_racing_a_rotation_misses_nothing(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store opens in two steps: it reads the journal without the append lock, then takes the lock
    to make the journal its own. Actions of another writer that land in between, in a segment that
    is then sealed, must still be seen -- and never be lost by a fold built on what was missed."""
    import annotations.store.store as store_mod

    monkeypatch.setattr(store_mod, "JOURNAL_LIMIT", 4)
    a = Store.open(path, annotator="a")
    a.add_span("d0", "a", Span(0, 1, "X"))
    load, want_fold = Store._load, Store._want_fold
    raced: list[bool] = []

    def then_act(self: Store, *, settled: bool) -> object:
        loaded = load(self, settled=settled)
        if self is not a and not raced:  # a acts on d0, then on d1 until the segment is sealed
            raced.append(True)
            for i in range(1, 4):
                a.add_span("d0", "a", Span(i, i + 1, "X"))
            for i in range(2):
                a.add_span("d1", "a", Span(i, i + 1, "Z"))
        return loaded

    monkeypatch.setattr(Store, "_want_fold", lambda self: None)  # a's fold comes later, in one piece
    monkeypatch.setattr(Store, "_load", then_act)
    b = Store.open(path, annotator="b")
    monkeypatch.setattr(Store, "_load", load)
    monkeypatch.setattr(Store, "_want_fold", want_fold)
    assert raced and len(list(path.parent.glob("store.json.journal.*"))) == 1  # a sealed the segment
    got = b.get_annotation("d0", "a")
    assert got is not None and len(got.spans) == 4  # b acts on the latest state
    a._fold_sealed()  # a folds the sealed segment (as its fold thread does); b follows that fold...
    b.refresh()
    b.add_span("d2", "b", Span(0, 1, "Y"))
    b.compact()  # ...and folds on top of it
    a.close()
    b.close()
    with Store.open(path, readonly=True) as ro:
        got = ro.get_annotation("d0", "a")
        assert got is not None and len(got.spans) == 4
        assert ro.get_annotation("d2", "b") is not None


def test_two_opens_of_a_given_up_journal_keep_each_others_actions(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A journal replaced by the word discard is replaced by a new segment at the next open. Two
    writers opening at once both read "discard"; the second to take the lock must not replace the
    segment the first has made and written to since."""
    (path.parent / "store.json.journal").write_text("discard\n", encoding="utf-8")
    load = Store._load
    first: list[Store] = []

    def then_act(self: Store, *, settled: bool) -> object:
        loaded = load(self, settled=settled)
        if not first:  # while b is between its read and its lock, a opens and acts
            first.append(self)
            a = Store.open(path, annotator="a")
            a.add_span("d0", "a", Span(0, 1, "X"))
            first.append(a)
        return loaded

    monkeypatch.setattr(Store, "_load", then_act)
    b = Store.open(path, annotator="b")
    monkeypatch.setattr(Store, "_load", load)
    a = first[1]
    b.add_span("d1", "b", Span(0, 1, "Y"))
    got = b.get_annotation("d0", "a")
    assert got is not None and got.spans == [Span(0, 1, "X")]
    a.close()
    b.close()
    with Store.open(path, readonly=True) as ro:
        assert ro.get_annotation("d0", "a") is not None and ro.get_annotation("d1", "b") is not None


def test_an_import_landing_during_a_refresh_is_not_taken_for_damage(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh looks at the main file, then reads the journal. If an import commits new documents in
    between and another annotator acts on one at once, the journal names a document the refresh has
    not seen yet: that is the import, not a corrupt journal."""
    import annotations.store.store as store_mod

    x = Store.open(path, annotator="x")
    y = Store.open(path, annotator="y")
    before = store_mod._stat_key(x.path)
    with Store.open(path) as importer:
        importer.add_documents([Document("new", TEXT)])
    y.refresh()
    y.add_span("new", "y", Span(0, 3, "PERSON"))
    real = store_mod._stat_key
    looked: list[Path] = []

    def first_look_before_the_import(p: Path) -> tuple[int, int, int]:
        if p == x.path and not looked:
            looked.append(p)
            return before
        return real(p)

    monkeypatch.setattr(store_mod, "_stat_key", first_look_before_the_import)
    changes = x.refresh()
    assert looked and ("new", "y") in changes.records and changes.documents
    assert "new" in x.document_ids() and x.get_annotation("new", "y") is not None
    x.close()
    y.close()


def test_an_open_finishes_a_rotation_killed_after_its_read(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer killed half-way through sealing a segment (the active one renamed to its sealed name,
    the new one not yet in place), just after another process read the store to open it: that open
    finishes the rotation and loses nothing."""
    from annotations.store import journal as jr

    a = Store.open(path, annotator="a")
    a.add_span("d0", "a", Span(0, 1, "X"))
    active = a.journal_path
    seq = a._jseq
    a._release()  # killed: nothing more written
    load = Store._load
    done: list[bool] = []

    def then_half_rotate(self: Store, *, settled: bool) -> object:
        loaded = load(self, settled=settled)
        if not done:
            done.append(True)
            jr.prepare_next(active, seq)
            active.rename(jr.segment_path(active, seq))
        return loaded

    monkeypatch.setattr(Store, "_load", then_half_rotate)
    b = Store.open(path, annotator="b")
    monkeypatch.setattr(Store, "_load", load)
    assert done and active.exists()
    b.add_span("d1", "b", Span(0, 1, "Y"))
    got = b.get_annotation("d0", "a")
    assert got is not None and got.spans == [Span(0, 1, "X")]
    b.close()
    with Store.open(path, readonly=True) as ro:
        assert ro.get_annotation("d0", "a") is not None and ro.get_annotation("d1", "b") is not None


def test_the_file_locks_keep_threads_apart_too(tmp_path: Path) -> None:
    """A store's fold runs in a thread of the writer: the lock around a fold or an import must keep
    that thread and the main thread apart as it keeps processes apart (flock alone cannot: both share
    the descriptor)."""
    import threading

    from annotations.store.lock import FileLock

    lock = FileLock(tmp_path / "x.lock")
    assert lock.acquire() and lock.acquire()  # re-entrant in one thread
    got: list[bool] = []
    other = threading.Thread(target=lambda: got.append(lock.acquire(blocking=False)))
    other.start()
    other.join()
    assert got == [False]  # another thread of the process does not get it
    lock.release()
    assert lock.held
    lock.release()
    assert not lock.held
    other = threading.Thread(target=lambda: got.append(lock.acquire(blocking=False)))
    other.start()
    other.join()
    assert got == [False, True] and not lock.held  # held by that thread now, not by this one
    lock.close()


def test_the_journal_is_only_read_under_the_state_lock(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the journal moves the read position; the fold thread reads it too. Every read happens
    under the store's state lock -- also the one an open makes after a rotation it follows (which
    starts the fold thread)."""
    import annotations.store.store as store_mod

    monkeypatch.setattr(store_mod, "JOURNAL_LIMIT", 3)
    catch_up = Store._catch_up
    unguarded: list[str] = []

    def guarded(self: Store, changes: object, *, locked: bool) -> None:
        if not self._state._is_owned():  # type: ignore[attr-defined]
            unguarded.append(threading.current_thread().name)
        catch_up(self, changes, locked=locked)  # type: ignore[arg-type]

    import threading

    monkeypatch.setattr(Store, "_catch_up", guarded)
    a = Store.open(path, annotator="a")
    load = Store._load

    def then_rotate(self: Store, *, settled: bool) -> object:
        loaded = load(self, settled=settled)
        if self is not a:
            for i in range(4):  # a seals the segment b has just read
                a.add_span("d0", "a", Span(i, i + 1, "X"))
        return loaded

    monkeypatch.setattr(Store, "_load", then_rotate)
    b = Store.open(path, annotator="b")
    monkeypatch.setattr(Store, "_load", load)
    b.add_span("d1", "b", Span(0, 1, "Y"))
    b.refresh()
    a.close()
    b.close()
    assert unguarded == []
