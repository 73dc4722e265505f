"""Word features for the tagger, made for Arabic.

Each word of a sentence becomes a list of string attributes (``name=value``) that a CRF weighs:

* the folded form (:mod:`annotations.normalize`: no harakat or tatweel, hamza forms of alef, ى, ة
  unified) and, apart, whether the word carried diacritics;
* its clitics split off (:mod:`.clitics`): the proclitic letters (و ف ب ك ل), whether it has the
  article, the attached pronoun, and the stem as it stands alone (لحماس -> حماس, حكومتها -> حكومه);
* character n-grams: the first and last 2-4 letters of the stem (Arabic patterns and nisba endings,
  ـية ـي ـون ـات, are at the edges of the stem);
* its shape: Arabic, Latin (capitalised or not), digits (Arabic-Indic or Western), punctuation, length;
* gazetteers: ``B-`` / ``I-`` of a name found over the sentence, by label: the world names shipped
  with the tagger (:func:`world_names`: countries, regions, months, weekdays, languages, currencies,
  nationalities from the Unicode CLDR) and any list given to ``reader train --gazetteer``;
* the neighbouring words (folded form and stem, two either side; the pair with each neighbour).

The features of a word that do not depend on its neighbours are computed once per distinct word
(:class:`Featurizer` keeps them), which is what makes tagging fast on long articles.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from annotations.normalize import fold_text
from annotations.suggest.entities import Gazetteer

from .clitics import Analysis, split_clitics
from .words import Sentence, Token

__all__ = ["Featurizer", "lexicon_of", "shape", "world_names"]

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


@dataclass(slots=True)
class _Word:
    """What one distinct word contributes: its own features and those it gives its neighbours."""

    folded: str
    analysis: Analysis
    own: list[str]
    as_prev: list[str]  # -1w= -1st= (on the word after it)
    as_next: list[str]  # +1w= +1st= (on the word before it)
    as_prev2: list[str]  # -2w=
    as_next2: list[str]  # +2w=


class Featurizer:
    """Turns sentences into CRF attribute lists.

    ``lexicon`` (folded word -> count, the training data's vocabulary) decides clitic splits (see
    :func:`.clitics.split_clitics`); ``gazetteer`` adds name-list features and ``names`` the names
    the model was taught (``mem=``). All are part of a trained model: a model is used with the
    featurizer it was trained with. :meth:`restrict` drops, once per distinct word, attributes the
    model has no weight for (they change nothing in its output), which makes tagging much faster.
    """

    def __init__(
        self, lexicon: Mapping[str, int], gazetteer: Gazetteer | None = None, names: Gazetteer | None = None
    ) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer if gazetteer is not None and len(gazetteer) else None
        # the names of the training data (see annotations.tagger.training.fit)
        self.names = names if names is not None and len(names) else None
        self._finder: Gazetteer | None = None  # both lists in one, looked up in one pass (built lazily)
        self._known: frozenset[str] | None = None
        # known word pairs (restricted): left word -> right words, for -1w|w= and w|+1w=
        self._left: dict[str, frozenset[str]] | None = None
        self._right: dict[str, frozenset[str]] | None = None
        self._cache: dict[str, _Word] = {}
        # every folded word of a known name (kept when ``restrict`` drops the lists from the features):
        # where a predicted entity's clitics end (see annotations.tagger.boundaries)
        self._sources = (self.gazetteer, self.names)
        self._name_words: frozenset[str] | None = None

    def name_words(self) -> frozenset[str]:
        """The folded words of the known names (the training data's and the gazetteer's)."""
        if self._name_words is None:
            words: set[str] = set()
            for source in self._sources:
                for text, _label in source or ():
                    words.update(fold_text(w) for w in text.split())
            self._name_words = frozenset(words)
        return self._name_words

    def with_names(self, names: Gazetteer | None) -> Featurizer:
        """The same featurizer with another list of known names (the word cache is shared)."""
        other = Featurizer(self.lexicon, self.gazetteer, names)
        other._cache = self._cache
        other._known = self._known
        other._sources = (self._sources[0], names if names is not None and len(names) else None)
        other._left = self._left
        other._right = self._right
        return other

    def restrict(self, known: frozenset[str]) -> None:
        """From now on produce only the attributes in ``known`` (a trained model's)."""
        self._known = known
        pairs: dict[str, dict[str, set[str]]] = {"-1w|w=": {}, "w|+1w=": {}}
        for attr in known:
            for prefix, table in pairs.items():
                if attr.startswith(prefix):
                    left, _, right = attr[len(prefix) :].partition("|")
                    table.setdefault(left, set()).add(right)
        self._left = {k: frozenset(v) for k, v in pairs["-1w|w="].items()}
        self._right = {k: frozenset(v) for k, v in pairs["w|+1w="].items()}
        self._cache = {}
        if not any(a.startswith("gaz=") for a in known):
            self.gazetteer = None
        if not any(a.startswith("mem=") for a in known):
            self.names = None
        self._finder = None

    def analysis(self, word: str) -> Analysis:
        """The clitic reading of ``word`` (cached with its features)."""
        return self.word(word).analysis

    def _keep(self, feats: list[str]) -> list[str]:
        known = self._known
        return feats if known is None else [f for f in feats if f in known]

    def word(self, word: str) -> _Word:
        """The features of one distinct word (cached)."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        folded = fold_text(word)
        a = split_clitics(folded, self.lexicon)
        stem = a.lemma
        sh = shape(word)
        bare = a.with_article  # the word as it stands alone: بالسعودية and السعودية share it
        feats = [
            "w=" + folded,
            "st=" + stem,
            "wa=" + bare,
            "sh=" + sh,
            "len=" + str(min(len(stem), 8)),
        ]
        if sh in ("d", "ad"):
            value = int(word)
            feats.append("dlen=" + str(min(len(word), 6)))
            if 1800 <= value <= 2099:
                feats.append("year")
            elif 1 <= value <= 31:
                feats.append("day")
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
        result = _Word(
            folded,
            a,
            self._keep(feats),
            self._keep(["-1w=" + folded, "-1st=" + stem]),
            self._keep(["+1w=" + folded, "+1st=" + stem]),
            self._keep(["-2w=" + folded]),
            self._keep(["+2w=" + folded]),
        )
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[word] = result
        return result

    @staticmethod
    def _name_tags(gazetteer: Gazetteer, text: str, tokens: Sequence[Token]) -> list[str | None]:
        """Per token: ``B-<label>``/``I-<label>`` of a name ``gazetteer`` finds over it, or None."""
        out: list[str | None] = [None] * len(tokens)
        if not tokens:
            return out
        base = tokens[0].start
        j = 0
        for s, e, label in gazetteer.find(text[base : tokens[-1].end]):
            s += base
            e += base
            while j < len(tokens) and tokens[j].end <= s:
                j += 1
            first = True
            k = j
            while k < len(tokens) and tokens[k].start < e:
                out[k] = ("B-" if first else "I-") + label
                first = False
                k += 1
        return out

    def _lists(self) -> Gazetteer | None:
        """The gazetteer and the names as one list, labels marked by origin (``gaz=``/``mem=``)."""
        if self._finder is None and (self.gazetteer is not None or self.names is not None):
            pairs = [(t, "mem=" + label) for t, label in self.names or ()]
            pairs += [(t, "gaz=" + label) for t, label in self.gazetteer or ()]
            self._finder = Gazetteer(pairs)
        return self._finder

    def gazetteer_tags(self, sentence: Sentence, text: str) -> list[str | None]:
        """Per word of ``sentence``: the gazetteer tag over it, or None."""
        if self.gazetteer is None:
            return [None] * len(sentence.tokens)
        return self._name_tags(self.gazetteer, text, sentence.tokens)

    def document(self, text: str, sentences: Sequence[Sentence]) -> list[list[list[str]]]:
        """The attribute lists of every word of every sentence of ``text``."""
        tokens = [t for sent in sentences for t in sent.tokens]
        lists = self._lists()
        found = self._name_tags(lists, text, tokens) if lists is not None else None
        known = self._known
        left, right = self._left, self._right
        nothing: frozenset[str] = frozenset()
        out: list[list[list[str]]] = []
        pos = 0
        for sent in sentences:
            own = [self.word(t.text) for t in sent.tokens]
            n = len(own)
            rows: list[list[str]] = []
            for i in range(n):
                cur = own[i]
                feats = list(cur.own)
                if i > 0:
                    prev = own[i - 1]
                    feats += prev.as_prev
                    if left is None or cur.folded in left.get(prev.folded, nothing):
                        feats.append("-1w|w=" + prev.folded + "|" + cur.folded)
                    if i > 1:
                        feats += own[i - 2].as_prev2
                else:
                    feats.append("BOS")
                if i < n - 1:
                    nxt = own[i + 1]
                    feats += nxt.as_next
                    if right is None or nxt.folded in right.get(cur.folded, nothing):
                        feats.append("w|+1w=" + cur.folded + "|" + nxt.folded)
                    if i < n - 2:
                        feats += own[i + 2].as_next2
                else:
                    feats.append("EOS")
                if found is not None:
                    f = found[pos + i]  # "B-gaz=COUNTRY" -> "gaz=B-COUNTRY"
                    if f is not None:
                        attr = f[2:6] + f[:2] + f[6:]
                        if known is None or attr in known:
                            feats.append(attr)
                rows.append(feats)
            out.append(rows)
            pos += n
        return out

    def sentence(self, sentence: Sentence, text: str) -> list[list[str]]:
        """The attribute lists of every word of one ``sentence`` of ``text``."""
        return self.document(text, [sentence])[0]


def world_names() -> Gazetteer:
    """The names shipped with the tagger (``world_names.toml``, from the Unicode CLDR)."""
    from importlib import resources

    with resources.as_file(resources.files("annotations.tagger") / "world_names.toml") as path:
        return Gazetteer.load(path)


def lexicon_of(texts: Sequence[str]) -> dict[str, int]:
    """Folded word counts over ``texts`` (cut as the tagger cuts them): the lexicon a model is trained with."""
    from .words import cut

    counts: dict[str, int] = {}
    for text in texts:
        for sentence in cut(text):
            for tok in sentence.tokens:
                w = fold_text(tok.text)
                counts[w] = counts.get(w, 0) + 1
    return counts
