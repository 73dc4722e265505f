"""New annotator names that look like another name, or hide characters, are refused."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.errors import UserError
from annotations.names import check_new_annotator_name, name_key
from reader.cli import main


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Sara", "looks the same"),
        ("SARA", "looks the same"),
        ("ｓａｒａ", "looks the same"),  # fullwidth
        ("s\u0430ra", "mixes Cyrillic and Latin"),  # Cyrillic а
        ("sara\u200b", "invisible"),  # zero-width space
        ("\u200esara", "invisible"),  # left-to-right mark
        (" sara", "white space"),
        ("sara ", "white space"),
        ("sa\u00adra", "invisible"),  # soft hyphen
        ("sara\x1b[2J", "control"),
    ],
)
def test_names_that_look_like_sara_are_refused(name: str, why: str) -> None:
    with pytest.raises(UserError, match=why):
        check_new_annotator_name(name, ["sara"])


def test_composed_and_decomposed_accents_are_one_name() -> None:
    composed, decomposed = "Jos\u00e9", "Jose\u0301"
    assert check_new_annotator_name(decomposed) == composed  # kept in NFC
    with pytest.raises(UserError):
        check_new_annotator_name(decomposed, [composed])
    with pytest.raises(UserError):
        check_new_annotator_name(composed.upper(), [composed])


@pytest.mark.parametrize("name", ["sara", "سارة", "sara سارة", "Omar Al-Farsi", "ملك_2", "Σοφία", "Дмитрий"])
def test_ordinary_names_are_accepted(name: str) -> None:
    assert check_new_annotator_name(name, ["omar", "ali"]) == name


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_no_second_spelling_of_an_accepted_name_gets_in(name: str) -> None:
    try:
        accepted = check_new_annotator_name(name)
    except UserError:
        return
    for spelling in {unicodedata.normalize("NFD", accepted), accepted.casefold(), accepted.upper()}:
        if name_key(spelling) == name_key(accepted):
            with pytest.raises(UserError):
                check_new_annotator_name(spelling, [accepted])


def test_reader_serve_refuses_a_look_alike_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s.json")
    assert main(["serve", "--store", store, "--add-annotator", "sara"]) == 0
    capsys.readouterr()
    for name in ("Sara", "s\u0430ra", "sara\u200b", " sara"):
        assert main(["serve", "--store", store, f"--add-annotator={name}"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("reader: error: the annotator name") and "Traceback" not in err
    assert main(["serve", "--store", store, "--list-annotators"]) == 0
    assert capsys.readouterr().out.count("\t(token made") == 1  # sara alone
