"""Where an entity starts and ends inside its first and last word: the boundary convention.

Annotators of this project label the name without the clitics written onto it: حماس inside لحماس,
القدس inside والقدس (the article stays: it is part of the name), لقدس inside للقدس (after ل the
article's alef is not written), حكومة without the pronoun of حكومتها. Other corpora (Wojood) tag the
whole word. The tagger tags whole words either way (:mod:`.words`); this module decides, from the
training spans themselves, whether predicted spans drop the clitics, and cuts them accordingly.

:func:`learn` counts, over the gold spans whose first word has a proclitic reading
(:func:`.clitics.split_clitics` with the training lexicon), how many start after the proclitic and
how many at the start of the word; the same for attached pronouns at the end. The majority wins;
with no evidence either way the project's own convention (drop the clitics) holds.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from annotations.model import Span
from annotations.normalize import fold_offsets, fold_text

from .clitics import Analysis, analyses, split_clitics
from .words import Token

__all__ = ["Boundaries", "learn", "name_proclitic"]


@dataclass(frozen=True, slots=True)
class Boundaries:
    """Whether a predicted span leaves out the proclitics of its first word and the attached
    pronoun of its last word (with the evidence the choice was made on)."""

    drop_proclitics: bool = True
    drop_enclitics: bool = True
    evidence: tuple[int, int, int, int] = (0, 0, 0, 0)  # proclitic drop/keep, enclitic drop/keep

    def to_dict(self) -> dict[str, object]:
        return {
            "drop_proclitics": self.drop_proclitics,
            "drop_enclitics": self.drop_enclitics,
            "evidence": {
                "proclitics_dropped": self.evidence[0],
                "proclitics_kept": self.evidence[1],
                "enclitics_dropped": self.evidence[2],
                "enclitics_kept": self.evidence[3],
            },
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Boundaries:
        ev = d.get("evidence")
        counts = (0, 0, 0, 0)
        if isinstance(ev, dict):
            counts = tuple(
                int(ev.get(k, 0))
                for k in ("proclitics_dropped", "proclitics_kept", "enclitics_dropped", "enclitics_kept")
            )  # type: ignore[assignment]
        return cls(bool(d.get("drop_proclitics", True)), bool(d.get("drop_enclitics", True)), counts)

    def cut(
        self,
        first: Token,
        last: Token,
        lexicon: Mapping[str, int],
        analyse: Callable[[str], Analysis] | None = None,
    ) -> tuple[int, int]:
        """The offsets of an entity over the words ``first`` .. ``last``; ``analyse`` (a word's
        clitic reading with ``lexicon``, e.g. a featurizer's cached one) saves recomputing it."""
        read = analyse if analyse is not None else (lambda word: _analyse(word, lexicon))
        start, end = first.start, last.end
        if self.drop_proclitics:
            start += _original_len(first.text, read(first.text).prefix_len, from_end=False)
        if self.drop_enclitics:
            end -= _original_len(last.text, read(last.text).suffix_len, from_end=True)
        if end <= start:  # a one-word entity that is all clitics: keep the word
            return first.start, last.end
        return start, end

    def entities(
        self,
        tokens: Sequence[Token],
        i: int,
        j: int,
        lexicon: Mapping[str, int],
        name_words: Collection[str],
        analyse: Callable[[str], Analysis] | None = None,
    ) -> list[tuple[int, int]]:
        """The offsets of the entities a tagger found over the words ``tokens[i:j]``, the model's
        convention applied: a proclitic on a word that starts a known name is cut off (وكفركلا ->
        كفركلا, لحزب الله -> حزب الله) when the lexicon alone does not tell, and a word inside the
        run that is a proclitic on a known name word starts another entity (غالانت لأوستن: two
        names; a name does not go on across ل / ب / ك / و written onto the next name)."""
        starts = [i]
        for k in range(i + 1, j):
            if name_proclitic(tokens[k].text, name_words):
                starts.append(k)
        out = []
        for a, b in zip(starts, [*starts[1:], j], strict=True):
            start, end = self.cut(tokens[a], tokens[b - 1], lexicon, analyse)
            if self.drop_proclitics and start == tokens[a].start:
                start += name_proclitic(tokens[a].text, name_words)
            if end > start:
                out.append((start, end))
        return out


def name_proclitic(word: str, name_words: Collection[str]) -> int:
    """How many characters of ``word`` are a proclitic (و ف ب ك ل, no article) written onto a known
    name word: 0 if the word is itself a known name word or has no such reading."""
    folded = fold_text(word)
    if not name_words or folded in name_words:
        return 0
    best = 0
    for a in analyses(folded):
        if a.proclitics and not a.article and not a.enclitic and a.stem in name_words and len(a.stem) >= 3:
            best = max(best, a.prefix_len)
    return _original_len(word, best, from_end=False) if best else 0


def _analyse(word: str, lexicon: Mapping[str, int]) -> Analysis:
    return split_clitics(fold_text(word), lexicon)


def _original_len(word: str, folded_len: int, *, from_end: bool) -> int:
    """How many characters of ``word`` the first (or last) ``folded_len`` folded letters take,
    with the harakat on them."""
    if folded_len == 0:
        return 0
    offsets = fold_offsets(word)  # folded index -> original index, plus len(word)
    folded_total = len(offsets) - 1
    if from_end:
        return len(word) - offsets[folded_total - folded_len]
    return offsets[folded_len]


def learn(examples: Iterable[tuple[Span, Token, Token]], lexicon: Mapping[str, int]) -> Boundaries:
    """The convention of gold spans, each given with its first and last word."""
    pro_drop = pro_keep = enc_drop = enc_keep = 0
    for span, first, last in examples:
        a = _analyse(first.text, lexicon)
        if a.prefix_len:
            cut_at = first.start + _original_len(first.text, a.prefix_len, from_end=False)
            if span.start == cut_at:
                pro_drop += 1
            elif span.start == first.start:
                pro_keep += 1
        b = _analyse(last.text, lexicon)
        if b.suffix_len:
            cut_at = last.end - _original_len(last.text, b.suffix_len, from_end=True)
            if span.end == cut_at:
                enc_drop += 1
            elif span.end == last.end:
                enc_keep += 1
    return Boundaries(pro_drop >= pro_keep, enc_drop >= enc_keep, (pro_drop, pro_keep, enc_drop, enc_keep))
