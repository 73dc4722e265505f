"""A model's suggestions follow its own clitic convention: the proclitic on a name is cut off as the
annotators cut it, and a name does not run on into the next one written with a proclitic."""

from __future__ import annotations

from annotations.tagger.boundaries import Boundaries, name_proclitic
from annotations.tagger.words import cut

NAMES = frozenset({"كفركلا", "حزب", "الله", "غالانت", "اوستن", "لبنان"})  # folded words of known names


def spans(text: str, first: str, last: str, boundaries: Boundaries | None = None) -> list[str]:
    """The entities a tagger's run over the words ``first`` .. ``last`` becomes."""
    [sent] = cut(text)
    words = [t.text for t in sent.tokens]
    i, j = words.index(first), words.index(last) + 1
    got = (boundaries or Boundaries()).entities(sent.tokens, i, j, {}, NAMES)
    return [text[a:b] for a, b in got]


def test_the_proclitic_on_a_known_name_is_cut_off() -> None:
    assert spans("طال القصف بلدة وكفركلا الحدودية", "وكفركلا", "وكفركلا") == ["كفركلا"]
    assert spans("قالت مصادر مقربة لحزب الله إن", "لحزب", "الله") == ["حزب الله"]


def test_a_name_does_not_run_on_into_the_next_one() -> None:
    assert spans("وأكد غالانت لأوستن أن العملية", "غالانت", "لأوستن") == ["غالانت", "أوستن"]


def test_words_that_are_names_themselves_stay_whole() -> None:
    assert spans("زار جنوب لبنان أمس", "جنوب", "لبنان") == ["جنوب لبنان"]  # لبنان is a name, not ل + بنان
    assert name_proclitic("لبنان", NAMES) == 0
    assert name_proclitic("وليد", NAMES) == 0  # no known name ليد: a name of its own


def test_a_model_that_keeps_proclitics_keeps_them() -> None:
    keep = Boundaries(drop_proclitics=False, drop_enclitics=False)
    assert spans("طال القصف بلدة وكفركلا الحدودية", "وكفركلا", "وكفركلا", keep) == ["وكفركلا"]
