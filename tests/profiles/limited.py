"""Adapters that cannot tell what many real targets cannot: how many times a call log was written (a CRM
like Salesforce), and the wrap-up draft kept server side (a CTI like Amazon Connect)."""
from __future__ import annotations

from deskcheck.adapters.sandbox.crm import SandboxCrm
from deskcheck.adapters.sandbox.cti import SandboxCti
from deskcheck.ports import NotSupported
from deskcheck.records import WrapUpDraft


class CrmWithoutWriteAudit(SandboxCrm):
    capabilities = SandboxCrm.capabilities - {"write_audit"}

    def call_log_writes(self, call_id: str) -> int:
        raise NotSupported(type(self).__name__, "call_log_writes", "write_audit")


class CtiWithoutWrapupDraft(SandboxCti):
    capabilities = SandboxCti.capabilities - {"wrapup_draft"}

    def wrapup_draft(self, call_id: str) -> WrapUpDraft:
        raise NotSupported(type(self).__name__, "wrapup_draft", "wrapup_draft")
