"""The model directory ``reader train`` writes and ``reader suggest --model`` reads.

    DIR/model.json       what the model is: format, name, backend, label set, training-data hash,
                         boundary convention, evaluation (per label P/R/F1, learning curve), settings
    DIR/lexicon.json     folded word -> count of the training texts (clitic splits, features)
    DIR/gazetteer.jsonl  the names the model was given as features ({"text", "label"} lines)
    DIR/names.jsonl      the names of the training data, which the model remembers (same layout)
    DIR/crf.model ...    the backend's own files

A directory is written whole or not at all: it is built beside the target, fsynced, and swapped in
by renames; an existing directory is replaced only if it holds a model (``model.json``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.errors import UserError
from annotations.suggest.entities import Gazetteer

from .backends import Tagger, backend_class
from .boundaries import Boundaries
from .features import Featurizer

__all__ = ["FORMAT", "LoadedModel", "ModelInfo", "load_model", "write_model"]

FORMAT = 1
INFO_FILE = "model.json"
LEXICON_FILE = "lexicon.json"
GAZETTEER_FILE = "gazetteer.jsonl"
NAMES_FILE = "names.jsonl"


@dataclass(slots=True)
class ModelInfo:
    name: str
    backend: str
    labels: list[str]
    data_hash: str
    documents: int
    entities: int
    boundaries: Boundaries = field(default_factory=Boundaries)
    evaluation: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    created: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "backend": self.backend,
            "labels": self.labels,
            "data_hash": self.data_hash,
            "documents": self.documents,
            "entities": self.entities,
            "boundaries": self.boundaries.to_dict(),
            "evaluation": self.evaluation,
            "settings": self.settings,
            "created": self.created,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], where: str) -> ModelInfo:
        fmt = d.get("format")
        if not isinstance(fmt, int):
            raise UserError("not a model description (no format number)", path=where)
        if fmt > FORMAT:
            raise UserError(f"model format {fmt} is newer than this reader understands ({FORMAT}): upgrade reader")
        try:
            labels = d["labels"]
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                raise TypeError("labels must be a list of strings")
            return cls(
                name=str(d["name"]),
                backend=str(d["backend"]),
                labels=list(labels),
                data_hash=str(d["data_hash"]),
                documents=int(d["documents"]),
                entities=int(d["entities"]),
                boundaries=Boundaries.from_dict(d.get("boundaries") or {}),
                evaluation=dict(d.get("evaluation") or {}),
                settings=dict(d.get("settings") or {}),
                created=float(d.get("created", 0.0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UserError(f"damaged model description: {exc}", path=where) from exc


@dataclass(slots=True)
class LoadedModel:
    info: ModelInfo
    tagger: Tagger
    directory: Path


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def write_model(
    out: Path,
    tagger: Tagger,
    info: ModelInfo,
    lexicon: Mapping[str, int],
    gazetteer: Iterable[tuple[str, str]],
    names: Iterable[tuple[str, str]] = (),
) -> None:
    """Write a model directory at ``out`` (replacing a model already there, never anything else)."""
    if out.exists() and not out.is_dir():
        raise UserError("exists and is not a directory", path=str(out))
    if out.is_dir() and any(out.iterdir()) and not (out / INFO_FILE).is_file():
        raise UserError("exists and is not a model directory: choose another --out", path=str(out))
    parent = out.resolve().parent
    if not parent.is_dir():
        raise UserError("the directory to write the model in does not exist", path=str(parent))
    tmp = parent / f".{out.name}.tmp-{os.getpid()}"
    old = parent / f".{out.name}.old-{os.getpid()}"
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        files = tagger.save(tmp)
        (tmp / LEXICON_FILE).write_text(json.dumps(dict(lexicon), ensure_ascii=False), encoding="utf-8")
        for filename, pairs in ((GAZETTEER_FILE, gazetteer), (NAMES_FILE, names)):
            with open(tmp / filename, "w", encoding="utf-8") as g:
                for text, label in pairs:
                    g.write(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n")
        info.settings["files"] = files
        if not info.created:
            info.created = time.time()
        (tmp / INFO_FILE).write_text(json.dumps(info.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        for p in tmp.rglob("*"):
            if p.is_file():
                _fsync_file(p)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        fd = os.open(parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if old.exists() and not out.exists():
            with contextlib.suppress(OSError):
                old.rename(out)
        raise UserError(f"cannot write the model: {exc.strerror or exc}", path=str(out)) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UserError("missing: not a model directory written by `reader train`", path=str(path)) from exc
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", path=str(path)) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"damaged model file ({exc}): train the model again", path=str(path)) from exc


def load_model(directory: str | os.PathLike[str]) -> LoadedModel:
    """Read a model directory; a clear error if anything is missing or damaged."""
    d = Path(directory)
    if not d.is_dir():
        raise UserError("no model directory here (train one with `reader train --out DIR`)", path=str(d))
    raw = _read_json(d / INFO_FILE)
    if not isinstance(raw, dict):
        raise UserError("damaged model description", path=str(d / INFO_FILE))
    info = ModelInfo.from_dict(raw, str(d / INFO_FILE))
    lexicon = _read_json(d / LEXICON_FILE)
    if not isinstance(lexicon, dict) or not all(isinstance(v, int) for v in lexicon.values()):
        raise UserError("damaged lexicon: train the model again", path=str(d / LEXICON_FILE))
    gazetteer = Gazetteer.load(d / GAZETTEER_FILE) if (d / GAZETTEER_FILE).is_file() else Gazetteer()
    names = Gazetteer.load(d / NAMES_FILE) if (d / NAMES_FILE).is_file() else Gazetteer()
    featurizer = Featurizer(lexicon, gazetteer, names)
    tagger = backend_class(info.backend).load(d, featurizer, info.boundaries)
    return LoadedModel(info, tagger, d)
