"""The layout engine: logical text -> shaped, reordered terminal lines with exact cell <-> offset maps.

Pure: imports nothing from textual or rich.
"""

from .bidi_levels import Direction
from .document import DocumentLayout
from .layout import Cell, ParagraphLayout, VisualLine

__all__ = ["Cell", "Direction", "DocumentLayout", "ParagraphLayout", "VisualLine"]
