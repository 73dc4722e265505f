"""--offsets codepoint|utf16|grapheme (issue 9 item 9): doccano's browser UI counts UTF-16 code units
(grapheme clusters in its grapheme mode); Label Studio's counts UTF-16 units."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.errors import UserError
from annotations.model import Document, Span
from annotations.store import Store
from reader.cli import main

EMOJI_TEXT = "😀 قال محمد 👍🏽 إن حماس"
MARKS_TEXT = "قَالَ مُحَمَّدٌ إِنَّ حَمَاسَ"


def utf16(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


def import_spans(tmp_path: Path, record: dict[str, object], *args: str) -> tuple[list[tuple[str, str]], int, str]:
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    store = tmp_path / "s.json"
    for p in tmp_path.glob("s.json*"):
        p.unlink()
    code = main(["import", str(f), "--store", str(store), "--annotator", "a", *args])
    if code != 0:
        return [], code, ""
    with Store.open(store, readonly=True) as s:
        doc = next(iter(s.iter_documents()))
        ann = s.get_annotation(doc.id, "a")
        return [(doc.text[x.start : x.end], x.label) for x in sorted(ann.spans)] if ann else [], code, doc.text


def test_doccano_utf16_offsets_from_the_browser(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    i = EMOJI_TEXT.index("محمد")
    j = EMOJI_TEXT.index("حماس")
    rec = {
        "text": EMOJI_TEXT,
        "label": [
            [utf16(EMOJI_TEXT, i), utf16(EMOJI_TEXT, i + 4), "PERSON"],
            [utf16(EMOJI_TEXT, j), utf16(EMOJI_TEXT, j + 4), "ORGANIZATION"],
        ],
    }
    # read as code points (the default) the spans land one or three letters off -- and the import says
    # that the unit matters for this record
    got, _, _ = import_spans(tmp_path, rec)
    assert got != [("محمد", "PERSON"), ("حماس", "ORGANIZATION")]
    assert "--offsets utf16" in capsys.readouterr().err
    got, _, _ = import_spans(tmp_path, rec, "--offsets", "utf16")
    assert got == [("محمد", "PERSON"), ("حماس", "ORGANIZATION")]
    assert "--offsets" not in capsys.readouterr().err  # chosen: no warning


def test_doccano_grapheme_offsets(tmp_path: Path) -> None:
    clusters = ["قَ", "ا", "لَ", " ", "مُ", "حَ", "مَّ", "دٌ"]
    rec = {"text": MARKS_TEXT, "label": [[4, 8, "PERSON"]]}  # graphemes 4..8 = مُحَمَّدٌ
    assert "".join(clusters) == MARKS_TEXT[: len("".join(clusters))]
    got, code, _ = import_spans(tmp_path, rec, "--offsets", "grapheme")
    assert code == 0 and got == [("مُحَمَّدٌ", "PERSON")]


def test_utf16_offset_inside_a_surrogate_pair_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rec = {"text": EMOJI_TEXT, "label": [[1, 4, "PERSON"]]}
    _, code, _ = import_spans(tmp_path, rec, "--offsets", "utf16")
    assert code == 2 and "falls inside the character" in capsys.readouterr().err


def test_label_studio_text_mismatch_suggests_the_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    i = EMOJI_TEXT.index("محمد")
    task = {
        "data": {"text": EMOJI_TEXT},
        "annotations": [
            {
                "result": [
                    {
                        "type": "labels",
                        "value": {
                            "start": utf16(EMOJI_TEXT, i),
                            "end": utf16(EMOJI_TEXT, i + 4),
                            "text": "محمد",
                            "labels": ["PERSON"],
                        },
                    }
                ]
            }
        ],
    }
    _, code, _ = import_spans(tmp_path, task)
    assert code == 2 and "try --offsets utf16" in capsys.readouterr().err
    got, code, _ = import_spans(tmp_path, task, "--offsets", "utf16")
    assert got == [("محمد", "PERSON")]


def test_export_in_utf16_and_back(tmp_path: Path) -> None:
    store = tmp_path / "s.json"
    i = EMOJI_TEXT.index("حماس")
    with Store.open(store) as s:
        s.add_documents([Document("e", EMOJI_TEXT)])
        s.add_span("e", "a", Span(i, i + 4, "ORGANIZATION"))
    out = tmp_path / "o.jsonl"
    assert main(["export", "--store", str(store), "--format", "doccano", "--offsets", "utf16", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["label"] == [
        [utf16(EMOJI_TEXT, i), utf16(EMOJI_TEXT, i + 4), "ORGANIZATION"]
    ]
    other = tmp_path / "o.json"
    assert main(["import", str(out), "--store", str(other), "--offsets", "utf16"]) == 0
    with Store.open(other, readonly=True) as s:
        assert [x.key for x in s.get_annotation("e", "a").spans] == [(i, i + 4, "ORGANIZATION")]  # type: ignore[union-attr]


def test_offsets_refused_where_they_mean_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.json"
    with Store.open(store) as s:
        s.add_documents([Document("e", EMOJI_TEXT)])
    assert main(["export", "--store", str(store), "--format", "conll", "--offsets", "utf16"]) == 2
    assert "--offsets utf16 applies to formats with character offsets, not conll" in capsys.readouterr().err


def test_differences() -> None:
    from annotations.formats.offsets import differences

    assert differences("abc") == set()
    assert differences(EMOJI_TEXT) == {"utf16", "grapheme"}
    assert differences(MARKS_TEXT) == {"grapheme"}
    assert differences("a\r\nb") == {"grapheme"}  # CR LF is one grapheme cluster


@settings(max_examples=200, deadline=None)
@given(
    st.text(st.sampled_from(list("ab قَ😀👍🏽\r\n\u0301")), max_size=30),
    st.sampled_from(["codepoint", "utf16", "grapheme"]),
)
def test_property_offsets_convert_both_ways(text: str, unit: str) -> None:
    from annotations.formats.offsets import OffsetMap

    m = OffsetMap(text, unit)  # type: ignore[arg-type]
    for cp in range(len(text) + 1):
        try:
            u = m.from_codepoint(cp, "x")
        except UserError:
            assert unit == "grapheme"
            continue
        assert m.to_codepoint(u, "x") == cp
        if unit == "utf16":
            assert u == utf16(text, cp)


JOINERS = [*"ab قَ😀👍🏽\r\n\u0301\x07\t", "\U0001f1f8", "\U0001f1e6", "\u1100", "\u1161", "\u11a8", "\uac00"]
JOINERS += ["\u0600", "\u200d", "\u0903", "\u2028", "\U0001d165", "\U000e0100", "\x85", "\u0e33"]


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(JOINERS), max_size=8))
def test_property_the_fast_cluster_check_agrees_with_full_segmentation(text: str) -> None:
    import regex

    from annotations.formats.offsets import has_clusters

    assert has_clusters(text) == any(len(m.group()) > 1 for m in regex.finditer(r"\X", text))
