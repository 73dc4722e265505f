"""The routing policy: reproducible agreement sample, never beyond overlap, everyone gets the sample,
and the policy file round-trips and refuses bad settings clearly."""

from __future__ import annotations

import math
import random
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.errors import UserError
from annotations.routing import (
    RoutingPolicy,
    capacity,
    claimable,
    for_agreement,
    held,
    may_claim,
    new_policy,
    next_claim,
    policy_from_toml,
    policy_path,
    policy_to_dict,
    policy_to_toml,
)

DOCS = [f"doc-{i}" for i in range(40)]
TEAM = ["sara", "omar", "lina", "huda"]


def test_the_agreement_sample_is_reproducible_and_of_the_asked_size() -> None:
    p = RoutingPolicy(overlap=1, agreement_share=0.1, seed="s1")
    ids = [f"article-{i}" for i in range(20000)]
    sample = [d for d in ids if for_agreement(p, d)]
    assert sample == [d for d in ids if for_agreement(RoutingPolicy(1, 0.1, "s1"), d)]  # same seed, same sample
    assert abs(len(sample) / len(ids) - 0.1) < 0.01
    other = {d for d in ids if for_agreement(RoutingPolicy(1, 0.1, "s2"), d)}
    assert other != set(sample)  # another store's seed draws another sample
    assert not any(for_agreement(RoutingPolicy(1, 0.0, "s1"), d) for d in ids[:100])
    assert all(for_agreement(RoutingPolicy(1, 1.0, "s1"), d) for d in ids[:100])


def test_capacity_is_overlap_or_everyone() -> None:
    p = RoutingPolicy(overlap=2, agreement_share=1.0, seed="x", team=tuple(TEAM))
    assert capacity(p, "d") == 4
    assert capacity(RoutingPolicy(overlap=2, agreement_share=1.0, seed="x"), "d") == math.inf
    assert capacity(RoutingPolicy(overlap=2), "d") == 2


def test_next_claim_in_document_order_skips_full_and_own_documents() -> None:
    p = RoutingPolicy(overlap=2)
    claims = {"doc-0": {"sara", "omar"}, "doc-1": {"sara"}}
    assert next_claim(p, DOCS, claims, "lina") == "doc-1"  # doc-0 is full; doc-1 still needs one
    assert next_claim(p, DOCS, claims, "sara") == "doc-2"  # doc-1 is already hers
    assert held(DOCS, claims, "sara") == ["doc-0", "doc-1"]
    team = RoutingPolicy(overlap=2, team=("sara", "omar"))
    assert not may_claim(team, "doc-5", {}, "stranger")


policies = st.builds(
    RoutingPolicy,
    overlap=st.integers(1, 4),
    agreement_share=st.sampled_from([0.0, 0.25, 0.5, 1.0]),
    seed=st.text(max_size=6),
    team=st.sampled_from([(), tuple(TEAM), tuple(TEAM[:2])]),
)


@settings(max_examples=150, deadline=None)
@given(policies, st.randoms(use_true_random=False), st.lists(st.sampled_from(TEAM), min_size=1, max_size=200))
def test_claims_never_exceed_capacity_and_fill_up_when_everyone_works(
    policy: RoutingPolicy, rnd: random.Random, turns: list[str]
) -> None:
    claims: dict[str, set[str]] = {}

    def claim(annotator: str) -> bool:
        doc = next_claim(policy, DOCS, claims, annotator)
        if doc is None:
            return False
        claims.setdefault(doc, set()).add(annotator)
        for d, holders in claims.items():
            assert len(holders) <= capacity(policy, d)
        return True

    for who in turns:  # annotators take documents in a random interleaving
        claim(who)
        if rnd.random() < 0.1:  # and sometimes someone asks twice in a row
            claim(who)
    for who in TEAM:  # then everyone works until nothing is left for them
        while claim(who):
            pass
    workers = [w for w in TEAM if not policy.team or w in policy.team]
    for d in DOCS:
        holders = claims.get(d, set())
        if for_agreement(policy, d):
            assert holders == set(workers)  # the agreement sample goes to every annotator
        else:
            assert len(holders) == min(policy.overlap, len(workers))


def test_claimable_is_lazy_and_ordered() -> None:
    p = RoutingPolicy(overlap=1)
    seen: list[str] = []

    def ids() -> object:
        for d in DOCS:
            seen.append(d)
            yield d

    first = next(claimable(p, ids(), {"doc-0": {"x"}}, "sara"))  # type: ignore[arg-type]
    assert first == "doc-1"
    assert seen == ["doc-0", "doc-1"]


# --------------------------------------------------------------------------------------------------
# Persistence


@given(policies)
def test_policy_file_round_trips(policy: RoutingPolicy) -> None:
    text = policy_to_toml(policy)
    assert policy_from_toml(text) == policy
    assert tomllib.loads(text)["routing"] == policy_to_dict(policy)


def test_a_new_policy_gets_a_seed_of_its_own() -> None:
    a, b = new_policy(2, 0.1), new_policy(2, 0.1)
    assert a.seed and a.seed != b.seed
    assert policy_path(Path("/data/team.json")) == Path("/data/team.json.routing.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[routing]\noverlap = 0\n", "overlap must be a whole number of at least 1, got 0"),
        ("[routing]\noverlap = 1.5\n", "overlap must be a whole number"),
        ("[routing]\nagreement_share = 10\n", "agreement_share must be a number from 0 to 1, got 10"),
        ("[routing]\noverlapp = 2\n", "unknown routing setting(s) overlapp"),
        ("[routing]\nteam = ['sara', 'sara']\n", "team lists an annotator twice"),
        ("[routing]\nteam = ['gold:rana']\n", "reserved"),
        ("[routing]\nblind = 'yes'\n", "blind must be true or false"),
        ("overlap = 2\n", "no [routing] table"),
        ("[routing]\noverlap = \n", "not valid TOML"),
    ],
)
def test_bad_policy_files_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(UserError) as err:
        policy_from_toml(text, source="team.json.routing.toml")
    assert message in str(err.value)
    assert str(err.value).startswith("team.json.routing.toml: ")
