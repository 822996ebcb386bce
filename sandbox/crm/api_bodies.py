"""The request bodies the crm API accepts, with their validation: Strict ones (people's input, unknown keys
refused) and Tolerant ones (integration payloads from cti and the softphone, unknown keys ignored)."""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from .phone import PhoneError, normalize_phone
from .store import DEFAULT_QUEUES

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
Name = Field(min_length=1, max_length=100)
# Longer ids are refused, never cut: two interactions sharing a 100-character prefix are two call logs.
InteractionId = Annotated[str, Path(min_length=1, max_length=100)]
FollowupId = Annotated[str, Path(min_length=1, max_length=60)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except PhoneError as exc:
        raise ValueError(str(exc)) from None


def _email(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if not EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address")
    return value


def _birth_date(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _custom_fields(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if len(value) > 30:
        raise ValueError("at most 30 custom fields")
    for key, item in value.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key):
            raise ValueError(f"custom field name {key!r} must be lower_snake_case, up to 40 characters")
        if item is not None and not isinstance(item, (str, int, float, bool)):
            raise ValueError(f"custom field {key!r} must be text, a number, true/false or null")
        if isinstance(item, str) and len(item) > 255:
            raise ValueError(f"custom field {key!r} is longer than 255 characters")
    return value


PhoneText = Annotated[str, AfterValidator(_phone)]
CustomFields = Annotated[dict[str, Any] | None, AfterValidator(_custom_fields)]
EmailText = Annotated[str | None, AfterValidator(_email)]
BirthDate = Annotated[str | None, AfterValidator(_birth_date)]


class Tolerant(BaseModel):
    """Integration payloads (from cti, from the softphone via the console): unknown keys are ignored."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class UserIn(Strict):
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,39}$")
    password: str = Field(min_length=4, max_length=200)
    name: str = Name
    role: Literal["agent", "trainee", "supervisor"]
    queues: list[Literal["support", "sales", "billing"]] = Field(default_factory=lambda: list(DEFAULT_QUEUES))


class ContactIn(Strict):
    first_name: str = Name
    last_name: str = Name
    phone: PhoneText
    email: EmailText = None
    account_number: str | None = Field(default=None, max_length=40)
    date_of_birth: BirthDate = None
    tax_id: str | None = Field(default=None, max_length=40)
    do_not_call: bool = False
    email_opt_out: bool = False
    custom_fields: CustomFields = None

    @field_validator("account_number", "tax_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class ContactPatch(Strict):
    first_name: str | None = Field(default=None, min_length=1, max_length=100)
    last_name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: PhoneText | None = None
    email: EmailText = None
    account_number: str | None = Field(default=None, max_length=40)
    date_of_birth: BirthDate = None
    tax_id: str | None = Field(default=None, max_length=40)
    do_not_call: bool | None = None
    email_opt_out: bool | None = None
    custom_fields: CustomFields = None


class BulkContactIn(ContactIn):
    idempotency_key: str | None = Field(default=None, max_length=100,
                                        description="a repeated create with the same key answers the first contact")


class BulkContactsIn(Strict):
    contacts: list[dict[str, Any]] = Field(min_length=1, max_length=500)


class BulkActivitiesIn(Strict):
    activities: list[dict[str, Any]] = Field(min_length=1, max_length=500)


class EmailIn(Strict):
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=10_000)


class CaseIn(Strict):
    contact_id: int
    subject: str = Field(min_length=1, max_length=200)
    status: Literal["open", "pending", "closed"] = "open"


class OrderIn(Strict):
    contact_id: int
    number: str = Field(min_length=1, max_length=40)
    total: float = Field(ge=0, le=10_000_000)
    status: Literal["placed", "shipped", "delivered", "cancelled", "returned"] = "placed"
    placed_at: str | None = None


class BillingIn(Strict):
    status: Literal["current", "overdue", "pending_payment"]
    balance: float = Field(ge=-10_000_000, le=10_000_000)


class ScreenPopIn(Tolerant):
    interaction_id: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    account_number: str | None = Field(default=None, max_length=40)
    queue: str | None = Field(default=None, max_length=40)
    direction: Literal["inbound", "outbound"] = "inbound"
    transfer_note: str | None = Field(default=None, max_length=1000)
    transferred_by: str | None = Field(default=None, max_length=100)
    correlation_id: str | None = Field(default=None, max_length=128)
    agent: str | None = Field(default=None, max_length=40, description="service clients only: pop on behalf of this agent")
    restore: bool = Field(default=False, description="the softphone re-sent the pop after a console reload")


class ActivityIn(Tolerant):
    status: Literal["in_progress", "completed"] | None = None
    direction: Literal["inbound", "outbound"] | None = None
    from_number: str | None = Field(default=None, max_length=40)
    queue: str | None = Field(default=None, max_length=40)
    contact_id: int | None = None
    agent: str | None = Field(default=None, max_length=40)
    disposition: str | None = Field(default=None, max_length=40)
    notes: str | None = Field(default=None, max_length=5000)
    wrapup_seconds: float | None = Field(default=None, ge=0)
    hold_seconds: float | None = Field(default=None, ge=0)
    muted_seconds: float | None = Field(default=None, ge=0)
    dtmf: str | None = Field(default=None, max_length=200)
    transfers: Any = None
    correlation_id: str | None = Field(default=None, max_length=128)
    type: Literal["call", "chat", "email", "web_form", "webinar"] | None = None
    attributes: dict[str, Any] | None = Field(default=None, description="the IVR or bot context of a call or chat")
    subject: str | None = Field(default=None, max_length=200)
    occurred_at: str | None = Field(default=None, max_length=40, description="when it happened (default: when logged)")


class FollowupIn(Tolerant):
    phone: str | None = Field(default=None, max_length=40)
    contact_id: int | None = None
    queue: str | None = Field(default=None, max_length=40)
    reason: str | None = Field(default=None, max_length=100)
    status: str = Field(min_length=1, max_length=20)
    next_action: str | None = Field(default=None, max_length=200)
    next_action_due: str | None = Field(default=None, max_length=40)
    attempts: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    correlation_id: str | None = Field(default=None, max_length=128)


class ContactChoiceIn(Strict):
    contact_id: int


class PresenceIn(Strict):
    status: Literal["Online", "Busy", "Offline"]
    reason: str | None = Field(default=None, max_length=60)
    source: Literal["crm", "cti"] = "crm"
