"""The annotation store (see :mod:`annotations.store.store` for the files on disk and the guarantees).

One module per job: :mod:`.atomic` (files replaced whole), :mod:`.lock` (the writer lock),
:mod:`.journal` (the checksummed action log), :mod:`.texts` (the append-only texts file),
:mod:`.records` (stored rows and their checks), :mod:`.merge` (how an import meets the store: pure),
:mod:`.folding` (the background fold's own process).
"""

from annotations.store.atomic import AtomicJSONStorage
from annotations.store.merge import ImportedAnnotation, ImportResult
from annotations.store.store import FORMAT_VERSION, Changes, Store, SuggestionsAdded

__all__ = [
    "FORMAT_VERSION",
    "AtomicJSONStorage",
    "Changes",
    "ImportResult",
    "ImportedAnnotation",
    "Store",
    "SuggestionsAdded",
]
