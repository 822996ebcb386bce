"""The sandbox's IVR, chat, helpdesk and marketing behind their ports."""
from __future__ import annotations

from deskcheck.adapters.sandbox.api_channels import ChatClient, HelpdeskClient, IvrClient, MarketingClient


class SandboxIvr:
    """The IVR port over the sandbox IVR's call simulator."""

    capabilities = frozenset({"ivr_sessions"})

    def __init__(self, api: IvrClient) -> None:
        self.api = api


class SandboxChat:
    """The chat port over the sandbox chat system's API."""

    capabilities = frozenset({"chat_bot"})

    def __init__(self, api: ChatClient) -> None:
        self.api = api


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
