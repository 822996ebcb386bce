"""Service Cloud Voice: Salesforce as the CRM (simple-salesforce) and Amazon Connect as the CTI (boto3).

The other roles stay on the sandbox: a Connect instance has no call simulator, so the customer's side
of a call (``telephony``) is the sandbox's call generator, and so are the IVR, chat, helpdesk,
marketing and the test environment's clock and faults. Against a real org and instance a team must
still supply a ``CallGeneratorPort`` of its own (e.g. over a carrier's outbound-call API).

Options (``Connection.options``; the sandbox's doors announce them, settings name a real org's):
``salesforce`` (instance URL), ``salesforce_client_id`` / ``salesforce_client_secret`` (the connected
app; default: the suite's API client), ``ca_bundle`` (a private CA, e.g. the sandbox's test CA),
``salesforce_contact_key`` (the Contact field the other systems know a contact by: default
``ContactCenterId__c``, the sandbox org's external id; ``Id`` when they keep Salesforce's Ids),
``connect`` (endpoint URL; empty = AWS), ``connect_instance_id``, ``connect_region``,
``connect_access_key_id`` / ``connect_secret_access_key`` (empty = boto3's own credential chain).
"""
from __future__ import annotations

from typing import Any, ClassVar

from deskcheck.adapters.amazon_connect import AmazonConnectCti
from deskcheck.adapters.salesforce import SalesforceCrm
from deskcheck.adapters.sandbox import SandboxAdapters

REQUIRED_OPTIONS = ("salesforce", "connect_instance_id", "connect_region")
CONTACT_KEY = "ContactCenterId__c"  # the external id by which the sandbox's helpdesk, marketing and CTI know a contact


class MissingOption(LookupError):
    pass


class ServiceCloudVoiceAdapters(SandboxAdapters):
    name = "service-cloud-voice"
    ROLES: ClassVar[dict[str, type]] = {**SandboxAdapters.ROLES, "crm": SalesforceCrm, "cti": AmazonConnectCti}

    def option(self, name: str, default: str | None = None) -> str | None:
        value = self.connection.options.get(name) or default
        if value is None and name in REQUIRED_OPTIONS:
            raise MissingOption(f"the service-cloud-voice adapters need the option {name!r} "
                                f"(DESKCHECK_{name.upper()}, or run against the sandbox, whose doors announce it)")
        return value

    def build(self, role: str, adapter_class: type) -> Any:
        c = self.connection
        if role == "crm":
            return adapter_class(self.option("salesforce"), self.option("salesforce_client_id", c.client_id),
                                 self.option("salesforce_client_secret", c.client_secret),
                                 ca_bundle=self.option("ca_bundle"),
                                 contact_key=self.option("salesforce_contact_key", CONTACT_KEY))
        if role == "cti":
            controls = self.port("controls") if "controls" in self.classes and c.urls else None
            return adapter_class(self.option("connect_instance_id"), self.option("connect_region"),
                                 endpoint_url=self.option("connect"),
                                 aws_access_key_id=self.option("connect_access_key_id"),
                                 aws_secret_access_key=self.option("connect_secret_access_key"),
                                 dispositions=self.port("crm").dispositions,
                                 clock=controls.now if controls is not None else None)
        return super().build(role, adapter_class)
