"""Where predicted spans start and end inside words: learned from the training spans."""

from __future__ import annotations

from pathlib import Path

from annotations.model import Span
from annotations.tagger.boundaries import Boundaries, learn
from annotations.tagger.features import lexicon_of
from annotations.tagger.words import cut

TEXT = "قالت حماس إن وفدا لحماس وصل إلى القاهرة، وبالقاهرة التقى حكومتها وكتابهم وقادة حماس"


def words(text: str) -> dict[str, object]:
    return {t.text: t for s in cut(text) for t in s.tokens}


def test_spans_without_clitics_teach_the_cut() -> None:
    w = words(TEXT)
    lex = lexicon_of([TEXT, "حكومة حكومة كتاب كتاب"])
    lahamas, bilqahira = w["لحماس"], w["وبالقاهرة"]
    gold = [
        (Span(lahamas.start + 1, lahamas.end, "ORG"), lahamas, lahamas),  # type: ignore[attr-defined]
        (Span(bilqahira.start + 2, bilqahira.end, "LOC"), bilqahira, bilqahira),  # type: ignore[attr-defined]
    ]
    b = learn(gold, lex)
    assert b.drop_proclitics and b.evidence[:2] == (2, 0)
    assert TEXT[slice(*b.cut(lahamas, lahamas, lex))] == "حماس"  # type: ignore[arg-type]
    assert TEXT[slice(*b.cut(bilqahira, bilqahira, lex))] == "القاهرة"  # type: ignore[arg-type]
    hukuma = w["حكومتها"]
    assert TEXT[slice(*b.cut(hukuma, hukuma, lex))] == "حكومت"  # type: ignore[arg-type]


def test_whole_word_data_keeps_the_clitics() -> None:
    w = words(TEXT)
    lex = lexicon_of([TEXT])
    tok = w["وبالقاهرة"]
    b = learn([(Span(tok.start, tok.end, "LOC"), tok, tok)], lex)  # type: ignore[attr-defined]
    assert not b.drop_proclitics
    assert TEXT[slice(*b.cut(tok, tok, lex))] == "وبالقاهرة"  # type: ignore[arg-type]


def test_marks_stay_with_their_letter() -> None:
    text = "وَبِالقَاهِرَةِ"
    (sentence,) = cut(text)
    tok = sentence.tokens[0]
    start, end = Boundaries().cut(tok, tok, {})
    assert text[start:end] == "القَاهِرَةِ"


def test_round_trip_of_the_stored_convention() -> None:
    b = Boundaries(True, False, (3, 1, 0, 2))
    assert Boundaries.from_dict(b.to_dict()) == b


def test_a_model_trained_on_trimmed_spans_suggests_trimmed_spans(tmp_path: Path) -> None:
    from annotations.tagger.training import Example, fit

    sentences = [
        "قالت حركة حماس إن وفدها وصل إلى القاهرة .",
        "وأكد مسؤول لحماس أن المحادثات في القاهرة مستمرة .",
        "ونقلت وكالة الأنباء عن حماس قولها إن الوفد غادر بالقاهرة .",
        "وقال متحدث باسم حماس إن الرد سلم للقاهرة .",
    ]
    examples = []
    for k in range(6):
        text = "\n".join(sentences[k % 4 :] + sentences[: k % 4])
        # as annotators of this project label: حماس in لحماس, القاهرة in بالقاهرة, لقاهرة in للقاهرة
        spans = []
        for name, label in (("حماس", "ORGANIZATION"), ("القاهرة", "LOCATION"), ("لقاهرة", "LOCATION")):
            start = text.find(name)
            while start >= 0:
                end = start + len(name)
                if name != "لقاهرة" or text[start - 1] == "ل":  # لقاهرة only inside للقاهرة
                    spans.append(Span(start, end, label))
                start = text.find(name, end)
        examples.append(Example(f"d{k}", text, tuple(sorted(set(spans)))))
    fitted = fit("crf", examples, tmp_path)
    assert fitted.boundaries.drop_proclitics
    new = "وأعلن مصدر مقرب لحماس أن الوفد سيعود بالقاهرة ."
    found = {(new[s.start : s.end], s.label) for s in fitted.tagger.predict(new)}
    assert ("حماس", "ORGANIZATION") in found  # not لحماس: where an annotator of this data would cut
    assert ("القاهرة", "LOCATION") in found  # not بالقاهرة
