"""The sandbox's marketing behind its port (the IVR's, chat's and helpdesk's: ivr.py, chat.py, helpdesk.py)."""
from __future__ import annotations

from deskcheck.adapters.sandbox.api_channels import MarketingClient


class SandboxMarketing:
    """The marketing port over the sandbox marketing automation's API."""

    capabilities = frozenset({"marketing"})

    def __init__(self, api: MarketingClient) -> None:
        self.api = api
