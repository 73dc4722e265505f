from __future__ import annotations

from pathlib import Path

import pytest

from annotations.errors import UserError
from annotations.labels import RESERVED_KEYS, LabelSchema

GOOD = """
[[label]]
name = "PERSON"
key = "p"
color = "#1f6feb"
group = "entity"
scope = "span"
"""


def entry(name: str = "FOO", key: str = "y", color: str = "#112233", group: str = "entity", scope: str = "span") -> str:
    return f'\n[[label]]\nname = "{name}"\nkey = "{key}"\ncolor = "{color}"\ngroup = "{group}"\nscope = "{scope}"\n'


def test_default_schema() -> None:
    s = LabelSchema.default()
    assert {"PERSON", "ORGANIZATION", "LOCATION", "DATE", "QUOTE", "BOILERPLATE"} <= set(s.names)
    assert s.by_key("p") is not None and s.by_key("p").name == "PERSON"  # type: ignore[union-attr]
    quote = s.get("QUOTE")
    assert quote is not None and quote.group == "quote" and quote.scope == "span" and quote.key == "q"
    bp = s.get("BOILERPLATE")
    assert bp is not None and bp.group == "boilerplate" and bp.scope == "line"
    assert not {label.key for label in s.labels} & RESERVED_KEYS
    assert s.get("NOPE") is None and s.by_key("a") is None


def test_from_toml(tmp_path: Path) -> None:
    p = tmp_path / "labels.toml"
    p.write_text(GOOD + entry("ORG", "o"), encoding="utf-8")
    s = LabelSchema.from_toml(p)
    assert s.names == ("PERSON", "ORG")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (entry("FOO", "p"), 'labels.toml: label #2 ("FOO"): duplicate key "p"'),
        (entry("PERSON", "y"), 'label #2 ("PERSON"): duplicate name "PERSON"'),
        (entry(color="red"), 'label #2 ("FOO"): bad color "red"'),
        (entry(color="#12345"), "bad color"),
        (entry(group="thing"), 'bad group "thing"'),
        (entry(scope="page"), 'bad scope "page"'),
        (entry(key="a"), 'key "a" is reserved'),
        (entry(key="/"), 'key "/" is reserved'),
        (entry(key="yy"), "one printable character"),
        (
            '\n[[label]]\nname = "FOO"\nkey = "y"\ncolor = "#112233"\ngroup = "entity"\n',
            'missing field "scope"',
        ),
        (entry().replace('"y"', "3"), 'field "key" must be a string'),
        (entry(name="has space"), "bad name"),
    ],
)
def test_bad_schema(tmp_path: Path, extra: str, message: str) -> None:
    p = tmp_path / "labels.toml"
    p.write_text(GOOD + extra, encoding="utf-8")
    with pytest.raises(UserError) as info:
        LabelSchema.from_toml(p)
    assert message in info.value.describe()
    assert str(p) in info.value.describe()


def test_bad_toml_and_empty(tmp_path: Path) -> None:
    p = tmp_path / "labels.toml"
    p.write_text("[[label]\n", encoding="utf-8")
    with pytest.raises(UserError, match="invalid TOML"):
        LabelSchema.from_toml(p)
    p.write_text("", encoding="utf-8")
    with pytest.raises(UserError, match="no \\[\\[label\\]\\]"):
        LabelSchema.from_toml(p)
    with pytest.raises(UserError, match=r"missing\.toml: no such file or directory"):
        LabelSchema.from_toml(tmp_path / "missing.toml")


def test_toml_with_a_byte_order_mark(tmp_path: Path) -> None:
    # issue 8 item 12: a label file saved with a BOM was refused as "Invalid statement"
    default = (Path(__file__).parents[3] / "annotations" / "default_labels.toml").read_bytes()
    p = tmp_path / "labels.toml"
    p.write_bytes(b"\xef\xbb\xbf" + default)
    assert LabelSchema.from_toml(p) == LabelSchema.default()


def test_label_file_that_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is a directory"):
        LabelSchema.from_toml(tmp_path)
    with pytest.raises(UserError, match="is a device"):
        LabelSchema.from_toml("/dev/zero")
    p = tmp_path / "bad.toml"
    p.write_bytes(b'[[label]]\nname = "\xff"\n')
    with pytest.raises(UserError, match=r"bad\.toml:2: invalid UTF-8 at byte 18"):
        LabelSchema.from_toml(p)
