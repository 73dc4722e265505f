"""The bundled sample articles: corpus.jsonl mirrors the .txt files, and together they cover the
phenomena the reader and the suggesters must handle. One regex per phenomenon documents the coverage."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SEED = "000_d6de30c6830c1eec"

HARAKAT = "\u064b-\u0652"


def _files() -> dict[str, str]:
    return {p.stem: p.read_bytes().decode("utf-8") for p in sorted(SAMPLES.glob("*.txt"))}


def _corpus() -> list[dict[str, object]]:
    lines = (SAMPLES / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _all_text() -> str:
    return "\n\n".join(_files().values())


def test_enough_articles() -> None:
    files = _files()
    assert SEED in files
    assert len(files) >= 8
    langs = {d["id"]: d["meta"]["lang"] for d in _corpus()}  # type: ignore[index]
    assert list(langs.values()).count("ar") >= 7
    assert "en" in langs.values()


def test_article_sizes() -> None:
    for stem, text in _files().items():
        size = len(text.encode("utf-8"))
        if stem != SEED:
            assert 1500 <= size <= 4096, (stem, size)


def test_corpus_matches_files() -> None:
    files = _files()
    corpus = _corpus()
    assert [d["id"] for d in corpus] == sorted(files)
    for d in corpus:
        stem = str(d["id"])
        assert d["text"] == files[stem]
        meta = d["meta"]
        assert isinstance(meta, dict)
        assert meta["source"] == stem + ".txt"
        assert meta["title"] == files[stem].split("\n", 1)[0]
        assert meta["lang"] in ("ar", "en")


def test_corpus_is_not_ascii_escaped() -> None:
    raw = (SAMPLES / "corpus.jsonl").read_text(encoding="utf-8")
    assert "\\u06" not in raw and "حماس" in raw


# name -> (regex, minimum number of matches over all samples)
PHENOMENA: dict[str, tuple[str, int]] = {
    "read-also heading (several spellings)": (r"(?m)^[اإ]قرأ [اأ]يض(?:اً|ًا|ا)\s*:?\s*$", 4),
    "read-more heading": (r"(?m)^(?:[اإ]قرأ المزيد|Read more)\s*:?\s*$", 2),
    "source line": (r"(?m)^المصدر ?:", 4),
    "source line with space before colon": (r"(?m)^المصدر :", 2),
    "related-articles heading": (r"(?m)^(?:مقالات مشابهة|مواضيع ذات صلة|أخبار ذات صلة)\s*$", 4),
    "bulleted list item": (r"(?m)^\s*•\s+\S", 10),
    "share line": (r"(?m)^(?:شارك هذا المقال|Share this article)\s*$", 2),
    "follow line": (r"(?m)^تابعونا على", 3),
    "straight-quoted quotation": (r'"[^"\n]{25,}"', 5),
    "guillemet quotation": (r"«[^»\n]{10,}»", 3),
    "curly-quoted quotation": (r"“[^”\n]{10,}”", 5),
    "quotation running over a line break": (r'"[^"\n]+\n[^"\n]+"', 1),
    "name in quotes, not a quotation": (r'حركة "حماس"', 1),
    'glued quoted term (بـ"...")': (r'[بل]ـ"[^"\n]+"', 2),
    "Latin person name": (r"Antony Blinken", 1),
    "Latin organisation names": (r"\b(?:Reuters|UNICEF)\b", 3),
    "Western digits year": (r"\b20\d\d\b", 5),
    "Arabic-Indic digits year": (r"[٠-٩]{4}", 2),
    "Arabic decimal/percent signs": (r"[٠-٩]٫[٠-٩]٪", 1),
    "URL in an Arabic sentence": (r"[\u0600-\u06ff]+ https?://\S+ [\u0600-\u06ff]+", 1),
    "e-mail in an Arabic sentence": (r"[\u0600-\u06ff]+ [\w.]+@[\w.]+\.[a-z]+ [\u0600-\u06ff]+", 1),
    "parentheses": (r"\([^)\n]+\)", 5),
    "square brackets": (r"\[[^\]\n]+\]", 1),
    "fully vowelled verse": (rf"«(?:[^»\n]*[{HARAKAT}]){{20,}}[^»\n]*»", 1),
    "tatweel inside a word": (r"\wـ\w", 2),
    "lam-alef لا": (r"لا", 10),
    "lam-alef لأ": (r"لأ", 2),
    "lam-alef لإ": (r"لإ", 2),
    "lam-alef لآ": (r"لآ", 2),
    "lam, haraka, alef": (rf"ل[{HARAKAT}][اأإآ]", 3),
    "paragraph starting with a Latin word (Arabic article)": (r"(?m)^[A-Za-z]+، [\u0600-\u06ff]", 1),
    "Persian پ": (r"پ", 1),
    "Persian چ": (r"چ", 1),
    "Persian ژ": (r"ژ", 1),
    "Persian گ": (r"گ", 1),
    "Persian ی": (r"ی", 1),
    "Persian ک": (r"ک", 1),
}


@pytest.mark.parametrize("name", sorted(PHENOMENA))
def test_phenomenon_is_covered(name: str) -> None:
    pattern, minimum = PHENOMENA[name]
    found = re.findall(pattern, _all_text())
    assert len(found) >= minimum, f"{name}: {len(found)} < {minimum}"


def test_scare_quoted_term_in_a_headline() -> None:
    titles = [text.split("\n", 1)[0] for text in _files().values()]
    assert any(re.search(r'"[^"\s]+"', t) for t in titles)


def test_titles_are_single_lines_followed_by_a_blank_line() -> None:
    for stem, text in _files().items():
        if stem != SEED:
            assert text.split("\n")[1] == "", stem
