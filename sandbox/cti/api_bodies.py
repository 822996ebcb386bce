"""The request bodies the cti API accepts, with their validation (unknown keys refused, except the
context an IVR hands over with a call)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .model_base import WRAPUP_MODES

HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class HoursIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: list[int] = Field(min_length=1, max_length=7, description="0 = Monday ... 6 = Sunday")
    open: str = Field(pattern=HHMM, description="HH:MM UTC")
    close: str = Field(pattern=HHMM, description="HH:MM UTC, after open")

E164 = r"^\+[1-9][0-9]{6,14}$"


class AgentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,39}$")
    name: str = Field(min_length=1, max_length=80)
    role: Literal["agent", "trainee", "supervisor"] = "agent"
    queues: list[str] | None = None
    skills: list[str] | None = None


class StateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: str = Field(min_length=1, max_length=20)
    reason: str | None = Field(default=None, min_length=1, max_length=40)


class PresenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["Online", "Busy", "Offline"]
    reason: str | None = Field(default=None, max_length=40)


class QueuePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    wrapup_mode: Literal[WRAPUP_MODES] | None = None  # type: ignore[valid-type]
    acw_seconds: int | None = Field(default=None, ge=5, le=3600)
    ring_timeout_seconds: int | None = Field(default=None, ge=5, le=600)
    hours: HoursIn | None = Field(default=None, description="business hours; null = always open")


class CallAttributes(BaseModel):
    model_config = ConfigDict(extra="allow")  # the IVR may hand over more context
    account_number: str | None = Field(default=None, max_length=40)
    verified: bool = False
    ivr_path: list[str] | str | None = None
    reason: str | None = Field(default=None, max_length=200)


class CallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_number: str = Field(pattern=E164, description="the caller's E.164 number")
    queue: str = Field(min_length=1, max_length=40)
    attributes: CallAttributes | None = None


class DtmfIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    digits: str = Field(pattern=r"^[0-9*#]{1,32}$", description="only 0-9, * and #")


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["cold", "warm"] = "cold"
    queue: str | None = Field(default=None, max_length=40)
    agent: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, max_length=500)


class WrapupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    disposition: str | None = Field(default=None, max_length=40)
    notes: str | None = Field(default=None, max_length=2000)


class OutboundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_number: str = Field(min_length=1, max_length=40, description="the customer's number in any format; dialled in E.164")
    queue: str | None = Field(default=None, max_length=40, description="wrap-up rules to use; default the agent's first queue")
    record_id: str | None = Field(default=None, max_length=40, description="the crm record dialled from")
    agent: str | None = Field(default=None, max_length=40, description="who dials (service tokens only)")
    callback_id: str | None = Field(default=None, max_length=40, description="the callback this call works")


class CallbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str = Field(pattern=E164)
    queue: str = Field(min_length=1, max_length=40)
    reason: Literal["after_hours", "requested", "missed", "abandoned"] = "requested"
    contact_id: int | None = None
    note: str | None = Field(default=None, max_length=200)


class CallbackDialIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agent: str | None = Field(default=None, max_length=40, description="who dials (service tokens only)")


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conversation_id: str = Field(min_length=1, max_length=60)
    queue: str = Field(default="support", max_length=40)
    customer_name: str | None = Field(default=None, max_length=120)
    contact_id: int | None = None
    account_number: str | None = Field(default=None, max_length=40)
    phone: str | None = Field(default=None, pattern=E164)
    email: str | None = Field(default=None, max_length=200)
    transcript: list[dict[str, Any]] = Field(default_factory=list, max_length=500)
    intent_path: list[str] = Field(default_factory=list, max_length=50)
    sentiment: dict[str, Any] | None = None
    ticket_id: str | None = Field(default=None, max_length=20)


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    text: str = Field(min_length=1, max_length=2000)


class SsoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=40)
