"""Word features for Arabic."""

from __future__ import annotations

from annotations.normalize import fold_text
from annotations.suggest.entities import Gazetteer
from annotations.tagger.features import Featurizer, lexicon_of, shape
from annotations.tagger.words import cut


def test_features_of_a_word_with_clitics() -> None:
    text = "حماس حركة. قالت حماس لمصادر لحماس إن وبالمدينة كتابهم كتاب الكتاب كتاب"
    fz = Featurizer(lexicon_of([text]))
    feats, folded, stem = fz.word("لحماس")
    assert folded == "لحماس" and stem == "حماس"
    assert {"w=لحماس", "st=حماس", "pro=ل", "sh=ar"} <= set(feats)
    feats, _, stem = fz.word("وبالمدينة")
    assert stem == "مدينه" and {"pro=وب", "art", "p3=مدي", "s2=نه"} <= set(feats)
    feats, _, stem = fz.word("كتابهم")
    assert stem == "كتاب" and "enc=هم" in feats


def test_normalised_form_and_marks() -> None:
    fz = Featurizer({})
    feats, folded, _ = fz.word("أَحْمَد")
    assert folded == fold_text("احمد") and "w=احمد" in feats and "marks" in feats and "oov" in feats


def test_shapes() -> None:
    assert [shape(w) for w in ("قال", "2024", "٢٠٢٤", "UN", "Biden", "iphone", "،", "COVID-19")] == [
        "ar",
        "d",
        "ad",
        "LAT",
        "Lat",
        "lat",
        "p",
        "mix",
    ]


def test_neighbours_and_gazetteer() -> None:
    text = "قال وزير خارجية الأردن أيمن الصفدي"
    fz = Featurizer(lexicon_of([text]), Gazetteer([("أيمن الصفدي", "PERSON")]))
    (sentence,) = cut(text)
    rows = fz.sentence(sentence, text)
    assert len(rows) == 6
    assert "BOS" in rows[0] and "EOS" in rows[-1]
    assert "-1w=وزير" in rows[2] and "+1w=الاردن" in rows[2] and "+2w=ايمن" in rows[2]
    assert "gaz=B-PERSON" in rows[4] and "gaz=I-PERSON" in rows[5]
    assert not any(f.startswith("gaz=") for f in rows[3])
