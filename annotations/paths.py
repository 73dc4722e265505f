"""Default locations: where the store lives and who is annotating."""

from __future__ import annotations

import getpass
import os
from pathlib import Path


def default_store_path() -> Path:
    """``$XDG_DATA_HOME/reader/store.json``, or ``~/.local/share/reader/store.json``."""
    base = os.environ.get("XDG_DATA_HOME") or ""
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "reader" / "store.json"


def default_annotator() -> str:
    """The login name, or ``"annotator"`` when it cannot be found."""
    try:
        name = getpass.getuser()
    except Exception:
        return "annotator"
    return name.strip() or "annotator"
