"""What a format is to the registry: a name, a writer, and the ways it can be read.

Every format module defines ``FORMAT = Format(...)``; :mod:`annotations.formats` collects them, and
the export and import commands (their ``--format`` choices too) go through that registry only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from annotations.errors import UserError
from annotations.formats.common import ExportOptions, Record, Warn
from annotations.formats.offsets import Unit
from annotations.labels import LabelSchema
from annotations.model import Document
from annotations.store import ImportedAnnotation

# A document with the annotation records that come with it.
Item = tuple[Document, list[ImportedAnnotation]]
Output = Literal["text", "binary", "directory"]


@dataclass(slots=True)
class ReadContext:
    """What a reader needs besides the data: whose records unattributed spans become, the label schema
    to check labels against, the offset unit, and a place to note what a file held that is not imported."""

    annotator: str
    schema: LabelSchema | None = None
    offsets: Unit = "codepoint"
    offsets_given: bool = False  # the user chose --offsets (no warning that the choice matters)
    source: str | None = None
    # what was seen but not imported, or that deserves one summary line per file: message -> count
    notes: Counter[str] = field(default_factory=Counter)
    # records whose text makes the offset unit matter: unit -> count (reported once per file)
    unit_matters: Counter[str] = field(default_factory=Counter)
    units_checked: int = 0  # records checked for that (the first 1,000 with offsets in each file)

    def note(self, message: str, n: int = 1) -> None:
        if n:
            self.notes[message] += n

    def summary(self) -> list[str]:
        """One line per kind of note (and per unit that mattered), then forget them."""
        lines = [f"{message} ({n}×)" if n > 1 else message for message, n in self.notes.items()]
        if self.unit_matters and not self.offsets_given:
            what = {
                "utf16": "characters outside the BMP (emoji), where UTF-16 offsets differ",
                "grapheme": "letters with marks or other multi-character clusters, where grapheme offsets differ",
            }
            sample = f" of the first {self.units_checked}" if self.units_checked >= 1000 else ""
            for unit, n in sorted(self.unit_matters.items()):
                lines.append(
                    f"{n}{sample} record{'s' if n > 1 else ''} with {what[unit]}: offsets were read as code points "
                    f"(if the file came from a browser UI in that mode, import again with --offsets {unit})"
                )
        self.notes.clear()
        self.unit_matters.clear()
        self.units_checked = 0
        return lines


RecordParser = Callable[[dict[str, Any], ReadContext], Item]
FileReader = Callable[[Path, ReadContext], Iterator["Item | UserError"]]
Writer = Callable[[Iterator[Record], Any, ExportOptions, Warn], int]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    summary: str  # one line, for --help
    output: Output  # what export writes: a text stream, bytes, or a directory
    write: Writer
    suffix: str = ""  # the usual file suffix of an export
    # JSON record dialects (one object per JSONL line or per element of a JSON array):
    parse_record: RecordParser | None = None
    detect_record: Callable[[dict[str, Any]], bool] | None = None
    # formats read as whole files (CoNLL, brat pairs): items, or an error for one bad document
    read_file: FileReader | None = None
    file_suffixes: tuple[str, ...] = ()  # suffixes that select ``read_file`` under --format auto
    offsets: bool = False  # export honours --offsets (character offsets into the text)

    @property
    def readable(self) -> bool:
        return self.parse_record is not None or self.read_file is not None
