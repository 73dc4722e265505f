"""The layout engine and the annotations core are usable without the TUI: importing them must not
import textual (nor rich, for annotations/). Checked in a fresh interpreter so nothing leaks in."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import annotations
import reader.text


def modules(package: object) -> list[str]:
    return [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]  # type: ignore[attr-defined]


def imported_after(names: list[str]) -> set[str]:
    code = "import sys\n" + "".join(f"import {n}\n" for n in names) + "print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_layout_engine_imports_no_textual_or_rich() -> None:
    names = ["reader.text", *modules(reader.text)]
    loaded = imported_after(names)
    assert "textual" not in loaded
    assert "rich" not in loaded


def test_annotations_import_no_textual_or_rich() -> None:
    names = ["annotations", *modules(annotations)]
    loaded = imported_after(names)
    assert "textual" not in loaded
    assert "rich" not in loaded


def test_cat_does_not_import_textual() -> None:
    loaded = imported_after(["reader.commands.cat"])
    assert "textual" not in loaded
