"""Routing applied: an annotator's queue (what they hold or may claim), claiming on open, following
the others' claims and a changed policy, the others' progress, and claims across real processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotations.errors import UserError
from annotations.labels import LabelSchema
from annotations.model import Document
from annotations.routing import RoutingPolicy, capacity, policy_path, policy_to_toml
from annotations.store import Store
from reader.commands.app import routed_session
from reader.queue import Queue, load_policy
from reader.teamwatch import TeamWatch

ROOT = Path(__file__).parents[3]
SCHEMA = LabelSchema.default()
IDS = [f"d{i}" for i in range(8)]


def make_store(path: Path, n: int = 8) -> Path:
    with Store.open(path) as s:
        s.add_documents([Document(f"d{i}", f"نص رقم {i} عن القاهرة") for i in range(n)])
    return path


def set_policy(store: Path, policy: RoutingPolicy) -> None:
    policy_path(store).write_text(policy_to_toml(policy), encoding="utf-8")


def test_no_policy_no_queue(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.json")
    assert load_policy(path) is None
    with Store.open(path, annotator="sara") as s:
        session = routed_session(s, "sara", SCHEMA, s.document_ids())
        assert session is not None and session.queue is None
        assert session.ids == IDS
        assert s.claims("d0") == []  # nothing claimed: the app works as without routing


def test_the_queue_is_what_one_holds_or_may_claim_and_opening_claims(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.json")
    set_policy(path, RoutingPolicy(overlap=1))
    with Store.open(path, annotator="omar") as other:
        assert other.claim("d0", "omar", 1) and other.claim("d2", "omar", 1)
    with Store.open(path, annotator="sara") as s:
        session = routed_session(s, "sara", SCHEMA, s.document_ids())
        assert session is not None and session.queue is not None
        assert session.ids == ["d1", "d3", "d4", "d5", "d6", "d7"]
        assert session.doc_id == "d1" and s.claims("d1") == ["sara"]  # the first one is claimed at start
        assert session.take(2) == (2, [])
        assert s.claims("d4") == ["sara"]


def test_a_document_taken_meanwhile_leaves_the_queue_and_the_next_one_opens(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.json")
    set_policy(path, RoutingPolicy(overlap=1))
    with Store.open(path, annotator="sara") as s, Store.open(path, annotator="omar") as other:
        session = routed_session(s, "sara", SCHEMA, s.document_ids())
        assert session is not None
        assert other.claim("d1", "omar", 1) and other.claim("d2", "omar", 1)  # sara has not looked yet
        opened, lost = session.take(1)
        assert lost == ["d1", "d2"] and opened == 1 and session.doc_id == "d3"
        assert session.ids == ["d0", "d3", "d4", "d5", "d6", "d7"]
        assert s.claims("d3") == ["sara"]
        # the others' claims that arrive through refresh() shrink the list; the open document stays
        assert other.claim("d5", "omar", 1)
        changes = s.refresh()
        assert changes.claims == {"d1", "d2", "d5"}  # also those read on the way to her own claim
        assert session.follow_claims(changes.claims)
        assert session.ids == ["d0", "d3", "d4", "d6", "d7"] and session.doc_id == "d3"


def test_nothing_left_to_claim_is_said_and_the_app_does_not_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_store(tmp_path / "s.json", 2)
    set_policy(path, RoutingPolicy(overlap=1))
    with Store.open(path, annotator="omar") as other:
        other.claim("d0", "omar", 1)
        other.claim("d1", "omar", 1)
    with Store.open(path, annotator="sara") as s:
        assert routed_session(s, "sara", SCHEMA, s.document_ids()) is None
    assert "nothing left for sara" in capsys.readouterr().err


def test_an_annotator_outside_the_team_is_refused(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.json")
    set_policy(path, RoutingPolicy(overlap=1, team=("sara", "omar")))
    with Store.open(path, annotator="lina") as s, pytest.raises(UserError, match="not in the team"):
        routed_session(s, "lina", SCHEMA, s.document_ids())


def test_a_changed_policy_file_is_followed(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.json", 4)
    set_policy(path, RoutingPolicy(overlap=1))
    with Store.open(path, annotator="omar") as other:
        for d in ("d1", "d2"):
            other.claim(d, "omar", 1)
    with Store.open(path, annotator="sara") as s:
        queue = Queue(s, RoutingPolicy(overlap=1), "sara")
        assert queue.ids == ["d0", "d3"]
        set_policy(path, RoutingPolicy(overlap=2, blind=True))
        assert queue.follow(set())
        assert queue.ids == ["d0", "d1", "d2", "d3"] and queue.policy.blind
        policy_path(path).write_text("[routing]\noverlap = 0\n", encoding="utf-8")
        assert not queue.follow(set())  # a broken file keeps the policy in force, and says why
        assert queue.policy.overlap == 2 and queue.policy_error is not None and "overlap" in queue.policy_error


def test_the_agreement_sample_goes_to_everyone(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.json", 4)
    policy = RoutingPolicy(overlap=1, agreement_share=1.0, seed="x")
    set_policy(path, policy)
    assert capacity(policy, "d0") == float("inf")
    with Store.open(path, annotator="omar") as other:
        for d in ("d0", "d1", "d2", "d3"):
            other.claim(d, "omar", 1)
    with Store.open(path, annotator="sara") as s:
        session = routed_session(s, "sara", SCHEMA, s.document_ids())
        assert session is not None and session.ids == ["d0", "d1", "d2", "d3"]
        assert s.claims("d0") == ["omar", "sara"]


def test_others_progress_is_followed_from_refresh(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.json", 3)
    with Store.open(path, annotator="sara") as s, Store.open(path, annotator="omar") as other:
        other.set_answer("d0", "omar", "accept")
        other.set_answer("d0", "gold:rana", "accept")  # a reviewer's gold record is not progress
        s.refresh()
        watch = TeamWatch(s, "sara")
        assert watch.others_done("d0") == 1 and watch.summary() == [("omar", 1)]
        other.set_answer("d1", "omar", "reject")
        other.set_answer("d2", "omar", "skip")  # not an answer about the content
        s.set_answer("d1", "sara", "accept")  # one's own answer is not "the others'"
        assert watch.follow(s.refresh()) == {"d1", "d2"}
        assert watch.summary() == [("omar", 2)]
        assert [watch.others_done(d) for d in ("d0", "d1", "d2")] == [1, 1, 0]
        other.set_answer("d0", "omar", None)
        assert watch.follow(s.refresh()) == {"d0"}
        assert watch.others_done("d0") == 0 and watch.summary() == [("omar", 1)]


WORKER = textwrap.dedent(
    """
    import json, sys
    from annotations.labels import LabelSchema
    from annotations.store import Store
    from reader.commands.app import routed_session

    path, name = sys.argv[1], sys.argv[2]
    opened = []
    with Store.open(path, annotator=name) as store:
        session = routed_session(store, name, LabelSchema.default(), store.document_ids())
        while session is not None:
            opened.append(session.doc_id)
            session.store.set_answer(session.doc_id, name, "accept")
            session.follow_claims(store.refresh().claims)
            nxt = session.index + 1
            if nxt >= len(session.ids) or session.take(nxt)[0] is None:
                break
    print(json.dumps(opened))
    """
)


@pytest.mark.slow
def test_annotators_in_separate_processes_never_get_a_document_beyond_its_overlap(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.json", 60)
    policy = RoutingPolicy(overlap=2, agreement_share=0.2, seed="fixed", team=("a", "b", "c", "d"))
    set_policy(path, policy)
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), name], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for name in policy.team
    }
    opened = {}
    for name, proc in procs.items():
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        opened[name] = json.loads(out)
    with Store.open(path, readonly=True) as s:
        for d in s.document_ids():
            holders = s.claims(d)
            assert len(holders) <= capacity(policy, d), (d, holders)
            assert len(holders) == (4 if capacity(policy, d) == 4 else 2), (d, holders)  # everything was taken
            assert sorted(holders) == sorted(n for n, docs in opened.items() if d in docs)  # opened = claimed
    assert all(opened.values())  # everyone got work
