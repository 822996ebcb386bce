"""Data tables of fields, shared by the steps that take one (screen pop, call log, ticket).

Not a steps module (the leading underscore keeps it out of the plugins): it defines no step.

    Then the ticket view and the helpdesk show the ticket with:
      | field    | value            |
      | Status   | Pending customer |
      | Priority | High             |
"""
from __future__ import annotations

from typing import Iterable

NONE_WORDS = ("", "none", "-")  # a value cell that means "no value"


def field_rows(datatable: list[list[str]], known: Iterable[str], value_required: bool = False
               ) -> list[tuple[str, str | None]]:
    """``[(field, value or None)]`` from a table whose header is ``| field |`` or ``| field | value |``.

    Field names are matched without regard to case and given back as ``known`` spells them; an unknown
    field, a missing column or an extra one is refused naming what the table may hold."""
    known = list(known)
    by_lower = {name.lower(): name for name in known}
    header = [cell.strip().lower() for cell in datatable[0]] if datatable else []
    wanted = "| field | value |" if value_required else "| field | value | (the value column is optional)"
    if header not in (["field", "value"], ["field"]) or (value_required and header != ["field", "value"]):
        raise ValueError(f"this step takes a data table headed {wanted}, not {datatable[0] if datatable else 'nothing'}")
    rows = []
    for row in datatable[1:]:
        name = row[0].strip()
        if name.lower() not in by_lower:
            raise ValueError(f"no field {name!r} here; the fields are: {', '.join(known)}")
        value = row[1].strip() if len(row) > 1 else None
        rows.append((by_lower[name.lower()], value))
    if not rows:
        raise ValueError(f"the data table lists no field; the fields are: {', '.join(known)}")
    return rows


def no_value(value: str | None) -> bool:
    return value is not None and value.strip().lower() in NONE_WORDS
