"""A deliberately broken CRM adapter: it never finds a contact by number (the contract kit must say so)."""
from __future__ import annotations

from deskcheck.adapters.sandbox.crm import SandboxCrm


class CrmThatLosesContacts(SandboxCrm):
    def find_contacts(self, phone=None, name=None, account_number=None):
        return []  # the defect under test: a lookup that drops every match
