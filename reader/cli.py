"""The `reader` console command: `reader [PATH...]` opens the app; `reader CMD ...` runs a subcommand.

Subcommand modules are imported only when used, so `reader cat` or `reader export` never pay for
importing Textual.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

from annotations.errors import UserError
from reader.text.sanitize import terminal_safe

# name -> module; each module has `configure(parser)` and `run(args) -> int`.
COMMANDS: dict[str, tuple[str, str]] = {
    "cat": ("reader.commands.cat", "print an article as the reader draws it (shaped, in visual order)"),
    "import": ("reader.commands.importing", "import .txt files, directories or JSONL into the store"),
    "export": ("reader.commands.exporting", "export the store as JSONL and other formats"),
    "suggest": ("reader.commands.suggest", "pre-annotate the store with suggested spans"),
    "train": ("reader.commands.train", "train an entity tagger on the store's accepted labels"),
    "agreement": ("reader.commands.agreement", "agreement between annotators (F1, κ, α), per pair, label, document"),
    "merge": ("reader.commands.merge", "merge stores annotated offline on copies into one"),
    "team": ("reader.commands.team", "set or show the routing policy: overlap, agreement share, team, blind"),
    "review": ("reader.commands.review", "adjudicate: review documents two or more annotators answered, into gold"),
    "serve": ("reader.commands.serve", "serve the annotation app to web browsers, one sign-in per annotator"),
}


class SafeArgumentParser(argparse.ArgumentParser):
    """argparse repeats what it was given in its errors ("unrecognized arguments: …"): show it safely."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        super()._print_message(terminal_safe(message, keep_newlines=True), file)


class CommandModule(Protocol):
    def configure(self, parser: argparse.ArgumentParser) -> None: ...
    def run(self, args: argparse.Namespace) -> int: ...


def _load(name: str) -> CommandModule:
    module: CommandModule = importlib.import_module(COMMANDS[name][0])
    return module


def _top_parser() -> argparse.ArgumentParser:
    width = max(map(len, COMMANDS))
    epilog = "commands:\n" + "\n".join(f"  {n:<{width}}  {help_}" for n, (_, help_) in COMMANDS.items())
    epilog += "\n\nrun `reader COMMAND --help` for a command's options."
    parser = SafeArgumentParser(
        prog="reader",
        description="Read and label Arabic news articles. With no command, opens the annotation app.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _load_app().configure(parser)
    return parser


def _load_app() -> CommandModule:
    module: CommandModule = importlib.import_module("reader.commands.app")
    return module


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list and args_list[0] in COMMANDS:
            name = args_list[0]
            module = _load(name)
            parser: argparse.ArgumentParser = SafeArgumentParser(prog=f"reader {name}", description=COMMANDS[name][1])
            module.configure(parser)
            args = parser.parse_args(args_list[1:])
            return module.run(args)
        parser = _top_parser()
        args = parser.parse_args(args_list)
        return _load_app().run(args)
    except UserError as exc:
        print(f"reader: error: {terminal_safe(exc.describe())}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("reader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `reader cat big.txt | head` is normal use, not an error.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
