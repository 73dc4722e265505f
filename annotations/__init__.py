"""Annotation data: model, label schema, store, import, export, suggesters. Never imports textual or rich."""
