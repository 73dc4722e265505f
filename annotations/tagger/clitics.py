"""Arabic clitics: the conjunctions, prepositions and article written onto the front of a word and
the pronouns written onto its end (و+ب+المدينة, ل+حماس, كتاب+هم).

Arabic script writes these as one word with the stem, and they are ambiguous on their own: the و of
وزير and the ل of لبنان are part of the stem. :func:`analyses` lists every reading the spelling
allows; :func:`split_clitics` picks one, using a *lexicon* (words known to stand alone, e.g. the
vocabulary of the training data) to accept a split that leaves a bare stem: لحماس splits because
حماس is a word, لبنان does not because بنان is not. A stem that starts with the article is always
accepted (وبالمدينة = و + ب + المدينة) when what remains after the article is a plausible stem.

Everything works on folded text (:func:`annotations.normalize.fold_text`: no harakat or tatweel,
أ/إ/آ -> ا, ى -> ي, ة -> ه), and every piece is a slice of the folded word, so lengths map back to
the original through :func:`annotations.normalize.fold_offsets`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["CONJUNCTIONS", "PREPOSITIONS", "PRONOUNS", "Analysis", "analyses", "split_clitics"]

CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ك", "ل")
ARTICLE = "ال"
# attached pronouns, longest first (the folded forms: ه covers both ه and ة at the end of a word)
PRONOUNS = ("هما", "كما", "ها", "هم", "هن", "كم", "كن", "نا", "ني", "ه", "ك", "ي")
MIN_STEM = 2  # a stem has at least this many letters
MIN_ARTICLE_STEM = 2  # letters after ال for the article to count (البحر yes, الي no)


@dataclass(frozen=True, slots=True)
class Analysis:
    """One reading of a (folded) word: ``proclitics + article + stem + enclitic`` == the word, except
    that after ل the article's alef is not written (لل...) and a stem ending in ة is written with ت
    before a pronoun (حكومتها: ``stem`` is حكومت, ``lemma`` is حكومه)."""

    proclitics: str  # conjunction and/or preposition letters, in order (e.g. "وب")
    article: str  # "ال", "ل" (after ل, the alef elided: لل...), or ""
    stem: str
    enclitic: str  # an attached pronoun, or ""

    @property
    def prefix_len(self) -> int:
        """How many letters of the word come before the span an annotator labels: the proclitics
        (the article belongs to the name: القدس, بالقدس -> القدس; للقدس -> لقدس)."""
        return len(self.proclitics)

    @property
    def suffix_len(self) -> int:
        """How many letters at the end are an attached pronoun (outside a labelled name)."""
        return len(self.enclitic)

    @property
    def lemma(self) -> str:
        """The stem as it stands alone: ت before a pronoun restored to ة (folded: ه)."""
        if self.enclitic and self.stem.endswith("ت") and len(self.stem) > 2:
            return self.stem[:-1] + "ه"
        return self.stem

    @property
    def with_article(self) -> str:
        """The stem with its article, written as it stands alone (للمدينة -> المدينه)."""
        return (ARTICLE if self.article else "") + self.lemma


def _proclitic_readings(word: str) -> list[tuple[str, str, str]]:
    """(proclitics, article, rest) for every prefix reading of ``word``, the bare word first."""
    out = [("", "", word)]
    conj_options = [""] + [c for c in CONJUNCTIONS if word.startswith(c)]
    for conj in conj_options:
        rest1 = word[len(conj) :]
        prep_options = [""] + [p for p in PREPOSITIONS if rest1.startswith(p)]
        for prep in prep_options:
            pro = conj + prep
            rest = rest1[len(prep) :]
            if pro and len(rest) >= MIN_STEM:
                out.append((pro, "", rest))
            if prep == "ل" and rest.startswith("ل") and len(rest) - 1 >= MIN_ARTICLE_STEM:
                out.append((pro, "ل", rest[1:]))  # ل + (ا)ل + stem: the article's alef is elided
            elif prep != "ل" and rest.startswith(ARTICLE) and len(rest) - 2 >= MIN_ARTICLE_STEM:
                out.append((pro, ARTICLE, rest[2:]))
    return out


def analyses(word: str) -> list[Analysis]:
    """Every reading of the folded ``word``; the first is the word as it is (no clitics)."""
    out: list[Analysis] = []
    for pro, art, rest in _proclitic_readings(word):
        out.append(Analysis(pro, art, rest, ""))
        for pronoun in PRONOUNS:
            # the article and a pronoun never go together; a stem left with a pronoun has 3+ letters
            if not art and rest.endswith(pronoun) and len(rest) - len(pronoun) >= 3:
                out.append(Analysis(pro, art, rest[: -len(pronoun)], pronoun))
    return out


_EMPTY: Mapping[str, int] = {}


def split_clitics(word: str, lexicon: Mapping[str, int] = _EMPTY) -> Analysis:
    """The most plausible reading of the folded ``word``.

    ``lexicon`` counts how often words stand alone in some text (folded word -> count), e.g. the
    training data. A reading with the article is taken as soon as the spelling allows it and at least
    three letters follow the article, or the stem is in ``lexicon`` (بالمدينه, وللقدس). A reading
    that leaves a bare stem (لحماس, كتابهم) is taken only when the stem stands alone more often than
    the whole word does (حماس more often than لحماس; not زاره against وزاره). Of several readings,
    the one that strips least (the longest stem). Otherwise the word stands as it is.
    """
    readings = analyses(word)
    best = readings[0]
    best_rank: tuple[int, ...] | None = None
    word_count = lexicon.get(word, 0)
    for a in readings[1:]:
        if a.article and (len(a.stem) >= 3 or a.stem in lexicon):
            # the article reading: sure when the stem is long enough to be one; prefer it to bare ones
            rank = (2, len(a.stem))
        elif lexicon.get(a.lemma, 0) > word_count:
            rank = (1, len(a.stem))
        else:
            continue
        if best_rank is None or rank > best_rank:
            best, best_rank = a, rank
    return best
