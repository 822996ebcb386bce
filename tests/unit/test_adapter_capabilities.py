"""What an adapter set claims: a capability served by several roles only when every one of them offers it."""
from __future__ import annotations

from typing import Any, ClassVar

from deskcheck.adapters import AdapterSet
from deskcheck.adapters.sandbox import SandboxAdapters
from deskcheck.adapters.service_cloud_voice import ServiceCloudVoiceAdapters


class CrmWithTokens:
    capabilities = frozenset({"token_audit", "crm_presence"})


class CtiWithTokens:
    capabilities = frozenset({"token_audit", "agent_admin"})


class CtiWithoutTokens:
    capabilities = frozenset({"agent_admin"})


class Clock:
    capabilities = frozenset({"clock"})


class TwoRoles(AdapterSet):
    ROLES: ClassVar[dict[str, type]] = {"crm": CrmWithTokens, "cti": CtiWithTokens, "controls": Clock}

    def build(self, role: str, adapter_class: type) -> Any:
        return adapter_class()


def test_a_capability_every_serving_role_offers_is_claimed():
    assert TwoRoles.capabilities_of() == {"token_audit", "crm_presence", "agent_admin", "clock"}
    assert TwoRoles.partial_capabilities_of() == {}


def test_a_capability_one_serving_role_lacks_is_not_claimed_and_the_gap_is_named():
    offered = TwoRoles.capabilities_of({"cti": CtiWithoutTokens})
    assert "token_audit" not in offered
    assert offered == {"crm_presence", "agent_admin", "clock"}  # one role's own capabilities stay
    assert TwoRoles.partial_capabilities_of({"cti": CtiWithoutTokens}) == {"token_audit": ["cti"]}


def test_a_set_without_a_serving_role_is_judged_on_the_roles_it_has():
    class CrmOnly(AdapterSet):
        ROLES: ClassVar[dict[str, type]] = {"crm": CrmWithTokens}

    assert CrmOnly.capabilities_of() == {"token_audit", "crm_presence"}


def test_service_cloud_voice_claims_no_token_audit_salesforce_alone_offers():
    assert "token_audit" in ServiceCloudVoiceAdapters.ROLES["crm"].capabilities
    assert "token_audit" not in ServiceCloudVoiceAdapters.ROLES["cti"].capabilities
    assert "token_audit" not in ServiceCloudVoiceAdapters.capabilities_of()
    assert ServiceCloudVoiceAdapters.partial_capabilities_of().get("token_audit") == ["cti"]
    assert "token_audit" in SandboxAdapters.capabilities_of()
