"""`reader team`: the routing policy set, shown, changed, read from a file and removed; refusals are
clear and leave the policy as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.model import Document
from annotations.routing import RoutingPolicy, for_agreement, policy_path, policy_to_toml
from annotations.store import Store
from reader.cli import main
from reader.queue import load_policy


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "team.json"
    with Store.open(path) as s:
        s.add_documents([Document(f"d{i}", f"نص {i}") for i in range(200)])
    return path


def team(store: Path, *args: str) -> int:
    return main(["team", "--store", str(store), *args])


def test_set_then_change_one_setting_keeps_the_others_and_the_seed(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert team(store) == 0
    assert "has no routing policy" in capsys.readouterr().out
    assert team(store, "--overlap", "2", "--agreement-share", "0.25", "--team", "sara, omar") == 0
    out = capsys.readouterr().out
    assert "overlap          2" in out and "sara, omar" in out and "agreement sample" in out
    first = load_policy(store)
    assert first is not None and first.seed and first.team == ("sara", "omar") and not first.blind
    assert team(store, "--blind") == 0
    capsys.readouterr()
    second = load_policy(store)
    assert second == RoutingPolicy(2, 0.25, first.seed, ("sara", "omar"), True)
    assert team(store, "--show") == 0
    out = capsys.readouterr().out
    assert "blind            yes" in out
    drawn = sum(1 for i in range(200) if for_agreement(second, f"d{i}"))
    assert f"agreement sample {drawn} of 200 document(s)" in out


def test_a_new_seed_is_said_to_move_the_sample(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert team(store, "--overlap", "1", "--seed", "a") == 0
    assert team(store, "--seed", "b") == 0
    assert "the seed changed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--overlap", "0"], "overlap must be a whole number of at least 1, got 0"),
        (["--agreement-share", "1.5"], "agreement_share must be a number from 0 to 1"),
        (["--team", "sara,sara"], "team lists an annotator twice"),
        (["--team", "gold:x"], "reserved"),
        (["--remove", "--overlap", "2"], "--remove takes no settings"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(
    store: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert team(store, "--overlap", "3") == 0
    before = policy_path(store).read_bytes()
    capsys.readouterr()
    assert team(store, *args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert policy_path(store).read_bytes() == before


def test_from_a_file_and_remove(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "policy.toml"
    source.write_text(policy_to_toml(RoutingPolicy(2, 0.1, "s", ("a", "b"))), encoding="utf-8")
    assert team(store, "--from", str(source), "--overlap", "3") == 0
    assert load_policy(store) == RoutingPolicy(3, 0.1, "s", ("a", "b"))
    source.write_text("[routing]\noverlap = 'two'\n", encoding="utf-8")
    assert team(store, "--from", str(source)) == 2
    assert f"{source}: overlap must be" in capsys.readouterr().err
    assert team(store, "--remove") == 0
    assert load_policy(store) is None
    assert team(store, "--remove") == 0
    assert "nothing to remove" in capsys.readouterr().out


def test_a_damaged_policy_file_is_a_clear_error_for_the_app_too(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy_path(store).write_text("[routing]\noverlap = -1\n", encoding="utf-8")
    assert main(["--store", str(store), "--annotator", "sara"]) == 2
    err = capsys.readouterr().err
    assert "routing.toml: overlap must be" in err and "Traceback" not in err


def test_hostile_names_are_shown_not_obeyed(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert team(store, "--team", "sa\x1b]0;pwned\x07ra,omar") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "sa␛]0;pwned␇ra" in out


def test_no_store_at_the_path_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.json"
    assert team(missing, "--overlap", "2", "--agreement-share", "0.3") == 2
    assert "no store" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no policy left behind
    assert team(missing, "--overlap", "2") == 2  # and again: still refused, still nothing written
    assert list(tmp_path.iterdir()) == []


def test_the_sample_size_is_printed_with_what_the_share_leads_to_expect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Eight documents at 0.3: each document is drawn on its own (stable when more are imported),
    so the printout gives the count it holds beside the 2.4 expected, and a large store is close to P."""
    small = tmp_path / "small.json"
    with Store.open(small) as s:
        s.add_documents([Document(f"d{i}", f"نص رقم {i}") for i in range(8)])
    assert team(small, "--agreement-share", "0.3", "--seed", "s") == 0
    out = capsys.readouterr().out
    drawn = sum(for_agreement(RoutingPolicy(agreement_share=0.3, seed="s"), f"d{i}") for i in range(8))
    assert f"agreement sample {drawn} of 8 document(s)" in out and "2.4 expected" in out
    many = sum(for_agreement(RoutingPolicy(agreement_share=0.3, seed="s"), f"d{i}") for i in range(20000))
    assert abs(many / 20000 - 0.3) < 0.02


def test_a_policy_file_that_is_not_utf8_names_the_byte_and_the_way_out(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy_path(store).write_bytes(b'[routing]\noverlap = 2\nteam = ["sa\xffra"]\n')
    assert team(store, "--show") == 2
    err = capsys.readouterr().err
    assert "team.json.routing.toml" in err and "not UTF-8" in err and "0xFF at line 3" in err
    assert "reader team --remove" in err and "codec" not in err and "Traceback" not in err
    assert main(["--store", str(store), "--annotator", "sara"]) == 2
    assert "0xFF at line 3" in capsys.readouterr().err
    assert team(store, "--remove") == 0  # the way out works


def test_names_are_written_with_every_control_escaped(store: Path) -> None:
    name = "sa\x1b]0;t\x07\x9b31m\x9d0;x\x9c\u202eLIVE\u202c\u2066\u200f\u2028ra"
    assert team(store, "--team", f"{name},omar") == 0
    raw = policy_path(store).read_bytes().decode("utf-8")
    assert not any(
        (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u202c\u2066\u200f\u2028" for c in raw
    ), raw
    policy = load_policy(store)
    assert policy is not None and policy.team == (name, "omar")


def test_team_names_are_checked_like_annotator_names(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert team(store, "--team", "sara,gold:rana") == 2
    assert "reserved" in capsys.readouterr().err
    assert team(store, "--team", "sara,\udc80x") == 2
    assert "lone surrogate" in capsys.readouterr().err
    assert not policy_path(store).exists()
