"""Fixtures for the layout engine's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reader.text import bidi_icu, bidi_levels

ICU = bidi_icu.load()


@pytest.fixture(params=["icu", "python-bidi"])
def library(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run a test once with ICU resolving what it may (skipped if ICU is not installed) and once
    with python-bidi alone, as on a system without ICU."""
    if request.param == "icu":
        if ICU is None:
            pytest.skip("no ICU library on this system")
        monkeypatch.setattr(bidi_levels, "_icu", ICU)
    else:
        monkeypatch.setattr(bidi_levels, "_icu", None)
    monkeypatch.setattr(bidi_levels, "_icu_loaded", True)
    bidi_levels.forget_characters()
    yield request.param
    bidi_levels.forget_characters()
