"""`reader serve`: the annotation app in a web browser (textual-serve), with per-annotator sign-in."""
