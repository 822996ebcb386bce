"""Which id a contact goes by outside Salesforce: the key the contact center's other systems know it by.

Salesforce names a contact by its 18-character Id. A helpdesk, a marketing system or a CTI that keeps
its own contact ids knows the contact by an external-id field on the Contact instead (e.g. the
Auto Number ``ContactCenterId__c`` of the sandbox's org). ``ContactKeys(session, "ContactCenterId__c")``
makes that field the contact's id in every record the adapter returns (``Contact.id``,
``CallLog.contact_id``, a ticket's ``contact_id``) and the id it takes, and finds the Salesforce Id
behind it by SOQL; ``ContactKeys(session, "Id")`` (the default) leaves Salesforce's Ids as they are.
A key of digits only (an Auto Number with the display format ``{0}``) reads as a number.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Iterable

from simple_salesforce import format_soql

SALESFORCE_ID = "Id"
BATCH = 200  # ids per SOQL IN list


def key_value(value: Any) -> Any:
    """A key as the other systems write it: digits as a number, anything else as it is."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


class ContactKeys:
    """Contact key <-> Salesforce Id, looked up by SOQL and kept (a contact's key never changes)."""

    def __init__(self, query: Callable[[str, str], list[dict[str, Any]]], field: str = SALESFORCE_ID) -> None:
        self._query, self.field = query, field
        self._ids: dict[Any, str] = {}  # key -> Salesforce Id
        self._keys: dict[str, Any] = {}  # Salesforce Id -> key
        self._lock = threading.Lock()

    @property
    def native(self) -> bool:
        return self.field == SALESFORCE_ID

    def key_of_row(self, row: dict[str, Any]) -> Any:
        """The key of a Contact row that selected the key field."""
        if self.native:
            return row["Id"]
        key = key_value(row.get(self.field))
        self._remember(key, row["Id"])
        return key

    def soql_value(self, key: Any) -> str:
        """A key as the key field holds it in SOQL (text)."""
        return str(key)

    def salesforce_id(self, key: Any) -> str:
        """The Salesforce Id of the contact with this key; LookupError when the org has none."""
        if self.native:
            return str(key)
        found = self.salesforce_ids([key])
        if key_value(str(key)) not in found:
            raise LookupError(f"the CRM has no contact {key} (no Contact with {self.field} = {key})")
        return found[key_value(str(key))]

    def salesforce_ids(self, keys: Iterable[Any]) -> dict[Any, str]:
        """key -> Salesforce Id for those the org has (deleted contacts too)."""
        wanted = [key_value(str(k)) for k in keys]
        if self.native:
            return {k: k for k in wanted}
        with self._lock:
            missing = [k for k in dict.fromkeys(wanted) if k not in self._ids]
        for start in range(0, len(missing), BATCH):
            batch = [self.soql_value(k) for k in missing[start:start + BATCH]]
            for row in self._query("find contacts by their contact center id",
                                   format_soql(f"SELECT Id, {self.field} FROM Contact WHERE {self.field} IN {{}}", batch)):
                self.key_of_row(row)
        with self._lock:
            return {k: self._ids[k] for k in wanted if k in self._ids}

    def keys_of(self, salesforce_ids: Iterable[str | None]) -> dict[str, Any]:
        """Salesforce Id -> key for the contacts the org has."""
        wanted = [i for i in dict.fromkeys(salesforce_ids) if i]
        if self.native:
            return {i: i for i in wanted}
        with self._lock:
            missing = [i for i in wanted if i not in self._keys]
        for start in range(0, len(missing), BATCH):
            for row in self._query("find the contact center ids of contacts",
                                   format_soql(f"SELECT Id, {self.field} FROM Contact WHERE Id IN {{}}",
                                               missing[start:start + BATCH])):
                self.key_of_row(row)
        with self._lock:
            return {i: self._keys[i] for i in wanted if i in self._keys}

    def _remember(self, key: Any, salesforce_id: str) -> None:
        with self._lock:
            self._ids[key], self._keys[salesforce_id] = salesforce_id, key
