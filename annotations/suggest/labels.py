"""Which schema label each suggester writes: suggesters follow the label schema, by group.

The boilerplate suggester labels with the schema's ``boilerplate`` group label, the quotation
suggester with its ``quote`` label, and entity suggesters (gazetteer, learned names, a trained
model) only with labels of the ``entity`` group. When a group has several labels, the one named like
the default schema's (BOILERPLATE, QUOTE) is used, else the first of the group whose scope fits
(line for boilerplate, span for quotations), else the group's first; a note says so.

A suggester with no label to write is left out with a warning; one the user asked for by name (an
explicit ``--gazetteer`` or ``--model``) that can write none of its labels is refused, and so is a
run in which no suggester has anything to write.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from annotations.errors import UserError
from annotations.labels import LabelDef, LabelSchema

__all__ = ["SuggestLabels", "plan_labels"]


@dataclass(frozen=True, slots=True)
class SuggestLabels:
    """The labels suggesters write (None / empty: that suggester is off)."""

    boilerplate: str | None = "BOILERPLATE"
    quote: str | None = "QUOTE"
    # the default schema's entity group (annotations/default_labels.toml)
    entities: frozenset[str] = frozenset(
        {"PERSON", "ORGANIZATION", "LOCATION", "DATE", "NUMBER", "MONEY", "EVENT", "MISC"}
    )


@dataclass(slots=True)
class Plan:
    labels: SuggestLabels
    warnings: list[str] = field(default_factory=list)


def _pick(group: list[LabelDef], preferred: str, scope: str, what: str, notes: list[str]) -> str | None:
    if not group:
        return None
    by_name = [g for g in group if g.name == preferred]
    by_scope = [g for g in group if g.scope == scope]
    chosen = (by_name or by_scope or group)[0]
    if len(group) > 1:
        names = ", ".join(g.name for g in group)
        notes.append(f"{what} suggestions are labelled {chosen.name} (the schema's {what} labels: {names})")
    return chosen.name


def plan_labels(
    schema: LabelSchema,
    *,
    gazetteer_labels: Iterable[str] = (),
    gazetteer_explicit: bool = False,
    model_labels: Collection[str] | None = None,
    model_name: str = "",
) -> Plan:
    """Map the suggesters onto ``schema``; warnings to show, or a :class:`UserError` when nothing
    (or nothing the user asked for) can be suggested."""
    notes: list[str] = []
    groups: dict[str, list[LabelDef]] = {}
    for label in schema.labels:
        groups.setdefault(label.group, []).append(label)
    boilerplate = _pick(groups.get("boilerplate", []), "BOILERPLATE", "line", "boilerplate", notes)
    if boilerplate is None:
        notes.append("the schema has no boilerplate label: no boilerplate suggestions")
    quote = _pick(groups.get("quote", []), "QUOTE", "span", "quotation", notes)
    if quote is None:
        notes.append("the schema has no quote label: no quotation suggestions")
    entities = frozenset(g.name for g in groups.get("entity", []))

    gaz = sorted(set(gazetteer_labels))
    gaz_missing = [g for g in gaz if g not in entities]
    if gaz and len(gaz_missing) == len(gaz) and gazetteer_explicit:
        raise UserError(
            f"the label schema has none of the gazetteer's labels ({', '.join(gaz_missing)}) among its entity "
            "labels: add them to the schema or use a gazetteer with the schema's labels"
        )
    if gaz_missing:
        notes.append(
            f"gazetteer names labelled {', '.join(gaz_missing)} are not suggested: the schema has no such entity label"
        )
    if model_labels is not None:
        missing = sorted(set(model_labels) - entities)
        if len(missing) == len(set(model_labels)):
            raise UserError(
                f"model {model_name} suggests {', '.join(sorted(model_labels))}, and the label schema has none of "
                "them among its entity labels: use the schema the model was trained with (--labels)"
            )
        if missing:
            notes.append(f"model {model_name}: {', '.join(missing)} not in the schema's entity labels, not suggested")
    has_entities = bool(entities) and (len(gaz) > len(gaz_missing) or bool(model_labels))
    if boilerplate is None and quote is None and not has_entities:
        raise UserError(
            "nothing to suggest: the label schema has no boilerplate or quote label, and no entity label that a "
            "gazetteer or model provides"
        )
    return Plan(SuggestLabels(boilerplate, quote, entities), notes)
