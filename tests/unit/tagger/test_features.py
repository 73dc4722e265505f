"""Word features for Arabic."""

from __future__ import annotations

from annotations.normalize import fold_text
from annotations.suggest.entities import Gazetteer
from annotations.tagger.features import Featurizer, lexicon_of, shape
from annotations.tagger.words import cut


def test_features_of_a_word_with_clitics() -> None:
    text = "حماس حركة. قالت حماس لمصادر لحماس إن وبالمدينة كتابهم كتاب الكتاب كتاب"
    fz = Featurizer(lexicon_of([text]))
    w = fz.word("لحماس")
    assert w.folded == "لحماس"
    assert {"w=لحماس", "st=حماس", "wa=حماس", "pro=ل", "sh=ar"} <= set(w.own)
    assert w.as_prev == ["-1w=لحماس", "-1st=حماس"]
    assert {"st=مدينه", "wa=المدينه", "pro=وب", "art", "p3=مدي", "s2=نه"} <= set(fz.word("وبالمدينة").own)
    assert {"st=كتاب", "enc=هم"} <= set(fz.word("كتابهم").own)


def test_normalised_form_and_marks() -> None:
    fz = Featurizer({})
    w = fz.word("أَحْمَد")
    assert w.folded == fold_text("احمد") and {"w=احمد", "marks", "oov"} <= set(w.own)
    assert {"year", "dlen=4"} <= set(fz.word("2024").own)


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


def test_restricted_features_keep_only_what_the_model_knows() -> None:
    text = "قال وزير خارجية الأردن أيمن الصفدي"
    fz = Featurizer(lexicon_of([text]))
    (sentence,) = cut(text)
    full = fz.sentence(sentence, text)
    known = frozenset({"w=قال", "+1w=وزير", "-1w|w=وزير|خارجيه", "BOS", "EOS"})
    fz.restrict(known)
    rows = fz.sentence(sentence, text)
    assert rows[0] == [f for f in full[0] if f in known] == ["w=قال", "BOS", "+1w=وزير"]
    assert rows[2] == ["-1w|w=وزير|خارجيه"]
    assert all(set(r) <= known for r in rows)


def test_world_names_are_features_with_clitics() -> None:
    from annotations.tagger.features import world_names

    text = "وصل وفد من كرواتيا وبالعراق يوم الخميس 3 شباط مع مسؤولين مصريين يتحدثون الفرنسية"
    fz = Featurizer(lexicon_of([text]), world_names())
    (sentence,) = cut(text)
    rows = {t.text: feats for t, feats in zip(sentence.tokens, fz.sentence(sentence, text), strict=True)}
    assert "gaz=B-COUNTRY" in rows["كرواتيا"]
    assert "gaz=B-COUNTRY" in rows["وبالعراق"]  # و+ب+العراق
    assert "gaz=B-WEEKDAY" in rows["الخميس"]
    assert "gaz=B-MONTH" in rows["شباط"]
    assert "gaz=B-NATIONALITY" in rows["مصريين"]
    assert "gaz=B-LANGUAGE" in rows["الفرنسية"]
    assert not any(f.startswith("gaz=") for f in rows["وفد"])
