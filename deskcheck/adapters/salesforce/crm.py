"""The CRM port over Salesforce's REST API, through simple-salesforce (SOQL and sObject calls only).

Contacts are Contacts (consent: DoNotCall, HasOptedOutOfEmail); their 360 view is their open Cases,
their latest CustomerOrder__c records and the billing fields; call logs are Tasks, the Open CTI call
log (CallObject = the CTI's interaction id); dispositions are CallDisposition__mdt records. A contact's
id is its Salesforce Id, or the external id the other systems know it by (``contact_key``; see
contact_keys.py). Presence (``crm_presence``) is Omni-Channel's UserServicePresence, read by SOQL; the
tickets listed on a contact (``helpdesk``) are the helpdesk integration's HelpdeskTicket__c records
(service.py).

Not offered (the methods raise :class:`NotSupported` naming the capability):
``crm_presence_set`` (Omni-Channel presence takes no writes through the API: UserServicePresence supports
no create or update), ``write_audit`` (Salesforce keeps no count of writes to a record),
``screen_pop_audit`` (Open CTI's screen pop leaves no record of how it matched), ``callbacks``
(follow-ups live in the CTI) and ``role_visibility`` (the glossary's roles: profiles and field-level
security are setup metadata).
"""
from __future__ import annotations

import uuid
from typing import Any

from simple_salesforce import Salesforce, format_soql

from deskcheck.adapters.salesforce.contact_keys import SALESFORCE_ID, ContactKeys
from deskcheck.adapters.salesforce.records import (CASE_STATUS_VALUE, CONTACT_SELECT, HIDEABLE, RECENT_ORDERS_SHOWN,
                                                   TASK_SELECT, call_log_record, contact_record, disposition_record,
                                                   salesforce_fields, three_sixty)
from deskcheck.adapters.salesforce.service import PRESENCE_SELECT, TICKET_SELECT, presence_record, ticket_record
from deskcheck.adapters.salesforce.session import DEFAULT_API_VERSION, SalesforceSession
from deskcheck.ports import NotSupported, Refused
from deskcheck.records import ApiSession, CallLog, Contact, Disposition, FollowUp, Presence, ScreenPop, Ticket

ID_BATCH = 200  # ids per SOQL IN list


