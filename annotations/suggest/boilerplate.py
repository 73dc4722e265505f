"""Boilerplate suggestions: whole lines that are page furniture, not article text.

A boilerplate span covers one line of the text with its surrounding whitespace trimmed (never the
newline); a list bullet such as ``•`` is part of the line and so of the span.

Rules (patterns are matched on the folded line, see :mod:`annotations.normalize`, so hamza, madda,
tanween and tatweel spelling variants all match):

``boilerplate:read-also``
    a "read also" heading: إقرأ أيضاً / اقرأ أيضا / اقرأ ايضاً / إقرأ المزيد / Read more / Read also,
    with or without a trailing colon. When the heading is followed by ``:`` and a short title on the
    same line, the whole line is the item.
``boilerplate:related``
    a related-articles heading: مقالات مشابهة / مواضيع ذات صلة / أخبار ذات صلة / مقالات ذات صلة /
    Related articles ...
``boilerplate:list-item``
    the items under a read-also or related heading. After the heading, following lines are items
    (blank lines between them are skipped) as long as each is *item-like*: it starts with a bullet
    (``•``, ``-``, ``*``, ``▪``, a number and ``.`` or ``)``) whatever its length, or it is a short line
    (at most ``ITEM_MAX_CHARS``) that does not end like a sentence (``.``, ``!``, ``؟``, ``?``, ``…``,
    or a closing quote after one). The list ends at the first line that is not item-like (a real
    paragraph) or that is itself a heading or another boilerplate line.
``boilerplate:source``
    a source line: ``المصدر: ...`` / ``المصدر : ...`` / ``Source: ...`` (short lines only).
``boilerplate:share``
    share/follow lines: شارك هذا المقال / شارك الخبر / تابعونا على ... / Share this article /
    Follow us on ...
``boilerplate:copyright``
    جميع الحقوق محفوظة / All rights reserved / a short line with ``©``.
``boilerplate:repeated``
    a line whose normalised form (:func:`normalise_line`) is in the ``repeated`` set mined over a
    corpus by :func:`mine_repeated_lines`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from annotations.model import Span
from annotations.normalize import fold_text

__all__ = [
    "ITEM_MAX_CHARS",
    "LINE_MAX_CHARS",
    "lines",
    "mine_repeated_lines",
    "normalise_line",
    "suggest_boilerplate",
]

LABEL = "BOILERPLATE"
ITEM_MAX_CHARS = 160  # an unbulleted list item is a title, not a paragraph
LINE_MAX_CHARS = 200  # source/share/copyright lines are short

_BULLET = r"(?:[•\-*▪●◦·–—]|\d{1,2}[.)-])"
_COLON = r"\s*[:：]?"

# All matched against the folded, whitespace-trimmed line (folded: no hamza on alef, no tanween,
# ة -> ه, lower-case Latin).
_READ_ALSO = re.compile(
    rf"^(?:ا?قرا|طالع)\s+(?:ايضا|المزيد|كذلك)(?:{_COLON}\s*$|\s*[:：]\s*(?P<rest>\S.*))"
    rf"|^read\s+(?:also|more)(?:{_COLON}\s*$|\s*:\s*(?P<rest2>\S.*))"
)
_RELATED = re.compile(
    rf"^(?:(?:مقالات|مواضيع|اخبار|موضوعات|قصص)\s+(?:ذات\s+صله|مشابهه|متعلقه|مرتبطه)"
    rf"|المزيد\s+من\s+الاخبار|related(?:\s+(?:articles|stories|news|posts|content))?){_COLON}\s*$"
)
_SOURCE = re.compile(r"^(?:المصدر|مصدر\s+الخبر|source)\s*[:：]\s*\S")
_SHARE = re.compile(
    r"^(?:شارك|شاركوا|شاركي)\s+(?:هذا\s+)?(?:المقال|الخبر|الموضوع|المنشور|علي)"
    r"|^(?:تابعونا|تابعوا)\s+(?:\S+\s+){0,3}(?:علي|عبر)\s"
    r"|^(?:share\s+(?:this|on)|follow\s+us)\b"
)
_COPYRIGHT = re.compile(r"جميع\s+الحقوق\s+محفوظه|all\s+rights\s+reserved|©")
_BULLET_RE = re.compile(rf"^{_BULLET}\s")
_SENTENCE_END = re.compile(r"[.!؟?…][\"”»')\]]*$")
_SPACES = re.compile(r"\s+")


def lines(text: str) -> Iterator[tuple[int, int, str]]:
    """Each line of ``text`` with its surrounding whitespace trimmed, as (start, end, content);
    blank lines give an empty content with start == end."""
    pos = 0
    for raw in text.split("\n"):
        content = raw.strip()
        if content:
            start = pos + (len(raw) - len(raw.lstrip()))
            yield start, start + len(content), content
        else:
            yield pos, pos, ""
        pos += len(raw) + 1


def normalise_line(line: str) -> str:
    """The form a line is compared in across documents: folded, whitespace collapsed, trimmed."""
    return _SPACES.sub(" ", fold_text(line)).strip()


def mine_repeated_lines(texts: Iterable[str], min_docs: int) -> set[str]:
    """Normalised lines that occur in at least ``min_docs`` different documents (lines shorter
    than 3 characters are ignored). Feed the result to :func:`suggest_boilerplate` as ``repeated``."""
    counts: Counter[str] = Counter()
    for text in texts:
        seen = {normalise_line(line) for line in text.split("\n")}
        seen.discard("")
        counts.update(s for s in seen if len(s) >= 3)
    return {line for line, c in counts.items() if c >= max(1, min_docs)}


def _item_like(content: str, folded: str) -> bool:
    if _BULLET_RE.match(content):
        return True
    return len(content) <= ITEM_MAX_CHARS and not _SENTENCE_END.search(folded)


def _furniture(folded: str) -> str | None:
    """The rule of a stand-alone boilerplate line (not a heading), if any."""
    if len(folded) > LINE_MAX_CHARS:
        return None
    if _SOURCE.match(folded):
        return "boilerplate:source"
    if _SHARE.match(folded):
        return "boilerplate:share"
    if _COPYRIGHT.search(folded) and len(folded) <= 80:
        return "boilerplate:copyright"
    return None


def suggest_boilerplate(text: str, repeated: set[str] | None = None, *, label: str = LABEL) -> list[Span]:
    """Boilerplate line spans of ``text`` labelled ``label`` (see the module docstring for the rules)."""
    spans: list[Span] = []
    in_list = False

    def add(start: int, end: int, rule: str) -> None:
        spans.append(Span(start, end, label, origin="suggested", pending=True, rule=rule))

    # Folding never removes a newline, so the folded text has the same lines as the original.
    folded_lines = fold_text(text).split("\n")
    for (start, end, content), folded_line in zip(lines(text), folded_lines, strict=True):
        if not content:
            continue  # blank lines neither end nor start a list
        folded = _SPACES.sub(" ", folded_line).strip()
        m = _READ_ALSO.match(folded)
        if m:
            add(start, end, "boilerplate:read-also")
            # "اقرأ أيضاً: <title>" is an item on its own line; a bare heading opens a list.
            in_list = not (m.group("rest") or m.group("rest2"))
            continue
        if _RELATED.match(folded):
            add(start, end, "boilerplate:related")
            in_list = True
            continue
        rule = _furniture(folded)
        if rule is not None:
            add(start, end, rule)
            in_list = False
            continue
        if repeated and folded in repeated:
            add(start, end, "boilerplate:repeated")
            continue
        if in_list and _item_like(content, folded):
            add(start, end, "boilerplate:list-item")
            continue
        in_list = False
    return spans
