"""Entity suggestions from a gazetteer, matched on folded text with clitic-aware word boundaries.

Gazetteer sources: a TOML file (``[[entry]]`` tables with ``text`` and ``label``), a JSONL file (one
``{"text": ..., "label": ...}`` per line), and (text, label) pairs learned from accepted labels in the
store (:meth:`Gazetteer.with_pairs`, :func:`learned_pairs`).

Matching happens on :func:`annotations.normalize.fold`-ed text, so hamza/madda/tashkeel/tatweel and
ة/ه, ى/ي variants match, and maps back to exact original offsets. An entry matches a whole word
sequence, where the first word may carry proclitics and the last word enclitic pronouns:

* proclitics: و ف (conjunctions), ب ل ك (prepositions) and their combinations (وب، فل، وك ...).
  An entry written with the article (القدس، البنتاغون) also matches after و ف ب ك and their
  combinations (والقدس، بالقدس، وبالقدس) and the span keeps the article: ``والقدس`` -> ``القدس``.
  After ل the article's alef is elided (للقدس = ل + لقدس): the span starts at the second lam.
  An entry without the article does not match a word that has one (صور must not match الصور).
* enclitic pronouns: ه ها هم هما هن كم كما كن نا after the last word (حماسها -> حماس); an entry
  ending in ة also matches with ت before the pronoun (حكومتها). The pronoun is outside the span.

Overlaps: the longest match wins, then the earliest; entity suggestions never overlap.
Rule: ``entity:gazetteer:<LABEL>``.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotations.errors import UserError
from annotations.model import Span
from annotations.normalize import fold_offsets, fold_text, original_span

__all__ = ["Gazetteer", "learned_pairs", "suggest_entities"]

ENTITY_LABELS = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "DATE", "MISC"})

_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
# Names inside web addresses and e-mail addresses are not mentions (press@un.org).
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SPACES = re.compile(r"\s+")
_PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
_ARTICLE_PROCLITICS = ("", "و", "ف", "ب", "ك", "وب", "وك", "فب", "فك")  # + ال kept in the span
_ELIDING = ("ل", "ول", "فل")  # + ل(ا)ل... : the article's alef drops after ل
_PRONOUNS = ("", "ه", "ها", "هم", "هما", "هن", "كم", "كما", "كن", "نا")


@dataclass(frozen=True, slots=True)
class _Entry:
    words: tuple[str, ...]  # folded words
    seps: tuple[str, ...]  # folded separators between them, whitespace collapsed
    label: str
    # surface forms of the last word -> (chars of the form that belong to the name)
    last_forms: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


def _pronoun_forms(word: str) -> dict[str, int]:
    forms: dict[str, int] = {}
    for p in _PRONOUNS:
        forms.setdefault(word + p, len(word))
        if p and word.endswith("ه") and len(word) > 2:  # ة (folded to ه) becomes ت before a pronoun
            forms.setdefault(word[:-1] + "ت" + p, len(word))
    return forms


def _first_forms(word: str) -> Iterator[tuple[str, int]]:
    """Surface forms of an entry's first word with proclitics: (form, chars of proclitic outside
    the span)."""
    if word.startswith("ال") and len(word) > 3:
        for p in _ARTICLE_PROCLITICS:
            yield p + word, len(p)
        for p in _ELIDING:
            yield p + word[1:], len(p)
    else:
        for p in _PROCLITICS:
            yield p + word, len(p)


class Gazetteer:
    """A set of (text, label) entries compiled for fast clitic-aware lookup."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._pairs: dict[str, tuple[str, str]] = {}  # folded text -> (text, label); first wins
        # surface form of a first word -> [(proclitic chars, chars of the word in the span, entry)]
        self._index: dict[str, list[tuple[int, int, _Entry]]] = {}
        self.add_pairs(pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._pairs.values())

    def add_pairs(self, pairs: Iterable[tuple[str, str]]) -> int:
        """Add entries; an entry whose folded text is already present is ignored. Returns how many
        were added."""
        added = 0
        for text, label in pairs:
            folded = _SPACES.sub(" ", fold_text(text)).strip()
            words = [m.group() for m in _WORD.finditer(folded)]
            if not words or folded in self._pairs or len(folded) < 2:
                continue
            matches = list(_WORD.finditer(folded))
            seps = tuple(folded[a.end() : b.start()] for a, b in itertools.pairwise(matches))
            self._pairs[folded] = (text, label)
            entry = _Entry(tuple(words), seps, label, _pronoun_forms(words[-1]))
            for form, pre in _first_forms(words[0]):
                if len(words) == 1:
                    for surface, keep in _pronoun_forms(form).items():
                        self._index.setdefault(surface, []).append((pre, keep - pre, entry))
                else:
                    self._index.setdefault(form, []).append((pre, len(form) - pre, entry))
            added += 1
        return added

    def with_pairs(self, pairs: Iterable[tuple[str, str]]) -> Gazetteer:
        """A new gazetteer: these entries plus ``pairs`` (e.g. learned from the store)."""
        g = Gazetteer(self)
        g.add_pairs(pairs)
        return g

    @classmethod
    def load(cls, path: str | Path) -> Gazetteer:
        """Read a ``.toml`` (``[[entry]] text=..., label=...``) or ``.jsonl`` gazetteer."""
        from annotations.userfiles import loads, read_text

        p = Path(path)
        raw = read_text(p)
        pairs: list[tuple[str, str]] = []
        if p.suffix.lower() == ".toml":
            try:
                data = tomllib.loads(raw)
            except tomllib.TOMLDecodeError as exc:
                raise UserError(f"invalid TOML: {exc}", path=str(p)) from exc
            entries = data.get("entry", [])
            if not isinstance(entries, list):
                raise UserError("expected [[entry]] tables", path=str(p))
            for i, e in enumerate(entries, 1):
                if not isinstance(e, dict) or not isinstance(e.get("text"), str) or not isinstance(e.get("label"), str):
                    raise UserError(f"entry {i}: needs string 'text' and 'label'", path=str(p))
                pairs.append((e["text"], e["label"]))
        else:
            for n, line in enumerate(raw.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    obj = loads(line)
                except ValueError as exc:
                    raise UserError(f"invalid JSON: {exc}", path=str(p), line=n) from None
                if (
                    not isinstance(obj, dict)
                    or not isinstance(obj.get("text"), str)
                    or not isinstance(obj.get("label"), str)
                ):
                    raise UserError("needs string 'text' and 'label'", path=str(p), line=n)
                pairs.append((obj["text"], obj["label"]))
        return cls(pairs)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping matches in ``text`` as (start, end, label), original offsets, sorted."""
        folded = fold_text(text)
        index = self._index
        found: list[tuple[int, int, str]] = []
        # Only the distinct words that start some entry are located (str.find is much faster
        # than visiting every word from Python).
        for tok in index.keys() & set(_WORD.findall(folded)):
            hits = index[tok]
            width = len(tok)
            i = folded.find(tok)
            while i >= 0:
                end_tok = i + width
                if (i == 0 or not _WORD_CHAR.match(folded, i - 1)) and not _WORD_CHAR.match(folded, end_tok):
                    for pre, keep, entry in hits:
                        start = i + pre
                        if len(entry.words) == 1:
                            found.append((start, start + keep, entry.label))
                            continue
                        end = _match_rest(folded, end_tok, entry)
                        if end is not None:
                            found.append((start, end, entry.label))
                i = folded.find(tok, end_tok)
        if not found:
            return []
        if "@" in folded or "://" in folded or "www." in folded:
            addresses = [m.span() for m in _ADDRESS.finditer(folded)]
            found = [f for f in found if all(f[1] <= a or f[0] >= b for a, b in addresses)]
        # Longest first, then earliest; a match overlapping one already taken is dropped.
        found.sort(key=lambda f: (f[0] - f[1], f[0]))
        taken: list[tuple[int, int, str]] = []
        used: set[int] = set()
        for f in found:
            cells = range(f[0], f[1])
            if used.isdisjoint(cells):
                taken.append(f)
                used.update(cells)
        taken.sort()
        offsets = fold_offsets(text)
        return [(*original_span(text, offsets, s, e), label) for s, e, label in taken]


def _match_rest(folded: str, pos: int, entry: _Entry) -> int | None:
    """Match the words after the first of a multi-word entry from folded offset ``pos``; the end
    of the match (without an enclitic pronoun) or None."""
    k = len(entry.words)
    for j in range(1, k):
        m = _WORD.search(folded, pos)
        if m is None:
            return None
        if _SPACES.sub(" ", folded[pos : m.start()]) != entry.seps[j - 1]:
            return None
        tok = m.group()
        if j < k - 1:
            if tok != entry.words[j]:
                return None
            pos = m.end()
        else:
            keep = entry.last_forms.get(tok)
            return None if keep is None else m.start() + keep
    return None


def learned_pairs(text: str, spans: Iterable[Span], labels: Iterable[str] = ENTITY_LABELS) -> Iterator[tuple[str, str]]:
    """(surface text, label) of the accepted (not pending) entity spans of one document: feed them
    to :meth:`Gazetteer.with_pairs` to suggest what annotators already labelled elsewhere."""
    wanted = set(labels)
    for s in spans:
        if not s.pending and s.label in wanted:
            surface = text[s.start : s.end].strip()
            if surface:
                yield surface, s.label


def suggest_entities(text: str, gazetteer: Gazetteer) -> list[Span]:
    """Entity spans of ``text`` found by ``gazetteer``."""
    return [
        Span(s, e, label, origin="suggested", pending=True, rule=f"entity:gazetteer:{label}")
        for s, e, label in gazetteer.find(text)
    ]
