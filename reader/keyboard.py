"""What to tell an annotator whose key did nothing: every command key is a Latin letter or a sign,
and an annotator switching between typing Arabic and labelling often has the Arabic layout (or Caps
Lock) on. Pure; the screen shows the message in its status line."""

from __future__ import annotations

# The standard Arabic (101) PC layout: the letter each Latin key types.
_ARABIC_101 = dict(
    zip(
        "qwertyuiop[]asdfghjkl;'zxcvnm,./`",
        "ضصثقفغعهخحجدشسيبلاتنمكطئءؤرىةوزظذ",
        strict=True,
    )
)
LATIN_KEY_OF: dict[str, str] = {arabic: latin for latin, arabic in _ARABIC_101.items()}


def unbound_key_message(character: str, lower_is_a_key: bool = False) -> str:
    """The status-line message for a printable key that no binding and no label took.
    ``lower_is_a_key``: the same letter in lower case does something (so Caps Lock is likely on)."""
    latin = LATIN_KEY_OF.get(character)
    if latin is not None:
        return f"no key {character} (the {latin} key) — switch the keyboard layout to Latin"
    if character.isalpha() and not character.isascii():
        return f"no key {character} — switch the keyboard layout to Latin"
    if lower_is_a_key and character.isupper():
        return f"no key {character} — is Caps Lock on?"
    return f"no key {character} (? lists the keys)"
