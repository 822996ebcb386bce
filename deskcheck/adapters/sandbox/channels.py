"""The sandbox's helpdesk and marketing behind their ports (the IVR's and chat's: ivr.py, chat.py)."""
from __future__ import annotations

from deskcheck.adapters.sandbox.api_channels import HelpdeskClient, MarketingClient


class SandboxHelpdesk:
    """The helpdesk port over the sandbox helpdesk's API."""

    capabilities = frozenset({"helpdesk"})

    def __init__(self, api: HelpdeskClient) -> None:
        self.api = api


class SandboxMarketing:
    """The marketing port over the sandbox marketing automation's API."""

    capabilities = frozenset({"marketing"})

    def __init__(self, api: MarketingClient) -> None:
        self.api = api
