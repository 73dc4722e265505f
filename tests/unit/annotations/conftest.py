from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.model import Document
from annotations.store import Store

TEXT_A = "قال الرئيس محمود عباس في رام الله اليوم إن المفاوضات مستمرة."
TEXT_B = "أعلنت وزارة الصحة في غزة عن ارتفاع عدد الضحايا إلى 100 شخص."


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.json"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    s = Store.open(store_path)
    s.add_documents([Document("a", TEXT_A), Document("b", TEXT_B)])
    yield s
    s.close()
