"""The wheel holds every package and every data file the code reads.

pyproject.toml lists the packages one by one (``reader.samples`` is the top-level ``samples/``
folder, which package discovery cannot express), so a new subpackage or a new kind of data file
would be silently missing from a plain ``pip install``. These checks compare the listing with the
tree.
"""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _source_dir(package: str) -> Path:
    """Where setuptools takes a package from (its package-dir mapping, else its dotted path)."""
    mapped = CONFIG.get("package-dir", {})
    parts = package.split(".")
    for k in range(len(parts), 0, -1):
        prefix = ".".join(parts[:k])
        if prefix in mapped:
            return ROOT / mapped[prefix] / Path(*parts[k:])
    return ROOT / Path(*parts)


def _tree_packages() -> set[str]:
    found = set()
    for top in ("reader", "annotations"):
        for d in [ROOT / top, *(p for p in (ROOT / top).rglob("*") if p.is_dir())]:
            if d.name == "__pycache__" or d.name.startswith("."):
                continue
            if any(d.glob("*.py")):
                found.add(".".join(d.relative_to(ROOT).parts))
    return found | {"reader.samples"}


def _glob_match(rel: str, pattern: str) -> bool:
    """setuptools' package-data glob: ``*`` stays within one directory."""
    parts, want = rel.split("/"), pattern.split("/")
    return len(parts) == len(want) and all(fnmatch(a, b) for a, b in zip(parts, want, strict=True))


def test_every_package_directory_is_listed_and_every_listed_package_exists() -> None:
    listed = set(CONFIG["packages"])
    missing = _tree_packages() - listed
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"
    for package in listed:
        assert (_source_dir(package) / "__init__.py").is_file(), f"{package} is listed but has no __init__.py"


def test_every_data_file_of_a_package_is_shipped() -> None:
    data = CONFIG.get("package-data", {})
    for package in CONFIG["packages"]:
        src = _source_dir(package)
        subpackages = {_source_dir(p) for p in CONFIG["packages"] if p.startswith(package + ".")}
        for f in src.rglob("*"):
            if not f.is_file() or f.suffix in (".py", ".pyc") or "__pycache__" in f.parts:
                continue
            if any(f.is_relative_to(sub) for sub in subpackages):
                continue  # the subpackage's own data
            rel = f.relative_to(src).as_posix()
            patterns = data.get(package, [])
            assert any(_glob_match(rel, p) for p in patterns), (
                f"{f.relative_to(ROOT)} would be missing from the wheel: add a pattern for it to "
                f'[tool.setuptools.package-data] "{package}" in pyproject.toml'
            )