class SalesforceCrm:
    """The CRM port on a Salesforce org.

    ``SalesforceCrm(instance_url, client_id, client_secret)`` signs in with the connected app's client
    credentials flow; with ``username`` and ``password`` it signs in as that user (their field-level
    security applies). ``login_url`` is where the token is asked for (default: the instance URL, i.e.
    My Domain); ``ca_bundle`` is a PEM file of the certificate authorities to trust. ``contact_key`` is the
    Contact field a contact's id is read from and taken as: ``Id`` (Salesforce's) or the external-id field
    the contact center's other systems know contacts by (e.g. ``ContactCenterId__c``).
    """

    capabilities = frozenset({"token_audit", "crm_presence", "helpdesk"})

    def __init__(self, instance_url: str, client_id: str, client_secret: str, username: str | None = None,
                 password: str | None = None, ca_bundle: str | None = None, login_url: str | None = None,
                 api_version: str = DEFAULT_API_VERSION, contact_key: str = SALESFORCE_ID) -> None:
        self._settings = dict(instance_url=instance_url, client_id=client_id, client_secret=client_secret,
                              ca_bundle=ca_bundle, login_url=login_url, api_version=api_version, contact_key=contact_key)
        self.session = SalesforceSession(login_url or instance_url, client_id, client_secret, username, password,
                                         ca_bundle, api_version)
        self.keys = ContactKeys(lambda action, text: self.session.act(
            action, lambda sf: sf.query_all(text, include_deleted=True))["records"], contact_key)
        self._visible: tuple[str, ...] | None = None
        self._users: dict[str, dict[str, Any]] = {}
        self._statuses: dict[str, dict[str, Any]] = {}

    def as_user(self, username: str, password: str) -> "SalesforceCrm":
        """The same org seen by a console user: their profile's field-level security applies."""
        return type(self)(username=username, password=password, **self._settings)

    def close(self) -> None:
        self.session.close()

    # -- helpers ------------------------------------------------------------------------------------
    def _query(self, action: str, soql: str, *args: Any, include_deleted: bool = False) -> list[dict[str, Any]]:
        text = format_soql(soql, *args)
        return self.session.act(action, lambda sf: sf.query_all(text, include_deleted=include_deleted))["records"]

    def _contact_fields(self) -> tuple[str, ...]:
        """The Contact fields this user may read (field-level security leaves the others out of describe)."""
        if self._visible is None:
            described = self.session.act("describe contacts", lambda sf: sf.Contact.describe())
            names = {f["name"] for f in described["fields"]}
            wanted = CONTACT_SELECT if self.keys.native else (*CONTACT_SELECT, self.keys.field)
            self._visible = tuple(f for f in wanted if f in names)
        return self._visible

    def _hidden(self) -> tuple[str, ...]:
        return tuple(HIDEABLE[f] for f in HIDEABLE if f not in self._contact_fields())

    def _contact_rows(self, action: str, where: str, *args: Any, include_deleted: bool = False,
                      tail: str = "") -> list[dict[str, Any]]:
        select = ", ".join(self._contact_fields())
        return self._query(action, f"SELECT {select} FROM Contact WHERE {where}{tail}", *args,
                           include_deleted=include_deleted)

    def _load_users(self) -> dict[str, dict[str, Any]]:
        self._users = {row["Id"]: row for row in self._query("read users", "SELECT Id, Username, UserType FROM User")}
        return self._users

    def _user(self, user_id: str | None) -> dict[str, Any] | None:
        if user_id and user_id not in self._users:
            self._load_users()  # a user the adapter has not met yet
        return self._users.get(user_id or "")

    def _agent(self, owner_id: str | None) -> str | None:
        user = self._user(owner_id)
        return None if user is None or user.get("UserType") == "AutomatedProcess" else user["Username"]

    def _user_id(self, username: str) -> str | None:
        for users in (self._users, None):
            for row in (users if users is not None else self._load_users()).values():
                if row["Username"] == username:
                    return row["Id"]
        return None

    def _owner_id(self, agent: str) -> str:
        found = self._user_id(agent)
        if found is None:
            raise Refused("CRM", f"assign a call log to {agent}", f"the org has no user {agent!r}")
        return found

    def _contact(self, row: dict[str, Any], view: Any = None) -> Contact:
        return contact_record(row, self._hidden(), view, self.keys.key_of_row(row))

    def _sf_id(self, contact_id: Any, action: str) -> str:
        """The Salesforce Id of a contact given by its key; Refused (404) when the org has no such contact."""
        try:
            return self.keys.salesforce_id(contact_id)
        except LookupError as exc:
            raise Refused("CRM", action, str(exc), 404) from None

    # -- contacts -----------------------------------------------------------------------------------
    def find_contacts(self, phone: str | None = None, name: str | None = None,
                      account_number: str | None = None) -> list[Contact]:
        where, args = ["IsDeleted = false"], []
        for clause, value in (("Phone = {}", phone), ("Name LIKE '%{:like}%'", name),
                              ("AccountNumber__c = {}", account_number)):
            if value:
                where.append(clause)
                args.append(value)
        rows = self._contact_rows("find contacts", " AND ".join(where), *args,
                                  tail=" ORDER BY LastName, FirstName, Id LIMIT 50")
        return [self._contact(r) for r in rows]

    def contact(self, contact_id: Any) -> Contact:
        return self._contact_with_360(self.keys.field, self.keys.soql_value(contact_id), contact_id)

    def _contact_with_360(self, field: str, value: str, shown_as: Any) -> Contact:
        rows = self._contact_rows("read the contact", f"{field} = {{}}", value, include_deleted=True)
        if not rows:
            raise LookupError(f"the CRM has no contact {shown_as}")
        cases = self._query("read the contact's cases", "SELECT Subject, Status FROM Case WHERE ContactId = {} "
                            "AND IsClosed = false ORDER BY CreatedDate, Id", rows[0]["Id"])
        orders = self._query("read the contact's orders", "SELECT Name, Total__c, Status__c FROM CustomerOrder__c "
                             f"WHERE Contact__c = {{}} ORDER BY PlacedAt__c DESC, Id DESC LIMIT {RECENT_ORDERS_SHOWN}",
                             rows[0]["Id"])
        return self._contact(rows[0], three_sixty(rows[0], cases, orders))

    def contacts(self, ids: list[Any]) -> list[Contact]:
        """Contacts by id, deleted ones too, in the order asked (ids the org lacks are left out)."""
        found: dict[str, Contact] = {}
        for start in range(0, len(ids), ID_BATCH):
            batch = [self.keys.soql_value(i) for i in ids[start:start + ID_BATCH]]
            for row in self._contact_rows("read contacts", f"{self.keys.field} IN {{}}", batch, include_deleted=True):
                contact = self._contact(row)
                found[str(contact.id)] = contact
        return [found[str(i)] for i in ids if str(i) in found]

    def create_contact(self, first_name: str, last_name: str, phone: str, **fields: Any) -> Contact:
        body = salesforce_fields({"first_name": first_name, "last_name": last_name, "phone": phone, **fields})
        created = self.session.act("create the contact", lambda sf: sf.Contact.create(body))
        return self._contact_with_360(SALESFORCE_ID, created["id"], created["id"])

    def create_contacts(self, people: list[dict[str, Any]]) -> list[Contact]:
        """Many contacts (each: first_name, last_name, phone and any other Contact field), in order."""
        created, refused = [], []
        for index, person in enumerate(people):
            body = salesforce_fields(person)
            try:
                created.append(self.session.act("create a contact", lambda sf: sf.Contact.create(body))["id"])
            except Refused as exc:
                refused.append(f"contact {index}: {exc.reason}")
        if refused:
            raise Refused("CRM", f"create {len(people)} contacts", "; ".join(refused[:5]))
        keys = self.keys.keys_of(created)
        return self.contacts([keys[i] for i in created if i in keys])

    def update_contact(self, contact_id: Any, **changes: Any) -> Contact:
        self._update("update the contact", contact_id, salesforce_fields(changes))
        return self.contact(contact_id)

    def _update(self, action: str, contact_id: Any, body: dict[str, Any]) -> None:
        """A Contact update; the org's refusal of a field this user's field-level security hides (INVALID_FIELD:
        the field does not exist for them) is the port's refusal as forbidden to the user's role (403)."""
        record_id = self._sf_id(contact_id, action)
        try:
            self.session.act(action, lambda sf: sf.Contact.update(record_id, body))
        except Refused as refusal:
            hidden = [f for f in body if f in HIDEABLE and f not in self._contact_fields()]
            if hidden and refusal.status == 400 and refusal.reason.startswith("INVALID_FIELD"):
                raise Refused("CRM", action, f"field-level security hides {', '.join(hidden)} from this user, who "
                                             f"may not change it ({refusal.reason})", 403) from None
            raise

    def delete_contact(self, contact_id: Any) -> None:
        record_id = self._sf_id(contact_id, "delete the contact")
        self.session.act("delete the contact", lambda sf: sf.Contact.delete(record_id))

    def add_case(self, contact_id: Any, subject: str, status: str | None = None) -> None:
        body = {"ContactId": self._sf_id(contact_id, "open a case"), "Subject": subject}
        if status:
            body["Status"] = CASE_STATUS_VALUE.get(status, status)
        self.session.act("open a case", lambda sf: sf.Case.create(body))

    def add_order(self, contact_id: Any, number: str, total: float, status: str) -> None:
        body = {"Contact__c": self._sf_id(contact_id, "record an order"), "Name": number, "Total__c": total,
                "Status__c": status}
        self.session.act("record an order", lambda sf: getattr(sf, "CustomerOrder__c").create(body))

    def set_billing(self, contact_id: Any, status: str, balance: float) -> None:
        self._update("set the billing status", contact_id, {"BillingStatus__c": status, "BillingBalance__c": balance})

    # -- call logs (Tasks) ----------------------------------------------------------------------------
    def call_logs(self, call_id: str | None = None, contact_id: Any = None) -> list[CallLog]:
        """The contact's timeline (calls, emails, web forms, webinars), newest first."""
        where, args = ["CallObject != null"], []
        if call_id is not None:
            where.append("CallObject = {}")
            args.append(call_id)
        if contact_id is not None:
            where.append("WhoId = {}")
            args.append(self._sf_id(contact_id, "read call logs"))
        rows = self._query("read call logs", f"SELECT {', '.join(TASK_SELECT)} FROM Task WHERE {' AND '.join(where)}"
                           " ORDER BY OccurredAt__c DESC, Id DESC", *args)
        keys = self.keys.keys_of(r.get("WhoId") for r in rows)
        return [call_log_record(r, self._agent, lambda who: keys.get(who, who)) for r in rows]

    def call_log(self, call_id: str) -> CallLog | None:
        logs = self.call_logs(call_id=call_id)
        assert len(logs) <= 1, f"the CRM has {len(logs)} call logs for call {call_id}, expected one"
        return logs[0] if logs else None

    def log_call(self, call_id: str, contact_id: Any, direction: str = "outbound", queue: str | None = None,
                 agent: str | None = None, disposition: str | None = None, notes: str | None = None) -> CallLog:
        """Logs a completed call on a contact (a call the CRM learns of from elsewhere, e.g. a sales dialler)."""
        body = {"WhoId": self._sf_id(contact_id, f"log call {call_id}"), "CallType": direction.capitalize(),
                "Status": "Completed",
                "Queue__c": queue, "CallDisposition": disposition, "Description": notes,
                "OwnerId": self._owner_id(agent) if agent else None}
        body = {k: v for k, v in body.items() if v is not None}
        existing = self._query(f"find the log of call {call_id}", "SELECT Id FROM Task WHERE CallObject = {}", call_id)
        if not existing:
            new = {**body, "CallObject": call_id, "TaskSubtype": "Call", "Channel__c": "call"}
            try:
                self.session.act(f"log call {call_id}", lambda sf: sf.Task.create(new))
                return self.call_log(call_id)
            except Refused as refusal:  # the same delivery, arrived at the same moment, created it first
                if not refusal.reason.startswith("DUPLICATE_VALUE"):
                    raise
            existing = self._query(f"find the log of call {call_id}", "SELECT Id FROM Task WHERE CallObject = {}",
                                   call_id)
        self.session.act(f"log call {call_id}", lambda sf: sf.Task.update(existing[0]["Id"], body))
        return self.call_log(call_id)

    def email_contact(self, contact_id: Any, subject: str, body: str = "") -> CallLog:
        """An agent's email, logged on the contact's timeline as an Email task (the org sends nothing here);
        :class:`Refused` for a contact who opted out of email, was deleted or has no address."""
        action = f"email contact {contact_id}"
        rows = self._query(action, f"SELECT Id, Email, HasOptedOutOfEmail, IsDeleted FROM Contact WHERE "
                           f"{self.keys.field} = {{}}", self.keys.soql_value(contact_id), include_deleted=True)
        if not rows:
            raise Refused("CRM", action, "no such contact", 404)
        for broken, reason in ((rows[0]["IsDeleted"], f"contact {contact_id} was deleted"),
                               (rows[0]["HasOptedOutOfEmail"], "Do not email: this contact unsubscribed from email"),
                               (not rows[0]["Email"], "this contact has no email address")):
            if broken:
                raise Refused("CRM", action, reason)
        call_id = f"email-{uuid.uuid4().hex[:16]}"
        task = {"CallObject": call_id, "WhoId": rows[0]["Id"], "Subject": subject, "Description": body or None,
                "Status": "Completed", "TaskSubtype": "Email", "Channel__c": "email", "CallType": "Outbound",
                "OwnerId": self.session.user_id}
        self.session.act(action, lambda sf: sf.Task.create({k: v for k, v in task.items() if v is not None}))
        return self.call_log(call_id)

    def dispositions(self, queue: str | None = None) -> list[Disposition]:
        where = "IsSystem__c = false" + (" AND Queue__c = {}" if queue else "")
        rows = self._query("read the dispositions", "SELECT DeveloperName, MasterLabel, Queue__c, IsSystem__c FROM "
                           f"CallDisposition__mdt WHERE {where} ORDER BY Queue__c, SortOrder__c",
                           *([queue] if queue else []))
        return [disposition_record(r) for r in rows]

    # -- Service Cloud: Omni-Channel presence, the helpdesk integration's tickets ------------------------
    def presence(self, username: str) -> Presence:
        """The user's latest UserServicePresence (current: Online or Busy; none current: Offline)."""
        user_id = self._user_id(username)
        if user_id is None:
            raise LookupError(f"the CRM has no user {username!r}")
        rows = self._query(f"read the presence of {username}", f"SELECT {', '.join(PRESENCE_SELECT)} FROM "
                           "UserServicePresence WHERE UserId = {} ORDER BY StatusStartDate DESC NULLS LAST, Id DESC "
                           "LIMIT 1", user_id)
        latest = rows[0] if rows else None
        return presence_record(username, user_id, latest, self._status(latest.get("ServicePresenceStatusId"))
                               if latest else None)

    def _status(self, status_id: str | None) -> dict[str, Any] | None:
        if status_id and status_id not in self._statuses:  # a status the adapter has not met yet
            self._statuses = {row["Id"]: row for row in self._query(
                "read the presence statuses", "SELECT Id, DeveloperName, MasterLabel FROM ServicePresenceStatus")}
        return self._statuses.get(status_id or "")

    def linked_tickets(self, contact_id: Any) -> list[Ticket]:
        """The helpdesk tickets the org keeps on the contact (the helpdesk integration's HelpdeskTicket__c)."""
        rows = self._query("read the contact's helpdesk tickets", f"SELECT {', '.join(TICKET_SELECT)} FROM "
                           "HelpdeskTicket__c WHERE Contact__c = {} ORDER BY Name",
                           self._sf_id(contact_id, "read the contact's helpdesk tickets"))
        return [ticket_record(r, contact_id) for r in rows]

    # -- what Salesforce's API cannot answer ----------------------------------------------------------
    def _lacks(self, method: str, capability: str) -> NotSupported:
        return NotSupported(type(self).__name__, method, capability)

    def set_presence(self, username: str, status: str, reason: str | None = None) -> Presence:
        """Omni-Channel presence is set by the user in the console; the API takes no writes of it."""
        raise self._lacks("set_presence", "crm_presence_set")

    def call_log_writes(self, call_id: str) -> int:
        raise self._lacks("call_log_writes", "write_audit")

    def screen_pops(self, call_id: str) -> list[ScreenPop]:
        raise self._lacks("screen_pops", "screen_pop_audit")

    def follow_ups(self, contact_id: Any = None, phone: str | None = None) -> list[FollowUp]:
        raise self._lacks("follow_ups", "callbacks")

    def roles(self) -> list[Any]:
        """Profiles and their field-level security are setup metadata, not read through this adapter."""
        raise self._lacks("roles", "role_visibility")

    # -- token_audit -----------------------------------------------------------------------------------
    def api_session(self) -> ApiSession:
        return self.session.api_session()

    def accepts_session(self, session: ApiSession) -> bool:
        return self.session.accepts_session(session)

    @property
    def sf(self) -> Salesforce:
        """The signed-in simple-salesforce client (for a team's own checks beyond the port)."""
        return self.session.sf
