"""Errors that are the user's to fix: the CLI prints them as one clear message and exits non-zero."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused operation. Never shown as a traceback."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.describe())

    def describe(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "") + ": "
        return where + self.message


class StoreError(UserError):
    """The store cannot be opened or written as asked (locked, newer format, corrupt)."""
