"""Field-level visibility by role, enforced by the server for user principals (sessions, password grants)."""
from __future__ import annotations

from typing import Any

from ..platform.auth import Principal

# Fields a role may neither read nor write. Service clients (system integrations) see everything.
HIDDEN_FIELDS_BY_ROLE: dict[str, tuple[str, ...]] = {
    "trainee": ("date_of_birth", "tax_id", "billing.balance"),
    "agent": ("tax_id",),
    "supervisor": (),
}


#: how the console labels the fields a role may be kept from (static/console.js)
FIELD_LABELS = {"date_of_birth": "Date of birth", "tax_id": "Tax ID", "billing.balance": "Balance"}


def roles_view() -> list[dict]:
    """Each console role with the fields it may neither read nor write, by name and by the console's label."""
    return [{"role": role, "hidden_fields": [{"field": f, "label": FIELD_LABELS[f]} for f in fields]}
            for role, fields in HIDDEN_FIELDS_BY_ROLE.items()]


def hidden_fields(principal: Principal) -> list[str]:
    if principal.kind == "client":
        return []
    # an unknown role sees the least, like a trainee
    return list(HIDDEN_FIELDS_BY_ROLE.get(principal.role, HIDDEN_FIELDS_BY_ROLE["trainee"]))


def is_user(principal: Principal) -> bool:
    return principal.kind in ("user", "session")


def event_as_seen_by(principal: Principal, event: dict[str, Any]) -> dict[str, Any] | None:
    """What a user reads of a crm event (the event bus's user view): none of the fields their role may not
    see, not even by name in a change list, and nothing of the deliveries to partners' webhooks."""
    if not is_user(principal):
        return event
    if event["type"].startswith("webhook."):
        return None  # partner integrations are the integration admin's business (403 on /api/webhooks too)
    kind = event["type"].split(".")[0]  # "billing.balance" is hidden as "balance" in billing.* events
    hidden = {name.split(".")[-1] for name in hidden_fields(principal)
              if "." not in name or name.startswith(f"{kind}.")}
    if not hidden:
        return event
    data = {key: value for key, value in event["data"].items() if key not in hidden}
    if isinstance(data.get("changed"), list):
        data["changed"] = [name for name in data["changed"] if name not in hidden]
        if not data["changed"]:
            return None  # only fields the role may not see changed: nothing happened that they can see
    return {**event, "data": data}
