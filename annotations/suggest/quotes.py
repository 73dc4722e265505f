"""Quotation suggestions: reported speech between paired quotation marks.

Marks and pairing (within one paragraph block: a quotation may run over a single line break, never
over a blank line):

``quote:guillemets``  « ... »  paired by nesting;
``quote:curly``       “ ... ”  paired by nesting;
``quote:straight``    " ... "  paired in order. A block with an odd number of straight quotes is
                      unbalanced: it gives no straight-quote spans at all (we cannot tell which
                      mark is the stray one). Unmatched guillemets/curly marks are ignored.

A QUOTE span covers the words *inside* the marks, marks excluded, surrounding whitespace trimmed
(punctuation inside the marks is kept). Only the outermost quotation is suggested when quotations
nest or overlap.

Name or term, not a quotation. Quotation marks in Arabic news also wrap names (حركة "حماس"),
titles and scare-quoted terms (a headline's "هدنة"). A marked stretch is a quotation when:

* it has 3 or more words, unless the opening mark is glued to the word before it (بـ"الإسناد",
  لـ"الوكالة الوطنية للإعلام": a clitic on a quoted name/term) and it has at most 4 words; or
* it has exactly 2 words and a verb of saying (قال، أكد، أضاف، حذّر، said, told ...) appears earlier
  in the same sentence (``"مرتفعة جدا"`` after ``وقال ... إن``), not after (a title such as
  ``قصيدة بعنوان "لآخر المنافي"`` stays a title).

A single quoted word is never a quotation.
"""

from __future__ import annotations

import re

from annotations.model import Span
from annotations.normalize import fold_text

__all__ = ["suggest_quotes"]

LABEL = "QUOTE"

_MARKS = re.compile(r'["«»“”]')
_BLOCK_SEP = re.compile(r"\n[ \t\r\f\v]*\n")
_SENTENCE_END = re.compile(r"[.!?؟\n]")
_SAYING = re.compile(
    r"(?<!\w)[وف]?(?:"
    r"قال|قالت|يقول|تقول|قول|قائل|اكد|يؤكد|تؤكد|مؤكد|اضاف|يضيف|تضيف|مضيف|ذكر|ذكرت|يذكر|اوضح|يوضح|موضح"
    r"|اشار|يشير|تشير|مشير|صرح|تصريح|شدد|يشدد|مشدد|حذر|يحذر|محذر|دعا|دعت|يدعو|داعي|اعتبر|يعتبر|معتبر"
    r"|وصف|يصف|واصف|اعلن|يعلن|معلن|كتب|نقل|نقلت|بيان|تابع|تساءل|افاد|افادت|يفيد|بحسب|حسب|وفق|طالب|مطالب"
    r"|said|says|say|told|tells|added|adds|wrote|writes|stated|states|warned|warns|according|asked"
    r"|declared|insisted|called|calls|described|noted"
    r")\w*"
)
_GLUE = re.compile(r"[\u0621-\u064a\u0640\u066e-\u06d3]")

_KINDS = {"«": ("«", "»", "quote:guillemets"), "“": ("“", "”", "quote:curly")}


def _nested_pairs(marks: list[tuple[int, str]], opener: str, closer: str) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for pos, mark in marks:
        if mark == opener:
            stack.append(pos)
        elif mark == closer and stack:
            pairs.append((stack.pop(), pos))
    return pairs


def _is_quotation(text: str, block_start: int, open_pos: int, content: str) -> bool:
    words = len(content.split())
    if words <= 1:
        return False
    glued = open_pos > 0 and _GLUE.match(text, open_pos - 1) is not None
    if glued and words <= 4:
        return False
    if words >= 3:
        return True
    # Two words: a quotation only after a verb of saying in the same sentence.
    sentence_start = block_start
    for m in _SENTENCE_END.finditer(text, block_start, open_pos):
        sentence_start = m.end()
    return _SAYING.search(fold_text(text[sentence_start:open_pos])) is not None


def suggest_quotes(text: str, *, label: str = LABEL) -> list[Span]:
    """Quotation spans of ``text`` labelled ``label`` (see the module docstring for the rules)."""
    if not _MARKS.search(text):
        return []
    candidates: list[tuple[int, int, str]] = []  # (open mark, close mark, rule)
    block_start = 0
    bounds = [m.start() for m in _BLOCK_SEP.finditer(text)] + [len(text)]
    for block_end in bounds:
        marks = [(m.start(), m.group()) for m in _MARKS.finditer(text, block_start, block_end)]
        if marks:
            found: list[tuple[int, int, str]] = []
            for opener, (_o, closer, rule) in _KINDS.items():
                found.extend((a, b, rule) for a, b in _nested_pairs(marks, opener, closer))
            straight = [pos for pos, mark in marks if mark == '"']
            if len(straight) % 2 == 0:
                found.extend((straight[i], straight[i + 1], "quote:straight") for i in range(0, len(straight), 2))
            for a, b, rule in found:
                inner = text[a + 1 : b]
                content = inner.strip()
                if content and _is_quotation(text, block_start, a, content):
                    candidates.append((a, b, rule))
        block_start = block_end
    # Outermost quotations only; a quotation that crosses another one already kept is dropped.
    candidates.sort(key=lambda c: (c[0], -c[1]))
    spans: list[Span] = []
    last_close = -1
    for a, b, rule in candidates:
        if a < last_close:
            continue
        last_close = b
        inner = text[a + 1 : b]
        lead = len(inner) - len(inner.lstrip())
        start = a + 1 + lead
        end = start + len(inner.strip())
        spans.append(Span(start, end, label, origin="suggested", pending=True, rule=rule))
    return spans
