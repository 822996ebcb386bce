"""Field-level visibility by role, enforced by the server for user principals (sessions, password grants)."""
from __future__ import annotations

from ..platform.auth import Principal

# Fields a role may neither read nor write. Service clients (system integrations) see everything.
HIDDEN_FIELDS_BY_ROLE: dict[str, tuple[str, ...]] = {
    "trainee": ("date_of_birth", "tax_id", "billing.balance"),
    "agent": ("tax_id",),
    "supervisor": (),
}


def hidden_fields(principal: Principal) -> list[str]:
    if principal.kind == "client":
        return []
    # an unknown role sees the least, like a trainee
    return list(HIDDEN_FIELDS_BY_ROLE.get(principal.role, HIDDEN_FIELDS_BY_ROLE["trainee"]))


def is_user(principal: Principal) -> bool:
    return principal.kind in ("user", "session")
