"""Clitics split off real Arabic words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotations.normalize import fold_text
from annotations.tagger.clitics import analyses, split_clitics


def lex(*words: str, count: int = 3) -> dict[str, int]:
    return {fold_text(w): count for w in words}


def test_preposition_on_a_name_splits_when_the_name_stands_alone() -> None:
    a = split_clitics(fold_text("لحماس"), lex("حماس"))
    assert (a.proclitics, a.article, a.stem, a.enclitic) == ("ل", "", "حماس", "")
    assert a.prefix_len == 1


def test_conjunction_preposition_and_article() -> None:
    # no lexicon needed: the article after و+ب is unambiguous
    a = split_clitics(fold_text("وبالمدينة"))
    assert (a.proclitics, a.article, a.stem) == ("وب", "ال", "مدينه")
    assert a.prefix_len == 2
    assert a.with_article == "المدينه"


def test_attached_pronoun() -> None:
    a = split_clitics(fold_text("كتابهم"), lex("كتاب"))
    assert (a.proclitics, a.stem, a.enclitic) == ("", "كتاب", "هم")
    assert a.suffix_len == 2


def test_teh_marbuta_before_a_pronoun_is_restored() -> None:
    a = split_clitics(fold_text("حكومتها"), lex("حكومة"))
    assert a.enclitic == "ها" and a.lemma == fold_text("حكومة")


def test_lam_before_the_article_elides_its_alef() -> None:
    a = split_clitics(fold_text("للقدس"))
    assert (a.proclitics, a.article, a.stem) == ("ل", "ل", "قدس")
    assert a.prefix_len == 1  # the span keeps لقدس, as the gazetteer does


def test_letters_of_the_stem_are_not_clitics() -> None:
    # لبنان: بنان is no word; وزارة is more common than زارة
    assert split_clitics(fold_text("لبنان"), lex("حماس")).prefix_len == 0
    lexicon = lex("زارة", count=1) | lex("وزارة", count=9)
    assert split_clitics(fold_text("وزارة"), lexicon).prefix_len == 0
    # a known word is read as it is, not as a clitic on something shorter
    assert split_clitics(fold_text("كتابهم"), lex("كتاب", "كتابهم", count=5)).enclitic == ""
    # too little after the article to be a stem (والد, الى)
    assert split_clitics(fold_text("والد")).prefix_len == 0
    assert split_clitics(fold_text("إلى")).article == ""


ARABIC_LETTERS = st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويةى"))


@given(st.text(ARABIC_LETTERS, min_size=1, max_size=9))
def test_every_reading_spells_the_word(word: str) -> None:
    bare, *others = analyses(word)
    assert bare.stem == word
    for a in others:
        assert a.proclitics + a.article + a.stem + a.enclitic == word
        assert len(a.stem) >= 2
