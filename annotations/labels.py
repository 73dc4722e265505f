"""The label schema: which labels exist, their keyboard keys, colours, groups and scopes.

A schema is a TOML file of ``[[label]]`` tables::

    [[label]]
    name = "PERSON"         # upper-case identifier used in exports
    key = "p"               # one printable character, the shortcut in the app
    color = "#1f6feb"       # "#rrggbb", used as a background on a dark terminal
    group = "entity"        # entity | quote | boilerplate
    scope = "span"          # span | line
    description = "..."     # optional

The default schema ships as ``annotations/default_labels.toml``.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from annotations.errors import UserError

GROUPS: tuple[str, ...] = ("entity", "quote", "boilerplate")
SCOPES: tuple[str, ...] = ("span", "line")
# Keys the app binds to its own commands; a label may not use them.
# Keys the app binds for itself (tests/app/test_app.py checks this list against the real bindings),
# plus a few kept free for future commands. A label key must be none of them.
RESERVED_KEYS: frozenset[str] = frozenset(
    [
        *"arsfunjkghxtcvwiz",
        *"JZNCDGU",
        *"?/.,[]{}",
        " ",
    ]
)
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")
_FIELDS = ("name", "key", "color", "group", "scope", "description")
_REQUIRED = ("name", "key", "color", "group", "scope")


@dataclass(frozen=True, slots=True)
class LabelDef:
    name: str
    key: str
    color: str
    group: str
    scope: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class LabelSchema:
    labels: tuple[LabelDef, ...]

    def get(self, name: str) -> LabelDef | None:
        for label in self.labels:
            if label.name == name:
                return label
        return None

    def by_key(self, key: str) -> LabelDef | None:
        for label in self.labels:
            if label.key == key:
                return label
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    @classmethod
    def default(cls) -> LabelSchema:
        text = resources.files("annotations").joinpath("default_labels.toml").read_text(encoding="utf-8")
        return cls.from_toml_text(text, "default_labels.toml")

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> LabelSchema:
        from annotations.userfiles import read_text

        # UTF-8 with or without a BOM (editors on Windows add one; tomllib would call it an invalid statement)
        return cls.from_toml_text(read_text(path), os.fspath(path))

    @classmethod
    def from_toml_text(cls, text: str, where: str = "<labels>") -> LabelSchema:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise UserError(f"invalid TOML: {exc}", path=where) from exc
        entries = data.get("label")
        if not isinstance(entries, list) or not entries:
            raise UserError("no [[label]] tables", path=where)
        labels: list[LabelDef] = []
        names: set[str] = set()
        keys: set[str] = set()
        for i, entry in enumerate(entries, 1):
            label = _parse_entry(entry, i, where)
            who = f'label #{i} ("{label.name}")'
            if label.name in names:
                raise UserError(f'{who}: duplicate name "{label.name}"', path=where)
            if label.key in keys:
                raise UserError(f'{who}: duplicate key "{label.key}"', path=where)
            names.add(label.name)
            keys.add(label.key)
            labels.append(label)
        return cls(tuple(labels))


def _parse_entry(entry: Any, i: int, where: str) -> LabelDef:
    if not isinstance(entry, dict):
        raise UserError(f"label #{i}: not a table", path=where)
    name = entry.get("name")
    who = f'label #{i} ("{name}")' if isinstance(name, str) else f"label #{i}"
    for field in _REQUIRED:
        if field not in entry:
            raise UserError(f'{who}: missing field "{field}"', path=where)
    for field, value in entry.items():
        if field not in _FIELDS:
            raise UserError(f'{who}: unknown field "{field}"', path=where)
        if not isinstance(value, str):
            raise UserError(f'{who}: field "{field}" must be a string', path=where)
    label = LabelDef(
        name=entry["name"],
        key=entry["key"],
        color=entry["color"],
        group=entry["group"],
        scope=entry["scope"],
        description=entry.get("description", ""),
    )
    if not _NAME.fullmatch(label.name):
        raise UserError(f'{who}: bad name (letters, digits, "_" or "-", starting with a letter)', path=where)
    if len(label.key) != 1 or not label.key.isprintable():
        raise UserError(f'{who}: key must be one printable character, got "{label.key}"', path=where)
    if label.key in RESERVED_KEYS:
        raise UserError(f'{who}: key "{label.key}" is reserved by the app', path=where)
    if not _COLOR.fullmatch(label.color):
        raise UserError(f'{who}: bad color "{label.color}" (expected "#rrggbb")', path=where)
    if label.group not in GROUPS:
        raise UserError(f'{who}: bad group "{label.group}" (one of {", ".join(GROUPS)})', path=where)
    if label.scope not in SCOPES:
        raise UserError(f'{who}: bad scope "{label.scope}" (one of {", ".join(SCOPES)})', path=where)
    return label
