"""The sandbox's adapter set: every port over the bundled reference contact center's own REST APIs."""
from __future__ import annotations

from typing import Any, ClassVar

from deskcheck.adapters import AdapterSet
from deskcheck.adapters.sandbox.api_channels import (ChatClient, HelpdeskClient, IvrClient, MarketingClient,
                                                     SandboxAdmin)
from deskcheck.adapters.sandbox.api_voice import CrmClient, CtiClient
from deskcheck.adapters.sandbox.chat import SandboxChat
from deskcheck.adapters.sandbox.controls import SandboxControls
from deskcheck.adapters.sandbox.crm import SandboxCrm
from deskcheck.adapters.sandbox.cti import SandboxCallGenerator, SandboxCti
from deskcheck.adapters.sandbox.events import EVENT_SYSTEMS, SandboxEventSource
from deskcheck.adapters.sandbox.helpdesk import SandboxHelpdesk
from deskcheck.adapters.sandbox.http import ApiClient
from deskcheck.adapters.sandbox.ivr import SandboxIvr
from deskcheck.adapters.sandbox.marketing import SandboxMarketing

#: role -> the sandbox system whose API client the role's adapter is built on
SYSTEM_OF_ROLE = {"crm": "crm", "cti": "cti", "telephony": "cti", "ivr": "ivr", "chat": "chat",
                  "helpdesk": "helpdesk", "marketing": "marketing", "controls": "sandbox"}
CLIENT_OF_SYSTEM: dict[str, type[ApiClient]] = {
    "crm": CrmClient, "cti": CtiClient, "ivr": IvrClient, "chat": ChatClient, "helpdesk": HelpdeskClient,
    "marketing": MarketingClient}


class SandboxAdapters(AdapterSet):
    name = "sandbox"
    ROLES: ClassVar[dict[str, type]] = {
        "crm": SandboxCrm, "cti": SandboxCti, "telephony": SandboxCallGenerator, "ivr": SandboxIvr,
        "chat": SandboxChat, "helpdesk": SandboxHelpdesk, "marketing": SandboxMarketing, "controls": SandboxControls,
        "events": SandboxEventSource,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[str, ApiClient] = {}

    def api(self, system: str) -> ApiClient:
        """The one API client of a sandbox system, shared by the roles built on it."""
        if system not in self._clients:
            c = self.connection
            if system == "sandbox":
                self._clients[system] = SandboxAdmin(dict(c.urls), c.client_id, c.client_secret)
            else:
                self._clients[system] = CLIENT_OF_SYSTEM[system](c.url(system), c.client_id, c.client_secret)
        return self._clients[system]

    def build(self, role: str, adapter_class: type) -> Any:
        if role == "events":  # every system announces events: the event source reads each one's
            return adapter_class({s: self.api(s) for s in EVENT_SYSTEMS if s in self.connection.urls})
        return adapter_class(self.api(SYSTEM_OF_ROLE.get(role, role)))

    def close(self) -> None:
        super().close()
        for client in self._clients.values():
            client.close()
        self._clients.clear()
