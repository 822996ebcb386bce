"""What a page check is about, for the coverage map (deskcheck/coverage_map.py): declared where the value
it compares does not say (a softphone that rings names no state; a timeline entry is a call log).

    @shows(interaction="offered")   # Softphone.expect_ringing: the call is offered
    @shows("call log")              # ContactRecord.expect_timeline_entry
    @shows("agent state")           # about a state its step names ('Maya is "Ringing" on every surface')

On a class it is the default of every ``expect_*`` method of the class.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

T = TypeVar("T")
SHOWS_ATTRIBUTE = "__deskcheck_shows__"


def shows(*subjects: str, interaction: str | None = None) -> Callable[[T], T]:
    def mark(target: T) -> T:
        setattr(target, SHOWS_ATTRIBUTE, {"subjects": tuple(subjects), "interaction": interaction})
        return target

    return mark


def declared(target: Any) -> dict[str, Any]:
    return getattr(target, SHOWS_ATTRIBUTE, None) or {"subjects": (), "interaction": None}
