"""Word features for the tagger, made for Arabic.

Each word of a sentence becomes a list of string attributes (``name=value``) that a CRF weighs:

* the folded form (:mod:`annotations.normalize`: no harakat or tatweel, hamza forms of alef, ى, ة
  unified) and, apart, whether the word carried diacritics;
* its clitics split off (:mod:`.clitics`): the proclitic letters (و ف ب ك ل), whether it has the
  article, the attached pronoun, and the stem as it stands alone (لحماس -> حماس, حكومتها -> حكومه);
* character n-grams: the first and last 2-4 letters of the stem (Arabic patterns and nisba endings,
  ـية ـي ـون ـات, are at the edges of the stem);
* its shape: Arabic, Latin (capitalised or not), digits (Arabic-Indic or Western), punctuation, length;
* the gazetteer: ``B-`` / ``I-`` of a name the gazetteer finds over the sentence, by label;
* the neighbouring words (folded form and stem, two either side; the pair with each neighbour).

The features of a word that do not depend on its neighbours are computed once per distinct word
(:class:`Featurizer` keeps them), which is what makes tagging fast on long articles.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from annotations.normalize import fold_text
from annotations.suggest.entities import Gazetteer

from .clitics import split_clitics
from .words import Sentence

__all__ = ["Featurizer", "shape"]

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_MARKS = re.compile(r"[\u064b-\u065f\u0670]")
_CACHE_LIMIT = 500_000


def shape(word: str) -> str:
    """A coarse class of the word's characters: ``ar``, ``Lat``/``lat``/``LAT`` (capitalised, lower,
    all capitals), ``d`` (Western digits), ``ad`` (Arabic-Indic digits), ``mix`` or ``p`` (other)."""
    if word.isdigit():
        return "d" if word.isascii() else "ad"
    if not any(c.isalnum() for c in word):
        return "p"
    if _ARABIC.search(word):
        return "ar" if not any(c.isdigit() or c.isascii() for c in word) else "mix"
    if word.isalpha():
        if word.isupper():
            return "LAT"
        return "Lat" if word[0].isupper() else "lat"
    return "mix"


class Featurizer:
    """Turns sentences into CRF attribute lists.

    ``lexicon`` (folded word -> count, the training data's vocabulary) decides clitic splits (see
    :func:`.clitics.split_clitics`); ``gazetteer`` adds name-list features. Both are part of a
    trained model: a model is used with the featurizer it was trained with.
    """

    def __init__(self, lexicon: Mapping[str, int], gazetteer: Gazetteer | None = None) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer if gazetteer is not None and len(gazetteer) else None
        # word -> (own features, folded form, stem key used by the neighbours)
        self._cache: dict[str, tuple[list[str], str, str]] = {}

    def word(self, word: str) -> tuple[list[str], str, str]:
        """The features of one word on its own, its folded form and its stem."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        folded = fold_text(word)
        a = split_clitics(folded, self.lexicon)
        stem = a.lemma
        sh = shape(word)
        feats = [
            "w=" + folded,
            "st=" + stem,
            "sh=" + sh,
            "len=" + str(min(len(stem), 8)),
        ]
        if a.proclitics:
            feats.append("pro=" + a.proclitics)
        if a.article:
            feats.append("art")
        if a.enclitic:
            feats.append("enc=" + a.enclitic)
        if sh in ("ar", "lat", "Lat", "LAT", "mix"):
            for n in (2, 3, 4):
                if len(stem) > n:
                    feats.append(f"p{n}=" + stem[:n])
                    feats.append(f"s{n}=" + stem[-n:])
        if folded != word and _MARKS.search(word):
            feats.append("marks")
        if folded not in self.lexicon:
            feats.append("oov")
        result = (feats, folded, stem)
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[word] = result
        return result

    def gazetteer_tags(self, sentence: Sentence, text: str) -> list[str | None]:
        """Per word: ``B-<label>``/``I-<label>`` of a gazetteer name over it, or None."""
        out: list[str | None] = [None] * len(sentence.tokens)
        if self.gazetteer is None or not sentence.tokens:
            return out
        base = sentence.tokens[0].start
        chunk = text[base : sentence.tokens[-1].end]
        j = 0
        toks = sentence.tokens
        for s, e, label in self.gazetteer.find(chunk):
            s += base
            e += base
            while j < len(toks) and toks[j].end <= s:
                j += 1
            first = True
            k = j
            while k < len(toks) and toks[k].start < e:
                out[k] = ("B-" if first else "I-") + label
                first = False
                k += 1
        return out

    def sentence(self, sentence: Sentence, text: str) -> list[list[str]]:
        """The attribute lists of every word of ``sentence`` (a sentence of ``text``)."""
        own = [self.word(t.text) for t in sentence.tokens]
        gaz = self.gazetteer_tags(sentence, text)
        n = len(own)
        out: list[list[str]] = []
        for i in range(n):
            feats = list(own[i][0])
            w = own[i][1]
            if i > 0:
                prev = own[i - 1]
                feats.append("-1w=" + prev[1])
                feats.append("-1st=" + prev[2])
                feats.append("-1w|w=" + prev[1] + "|" + w)
                if i > 1:
                    feats.append("-2w=" + own[i - 2][1])
            else:
                feats.append("BOS")
            if i < n - 1:
                nxt = own[i + 1]
                feats.append("+1w=" + nxt[1])
                feats.append("+1st=" + nxt[2])
                feats.append("w|+1w=" + w + "|" + nxt[1])
                if i < n - 2:
                    feats.append("+2w=" + own[i + 2][1])
            else:
                feats.append("EOS")
            g = gaz[i]
            if g is not None:
                feats.append("gaz=" + g)
            out.append(feats)
        return out


def lexicon_of(texts: Sequence[str]) -> dict[str, int]:
    """Folded word counts over ``texts``: the lexicon a model is trained with."""
    from annotations.tokens import tokenize

    counts: dict[str, int] = {}
    for text in texts:
        for tok in tokenize(text):
            w = fold_text(tok.text)
            counts[w] = counts.get(w, 0) + 1
    return counts
