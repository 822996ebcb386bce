"""A CRM adapter that cannot tell how many times a call log was written (like many real CRMs)."""
from __future__ import annotations

from deskcheck.adapters.sandbox.crm import SandboxCrm
from deskcheck.ports import NotSupported


class CrmWithoutWriteAudit(SandboxCrm):
    capabilities = SandboxCrm.capabilities - {"write_audit"}

    def call_log_writes(self, call_id: str) -> int:
        raise NotSupported(type(self).__name__, "call_log_writes", "write_audit")
