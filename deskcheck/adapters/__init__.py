"""Adapter sets: one per kind of target, each implementing the ports of :mod:`deskcheck.ports`.

An adapter set maps every role (``crm``, ``cti``, ``telephony``, ...) to an adapter class. A target
profile names the set (``adapters = "module:Class"``) and may replace single roles (``[ports]``).
What a set can check is what its adapters list in ``capabilities``, known before anything connects,
so scenarios that need more are skipped before any browser starts. A capability whose methods several
roles carry (``deskcheck.capabilities.SERVED_BY``, e.g. token_audit: the CRM's and the CTI's) counts
only when every one of those roles' adapters offers it: Salesforce offering token_audit does not make a
set with Amazon Connect's CTI claim it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping

from deskcheck.capabilities import SERVED_BY, check_known


@dataclass(frozen=True)
class Connection:
    """How to reach a target: every system's base URL, the API client, and vendor options."""
    urls: Mapping[str, str]
    client_id: str
    client_secret: str = field(repr=False)
    options: Mapping[str, str] = field(default_factory=dict)

    def url(self, system: str) -> str:
        if system not in self.urls:
            raise LookupError(f"the target has no {system!r} system (it has: {', '.join(sorted(self.urls))})")
        return self.urls[system]


class AdapterSet:
    """Builds each role's adapter on first use and closes them all at the end."""

    name: ClassVar[str] = "adapters"
    #: role -> adapter class
    ROLES: ClassVar[dict[str, type]] = {}

    def __init__(self, connection: Connection, overrides: Mapping[str, type] | None = None) -> None:
        self.connection = connection
        self.classes = {**self.ROLES, **(overrides or {})}
        self._built: dict[str, Any] = {}

    @classmethod
    def offers_by_role(cls, overrides: Mapping[str, type] | None = None) -> dict[str, frozenset[str]]:
        """role -> the capabilities its adapter lists (unknown names refused)."""
        classes = {**cls.ROLES, **(overrides or {})}
        return {role: check_known(getattr(adapter, "capabilities", frozenset()), f"{adapter.__name__} ({role})")
                for role, adapter in classes.items()}

    @classmethod
    def capabilities_of(cls, overrides: Mapping[str, type] | None = None) -> frozenset[str]:
        """What the set can check: what its adapters offer, less a capability some role serving it lacks."""
        offers, partial = cls.offers_by_role(overrides), cls.partial_capabilities_of(overrides)
        return frozenset(c for found in offers.values() for c in found if c not in partial)

    @classmethod
    def partial_capabilities_of(cls, overrides: Mapping[str, type] | None = None) -> dict[str, list[str]]:
        """capability -> the roles serving it whose adapters lack it, for capabilities only some of them offer."""
        offers = cls.offers_by_role(overrides)
        partial: dict[str, list[str]] = {}
        for capability in set().union(*offers.values()):
            lacking = [role for role in SERVED_BY.get(capability, ()) if role in offers and capability not in offers[role]]
            if lacking:
                partial[capability] = lacking
        return partial

    @property
    def capabilities(self) -> frozenset[str]:
        return self.capabilities_of(self.classes)

    def port(self, role: str) -> Any:
        if role not in self._built:
            if role not in self.classes:
                raise LookupError(f"the adapter set {self.name!r} has no adapter for {role!r} "
                                  f"(it has: {', '.join(sorted(self.classes))})")
            self._built[role] = self.build(role, self.classes[role])
        return self._built[role]

    def build(self, role: str, adapter_class: type) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        for adapter in self._built.values():
            closer = getattr(adapter, "close", None)
            if closer:
                closer()
        self._built.clear()
