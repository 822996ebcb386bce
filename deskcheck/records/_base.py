"""What every record module shares."""
from __future__ import annotations

from dataclasses import fields
from typing import Any


def _describe(record: Any, keys: tuple[str, ...]) -> str:
    wanted = keys or tuple(f.name for f in fields(record))
    return ", ".join(f"{key} {getattr(record, key)!r}" for key in wanted)
