"""The fonts the browser page draws the terminal with, served by `reader serve` itself.

The annotator's browser runs on their own machine, whose fonts we know nothing about, so the page
never relies on them: the server sends the font files (nothing is fetched from a CDN).

xterm.js (inside textual-serve's bundle) asks for the family ``'Roboto Mono'`` and measures its cell
from it. The page declares several faces under that one family name, each with a ``unicode-range``:

1. Roboto Mono (shipped in the textual-serve wheel): Latin, digits, box drawing; sets the cell.
2. DejaVu Sans Mono (Debian fonts-dejavu-core): the Arabic block and Arabic Presentation Forms-A/B
   (U+FB50-FDFF, U+FE70-FEFC), drawn at the monospace advance, so shaped letters join and fit
   their cells.
3. KacstOne (Debian fonts-kacst-one): what DejaVu Sans Mono lacks in those ranges, among them the
   Allah ligature U+FDF2.

For each character the browser tries the faces declared last first, and falls back to the next
face when a face has no glyph for it; so the faces are declared in reverse order of preference.
Fonts are found with fontconfig (``fc-list``) by family and coverage, so any font file that has the
glyphs works (``reader serve --font FILE`` puts an own font first).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

FAMILY = "Roboto Mono"  # the family textual-serve's xterm.js asks for
ARABIC_RANGES = "U+0600-06FF, U+0750-077F, U+08A0-08FF, U+FB50-FDFF, U+FE70-FEFF"
# (family, a character the face must have): first choices first
PREFERRED_ARABIC = (
    ("DejaVu Sans Mono", "\ufefb"),
    ("KacstOne", "\ufdf2"),
    ("Noto Sans Arabic", "\ufdf2"),
    ("Amiri", "\ufdf2"),
)
# The characters the page must be able to draw (checked at start-up, warned about if missing):
# a lam-alef, initial/medial/final forms, hamza forms, and the Allah ligature.
REQUIRED = "\ufefb\ufe8d\ufe91\ufe92\ufe8a\ufe8b\ufe8c\ufe83\ufe85\ufe87\ufe89\ufdf2"


@dataclass(frozen=True)
class Face:
    key: str  # URL name under fonts/ (never a path from the file system)
    path: Path
    unicode_range: str | None  # None: every character
    fmt: str  # "truetype" or "opentype"


def roboto_mono() -> Path | None:
    """The Latin monospace face shipped with textual-serve, or None if the wheel has no such file."""
    try:
        root = files("textual_serve") / "static" / "fonts" / "RobotoMono-VariableFont_wght.ttf"
    except ModuleNotFoundError:
        return None
    path = Path(str(root))
    return path if path.is_file() else None


def fontconfig_files(family: str, char: str) -> list[Path]:
    """Regular-weight font files of ``family`` that have ``char`` (by fontconfig), best first."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    pattern = f"{family}:charset={ord(char):x}"
    try:
        done = subprocess.run(
            [fc_list, pattern, "file", "style"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return []
    found: list[tuple[int, Path]] = []
    for line in done.stdout.splitlines():
        file, _, style = line.partition(": ")
        path = Path(file.rstrip(":"))
        styles = style.removeprefix("style=").lower()
        rank = 0 if any(s in styles for s in ("regular", "book", "normal")) else 1
        if "bold" in styles or "oblique" in styles or "italic" in styles or "slanted" in styles:
            rank = 2
        if path.suffix.lower() in (".ttf", ".otf", ".woff", ".woff2") and path.is_file():
            found.append((rank, path))
    return [p for _, p in sorted(found, key=lambda rp: (rp[0], str(rp[1])))]


def _fmt(path: Path) -> str:
    return {".otf": "opentype", ".woff": "woff", ".woff2": "woff2"}.get(path.suffix.lower(), "truetype")


def find_faces(extra: list[Path] | None = None) -> list[Face]:
    """The page's faces, most preferred first: Roboto Mono, then the Arabic faces found, then the
    ``extra`` files (which the page then tries before any other for Arabic)."""
    faces: list[Face] = []
    latin = roboto_mono()
    if latin is not None:
        faces.append(Face("latin.ttf", latin, None, "truetype"))
    for i, path in enumerate(extra or []):
        faces.append(Face(f"own-{i}{path.suffix.lower()}", path, ARABIC_RANGES, _fmt(path)))
    seen: set[Path] = set()
    for i, (family, char) in enumerate(PREFERRED_ARABIC):
        for path in fontconfig_files(family, char)[:1]:
            if path not in seen:
                seen.add(path)
                faces.append(Face(f"arabic-{i}{path.suffix.lower()}", path, ARABIC_RANGES, _fmt(path)))
    return faces


def font_face_css(faces: list[Face], url_prefix: str = "fonts/") -> str:
    """``@font-face`` rules declaring ``faces`` (most preferred first) under the one family xterm.js
    asks for, in the reverse order the browser needs (it tries the last declared face first)."""
    rules = []
    for face in reversed(faces):
        lines = [
            "@font-face {",
            f'  font-family: "{FAMILY}";',
            f'  src: url("{url_prefix}{face.key}") format("{face.fmt}");',
            "  font-display: block;",
        ]
        if face.unicode_range:
            lines.append(f"  unicode-range: {face.unicode_range};")
        lines.append("}")
        rules.append("\n".join(lines))
    return "\n".join(rules) + "\n"


def missing_characters(faces: list[Face]) -> str:
    """The characters of REQUIRED that no Arabic face has (by fontconfig; all of them if it is not
    installed), so the server can warn that the page will draw boxes for them."""
    fc_query = shutil.which("fc-query")
    if fc_query is None:
        return REQUIRED
    covered: set[int] = set()
    for face in faces:
        if face.unicode_range is None:
            continue
        try:
            done = subprocess.run(
                [fc_query, "--format", "%{charset}", str(face.path)],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        covered |= parse_charset(done.stdout)
    return "".join(c for c in REQUIRED if ord(c) not in covered)


def parse_charset(text: str) -> set[int]:
    """fontconfig's charset notation ("20-7e a0 600-6ff") as a set of code points."""
    points: set[int] = set()
    for item in text.split():
        lo, _, hi = item.partition("-")
        try:
            start = int(lo, 16)
            end = int(hi, 16) if hi else start
        except ValueError:
            continue
        points.update(range(start, end + 1))
    return points
