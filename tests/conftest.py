"""Test-suite wide settings.

Tests that take seconds each are marked ``slow``: everything under ``tests/app`` (Pilot),
``tests/snapshots`` and ``tests/e2e`` (tmux) is marked here by location; other slow tests carry
``@pytest.mark.slow`` themselves. ``python -m pytest`` runs everything (what CI runs);
``python -m pytest -m "not slow"`` is the fast suite for a developer's edit-test loop.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_SLOW_DIRS = ("app", "snapshots", "e2e")
_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        try:
            top = Path(str(item.fspath)).relative_to(_TESTS).parts[0]
        except ValueError:
            continue
        if top in _SLOW_DIRS:
            item.add_marker(pytest.mark.slow)
