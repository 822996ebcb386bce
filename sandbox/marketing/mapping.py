"""The field-mapping spec (field_mapping.json): loaded once, executed by the connector.

Each field says where it lives on both sides, which way it flows, which side is the source of truth
and how a value is transformed on the way (trim, phone to E.164, text to picklist, picklist case).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..crm.phone import PhoneError, normalize_phone

MAPPING_PATH = Path(__file__).parent / "field_mapping.json"


class TransformError(ValueError):
    """A value the mapping cannot carry to the other side (e.g. not a phone number)."""


@dataclass(frozen=True)
class FieldRule:
    name: str
    crm: str
    marketing: str
    type: str
    direction: str  # crm_to_marketing | marketing_to_crm | two_way
    transform: str
    max_length: int | None = None
    picklist: str | None = None
    tie: str | None = None  # two_way: crm | restrictive

    @property
    def crm_custom(self) -> str | None:
        """`custom_fields.industry` -> `industry` (a crm custom field), else None."""
        return self.crm.split(".", 1)[1] if self.crm.startswith("custom_fields.") else None

    def crm_value(self, contact: dict[str, Any]) -> Any:
        custom = self.crm_custom
        return (contact.get("custom_fields") or {}).get(custom) if custom else contact.get(self.crm)


class Mapping:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.fields = [FieldRule(f["name"], f["crm"], f["marketing"], f["type"], f["direction"], f["transform"],
                                 f.get("max_length"), f.get("picklist"), f.get("tie")) for f in spec["fields"]]
        self.picklists: dict[str, dict[str, Any]] = spec["picklists"]
        schedule = spec["schedule"]
        self.every_seconds = int(schedule["crm_to_marketing_every_seconds"])
        self.batch_size = int(schedule["batch_size"])
        self.retry_after = [int(s) for s in schedule["retry_after_seconds"]]
        self.activity_types = {a["marketing"]: a["crm_type"] for a in spec["activities"]}

    @classmethod
    def load(cls, path: Path = MAPPING_PATH) -> "Mapping":
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def flowing(self, *directions: str) -> list[FieldRule]:
        return [f for f in self.fields if f.direction in directions]

    def by_marketing(self, name: str) -> FieldRule | None:
        return next((f for f in self.fields if f.marketing == name), None)

    def by_crm(self, name: str) -> FieldRule | None:
        return next((f for f in self.fields if f.crm == name), None)

    # -- transformations -------------------------------------------------------------------------
    def to_marketing(self, rule: FieldRule, value: Any) -> Any:
        """A crm value as marketing stores it."""
        return self.transform(rule, value)

    def transform(self, rule: FieldRule, value: Any) -> Any:
        if value is None:
            return None
        if rule.type == "boolean":
            return bool(value)
        if rule.type == "integer":
            return int(value)
        text = str(value).strip()
        if text == "":
            return None
        if rule.transform == "phone_e164":
            try:
                return normalize_phone(text)
            except PhoneError as exc:
                raise TransformError(str(exc)) from None
        if rule.transform in ("text_to_picklist", "picklist_case"):
            return self.picklist_value(rule.picklist or rule.marketing, text)
        if rule.max_length and len(text) > rule.max_length:
            raise TransformError(f"{rule.name} is longer than {rule.max_length} characters")
        return text

    def picklist_value(self, picklist: str, text: str) -> str:
        """The one canonical value: matched ignoring case and spacing, or by synonym; else `unknown`."""
        spec = self.picklists[picklist]
        key = " ".join(text.split()).casefold()
        for value in spec["values"]:
            if value.casefold() == key:
                return value
        synonym = {k.casefold(): v for k, v in spec.get("synonyms", {}).items()}.get(key)
        if synonym:
            return synonym
        if spec.get("unknown", "reject") == "reject":
            raise TransformError(f"{text!r} is not a {picklist} value (one of: {', '.join(spec['values'])})")
        return spec["unknown"]
