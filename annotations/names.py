"""New annotator names: refused when they cannot be told apart from another name by eye.

An annotator's name is how people tell whose labels, whose agreement scores and whose sign-in they
are looking at, so a new name must be visibly itself:

- no leading or trailing whitespace, no invisible or control characters (Unicode categories Cf,
  Cc, Co, Cs, Cn, Zl, Zp: zero-width spaces and joiners, bidi controls, soft hyphens, ...);
- no mix of the Latin, Greek and Cyrillic scripts in one name (``sаra`` with a Cyrillic ``а``);
- not equal to a name already in use after NFKC and case folding (``Sara``, ``ｓａｒａ``, ``sara``
  with a decomposed accent are ``sara``);
- stored in NFC, so one spelling is kept whatever the keyboard produced.

Only names being added are checked (:func:`check_new_annotator_name`); names already in a store
keep working as they are. What this does not catch: a whole name written in another script that
looks the same (``ѕаrа`` all in Cyrillic), which needs Unicode's confusables data (UTS #39).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from annotations.errors import UserError
from annotations.gold import check_annotator_name

INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Co", "Cs", "Cn", "Zl", "Zp"})
LOOKALIKE_SCRIPTS = frozenset({"LATIN", "GREEK", "CYRILLIC"})
MAX_LENGTH = 100


def name_key(name: str) -> str:
    """What two names must differ in to be different names: NFKC, case folded, NFKC again."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def _script(char: str) -> str | None:
    """Latin, Greek or Cyrillic for a letter of one of them (from its Unicode name), else None."""
    if not char.isalpha():
        return None
    word = unicodedata.name(char, "").split(" ", 1)[0]
    return word if word in LOOKALIKE_SCRIPTS else None


def check_new_annotator_name(name: str, existing: Iterable[str] = ()) -> str:
    """``name`` in NFC if it may be added next to ``existing``; UserError (saying why) if not."""
    check_annotator_name(name)
    shown = repr(name)  # escapes what is not printable (invisible characters among it)
    if len(name) > MAX_LENGTH:
        raise UserError(f"the annotator name {shown} is longer than {MAX_LENGTH} characters")
    if name != name.strip():
        raise UserError(f"the annotator name {shown} starts or ends with white space; leave it out")
    hidden = sorted({f"U+{ord(c):04X}" for c in name if unicodedata.category(c) in INVISIBLE_CATEGORIES})
    if hidden:
        raise UserError(
            f"the annotator name {shown} holds invisible or control characters ({', '.join(hidden)}); "
            "type the name without them"
        )
    scripts = {s for s in map(_script, name) if s is not None}
    if len(scripts) > 1:
        raise UserError(
            f"the annotator name {shown} mixes {' and '.join(sorted(s.title() for s in scripts))} letters, "
            "so it can look like another name; write it in one script"
        )
    nfc = unicodedata.normalize("NFC", name)
    key = name_key(nfc)
    for other in existing:
        if other == nfc:
            raise UserError(f"there is already an annotator named {other!r}")
        if name_key(other) == key:
            raise UserError(
                f"the annotator name {shown} looks the same as the existing annotator {other!r} "
                "(they differ only in case, width or accents' encoding); choose a name that differs visibly"
            )
    return nfc
