"""Messages for keys that do nothing (reader.keyboard)."""

from __future__ import annotations

from reader.keyboard import LATIN_KEY_OF, unbound_key_message


def test_arabic_layout_letters_name_their_latin_key() -> None:
    assert LATIN_KEY_OF["ح"] == "p" and LATIN_KEY_OF["ش"] == "a"
    assert unbound_key_message("ح") == "no key ح (the p key) — switch the keyboard layout to Latin"


def test_caps_lock_and_other_keys() -> None:
    assert "Caps Lock" in unbound_key_message("P", lower_is_a_key=True)
    assert "Caps Lock" not in unbound_key_message("Y", lower_is_a_key=False)
    assert unbound_key_message("§") == "no key § (? lists the keys)"
