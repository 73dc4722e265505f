"""The annotators' tokens file: hashed at rest, 0600, replaced atomically, read again when changed."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.errors import UserError
from annotations.names import check_new_annotator_name
from reader.serve.tokens import TokenFile, token_digest, tokens_path


def test_a_token_lets_its_annotator_in_and_is_stored_only_hashed(tmp_path: Path) -> None:
    tokens = TokenFile.for_store(tmp_path / "s.json")
    token = tokens.add("alice")
    assert tokens.path == tmp_path / "s.json.serve-tokens"
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    raw = tokens.path.read_text(encoding="utf-8")
    assert token not in raw
    assert token_digest(token) in raw
    assert stat.S_IMODE(os.stat(tokens.path).st_mode) == 0o600
    assert tokens.verify(token) == "alice"
    assert tokens.verify(token[:-1]) is None
    assert tokens.verify("") is None and tokens.verify(None) is None
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []  # no temporary file left


def test_each_annotator_gets_a_different_token(tmp_path: Path) -> None:
    tokens = TokenFile.for_store(tmp_path / "s.json")
    a, b = tokens.add("alice"), tokens.add("bob")
    assert a != b
    assert (tokens.verify(a), tokens.verify(b)) == ("alice", "bob")
    assert tokens.names() == ["alice", "bob"]


def test_a_second_token_for_one_name_is_refused_until_the_first_is_removed(tmp_path: Path) -> None:
    tokens = TokenFile.for_store(tmp_path / "s.json")
    old = tokens.add("alice")
    with pytest.raises(UserError, match="already has a token"):
        tokens.add("alice")
    tokens.remove("alice")
    assert tokens.verify(old) is None
    new = tokens.add("alice")
    assert tokens.verify(new) == "alice" and tokens.verify(old) is None


def test_removing_an_unknown_annotator_says_who_has_a_token(tmp_path: Path) -> None:
    tokens = TokenFile.for_store(tmp_path / "s.json")
    tokens.add("alice")
    with pytest.raises(UserError, match="annotators with one: alice"):
        tokens.remove("mallory")


@pytest.mark.parametrize("name", ["", "  ", "gold", "gold:rana"])
def test_names_go_through_the_same_check_as_annotator(tmp_path: Path, name: str) -> None:
    with pytest.raises(UserError):
        TokenFile.for_store(tmp_path / "s.json").add(name)
    assert not tokens_path(tmp_path / "s.json").exists()


def test_a_change_by_another_process_is_seen_without_a_restart(tmp_path: Path) -> None:
    server_view = TokenFile.for_store(tmp_path / "s.json")
    admin = TokenFile.for_store(tmp_path / "s.json")
    assert server_view.names() == []
    token = admin.add("alice")
    assert server_view.verify(token) == "alice"
    admin.remove("alice")
    assert server_view.verify(token) is None


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe", b"[]", b'{"format": "reader-serve-tokens", "version": 1, "annotators": {"a": 3}}'],
)
def test_a_damaged_file_is_refused_clearly_and_lets_nobody_in(tmp_path: Path, content: bytes) -> None:
    tokens = TokenFile.for_store(tmp_path / "s.json")
    tokens.path.write_bytes(content)
    with pytest.raises(UserError) as info:
        tokens.names()
    assert str(tokens.path) in info.value.describe()
    assert "move it away" in info.value.describe() or "remove it" in info.value.describe()
    assert tokens.verify("anything") is None
    with pytest.raises(UserError):
        tokens.add("alice")  # never overwritten: the damaged file stays for the user to look at
    assert tokens.path.read_bytes() == content


def test_a_newer_version_is_refused(tmp_path: Path) -> None:
    tokens = TokenFile.for_store(tmp_path / "s.json")
    tokens.path.write_text(json.dumps({"format": "reader-serve-tokens", "version": 9, "annotators": {}}))
    with pytest.raises(UserError, match="version 9"):
        tokens.names()


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=30).filter(lambda s: s.strip() and not s.startswith("gold")))
def test_any_name_round_trips(name: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        tokens = TokenFile.for_store(Path(tmp) / "s.json")
        try:
            expected = check_new_annotator_name(name)
        except UserError:  # invisible characters, outer spaces, mixed scripts: refused, nothing written
            with pytest.raises(UserError):
                tokens.add(name)
            assert tokens.names() == []
            return
        token = tokens.add(name)
        assert TokenFile.for_store(Path(tmp) / "s.json").verify(token) == expected
