"""The one gate between a string and the terminal.

Every string that can carry user-supplied bytes (document ids, meta, annotator and label names, rules,
file paths, error messages, progress descriptions) goes through :func:`terminal_safe` before it is
drawn by a widget or written to stdout/stderr. Controls become the same visible placeholders the
article view shows (``chars.classify``): ESC is drawn as ␛, a C1 control as ␦, an RLO as ⊲, so no
escape sequence (CSI, OSC, DCS, C1 CSI) can reach the terminal as itself and no bidi override can
silently reverse what follows it.
"""

from __future__ import annotations

from functools import lru_cache

from reader.text.chars import Kind, classify

# Characters a message may keep when the caller asks for it (multi-line error messages).
_NEWLINE = "\n"


@lru_cache(maxsize=4096)
def _safe_char(ch: str) -> str:
    kind, glyph, _width = classify(ch)
    if kind is Kind.PLACEHOLDER:
        return glyph
    if kind is Kind.TAB:
        return "\u2409"  # ␉: a tab inside a name or message is shown, not expanded
    return ch


def terminal_safe(text: object, *, keep_newlines: bool = False) -> str:
    """``str(text)`` with every control, bidi control and unassigned/format character made visible.

    Lone surrogates (which cannot be encoded for the terminal) become U+FFFD like other unprintables.
    ``keep_newlines`` keeps ``\\n`` as a line break (for multi-line messages); everything else that
    moves the cursor or starts a sequence is replaced.
    """
    s = text if isinstance(text, str) else str(text)
    if s.isascii() and s.isprintable():
        return s  # the common case: nothing to replace
    out: list[str] = []
    for ch in s:
        if keep_newlines and ch == _NEWLINE:
            out.append(ch)
        else:
            out.append(_safe_char(ch))
    return "".join(out)
