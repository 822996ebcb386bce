"""The crm store seen as Salesforce records: each sObject's rows read from, and written to, the same
tables the sandbox's own API uses (sandbox/crm/store.py), so one contact or call log is the same
whichever door it came in by. Field meanings: sandbox/crm/salesforce_schema.py."""
from __future__ import annotations

from typing import Any, Callable

from fastapi import HTTPException

from ..platform import correlation
from ..platform.auth import Principal
from ..platform.db import dumps, loads
from .salesforce_schema import (CALL_DISPOSITION, CASE, CONTACT, CUSTOMER_ORDER, HELPDESK_TICKET,
                                SERVICE_PRESENCE_STATUS, TASK, USER, USER_SERVICE_PRESENCE, SObject, make_id, parse_id)
from .salesforce_service import ServiceObjects
from .salesforce_values import (SfError, attributes_json, bad_request, checked_body, moment, no_access, not_found,
                                sf_datetime)
from .store import Conflict, Crm, Invalid, NotFound, full_name
from .write_rules import require_may_delete_contacts, require_may_write_call_log

CASE_STATUS = {"open": "New", "pending": "On Hold", "closed": "Closed"}
STORE_CASE_STATUS = {v: k for k, v in CASE_STATUS.items()}
AUTOMATED_PROCESS = ("autoproc", 999_999_999)  # owner of call logs that have no agent
CLIENT_USER_BASE = 1_000_000_000  # API clients' integration users: this plus their place in the client list
MARKETING_FIELDS = {"Industry__c": "industry", "LeadScore__c": "lead_score", "LifecycleStage__c": "lifecycle_stage"}
CONTACT_COLUMNS = {"FirstName": "first_name", "LastName": "last_name", "Phone": "phone", "Email": "email",
                   "AccountNumber__c": "account_number", "Birthdate": "date_of_birth", "TaxId__c": "tax_id",
                   "DoNotCall": "do_not_call", "HasOptedOutOfEmail": "email_opt_out"}
TASK_COLUMNS = {"WhoId": "contact_id", "Subject": "subject", "Description": "notes", "CallDisposition": "disposition",
                "FromNumber__c": "from_number", "Queue__c": "queue", "WrapUpSeconds__c": "wrapup_seconds",
                "HoldSeconds__c": "hold_seconds", "MutedSeconds__c": "muted_seconds", "Dtmf__c": "dtmf",
                "CorrelationId__c": "correlation_id", "TransferNote__c": "transfer_note",
                "TransferredBy__c": "transferred_by", "OccurredAt__c": "occurred_at", "Channel__c": "type"}
SUBTYPE_OF_CHANNEL = {"call": "Call", "email": "Email"}


def _id(prefix: str, number: int | None) -> str | None:
    return None if number is None else make_id(prefix, number)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _sql_hints(hints: dict[str, list[Any]], columns: dict[str, str]) -> tuple[str, list[Any]]:
    """SQL narrowing the rows by the query's required equalities (text compared as SOQL does, ignoring case)."""
    sql, params = "", []
    for name, values in hints.items():
        column = columns.get(name)
        if column is None or any(v is None for v in values):
            continue
        keys = [parse_id(v)[1] if name in ("Id", "WhoId", "ContactId", "Contact__c") else v for v in values]
        if name == "ContactCenterId__c":  # the store's own contact number, as text
            keys = [int(v) if str(v).isdigit() else -1 for v in values]
        sql += f" AND {column} COLLATE NOCASE IN ({','.join('?' * len(keys))})"
        params += keys
    return sql, params


class SalesforceOrg:
    """Rows, creates, updates and deletes of the door's sObjects over the crm store."""

    def __init__(self, crm: Crm, clients: list[str]) -> None:
        self.crm, self.db = crm, crm.db
        self.clients = sorted(clients)
        self.service = ServiceObjects(crm.system, self._user_ids)

    # -- users ------------------------------------------------------------------------------------
    def _users(self) -> list[dict[str, Any]]:
        people = [{"n": r["n"], "username": r["username"], "name": r["name"], "role": r["role"], "type": "Standard"}
                  for r in self.db.query("SELECT rowid AS n, username, name, role FROM users")]
        integrations = [{"n": CLIENT_USER_BASE + i, "username": c, "name": f"Integration User {c}",
                         "role": "integration", "type": "Standard"} for i, c in enumerate(self.clients)]
        autoproc = {"n": AUTOMATED_PROCESS[1], "username": AUTOMATED_PROCESS[0], "name": "Automated Process",
                    "role": None, "type": "AutomatedProcess"}
        return people + integrations + [autoproc]

    def _user_ids(self) -> dict[str, int]:
        return {u["username"]: u["n"] for u in self._users()}

    def username_of(self, number: int) -> str | None:
        """The agent a User id stands for (None: the Automated Process user); SfError for no such user."""
        for user in self._users():
            if user["n"] == number:
                return None if user["type"] == "AutomatedProcess" else user["username"]
        raise bad_request("INVALID_CROSS_REFERENCE_KEY", "Assigned To ID: invalid cross reference id", "OwnerId")

    def user_rows(self, hints: dict[str, list[Any]]) -> list[dict[str, Any]]:
        rows = []
        for u in self._users():
            first, _, last = u["name"].rpartition(" ")
            rows.append({"Id": make_id(USER.prefix, u["n"]), "Username": u["username"], "Name": u["name"],
                         "FirstName": first or None, "LastName": last, "IsActive": True, "UserType": u["type"],
                         "DeskRole__c": u["role"]})
        return rows

    # -- reading ------------------------------------------------------------------------------------
    def rows(self, obj: SObject, include_deleted: bool = False,
             hints: dict[str, list[Any]] | None = None) -> list[dict[str, Any]]:
        """Every row of the object as Salesforce JSON values (field-level security is the caller's to apply)."""
        readers: dict[str, Callable[[dict[str, list[Any]]], list[dict[str, Any]]]] = {
            "Contact": self.contact_rows, "Task": self.task_rows, "Case": self.case_rows, "User": self.user_rows,
            CUSTOMER_ORDER.name: self.order_rows, CALL_DISPOSITION.name: self.disposition_rows,
            SERVICE_PRESENCE_STATUS.name: self.service.status_rows, USER_SERVICE_PRESENCE.name: self.service.presence_rows,
            HELPDESK_TICKET.name: self.service.ticket_rows}
        found = readers[obj.name](hints or {})
        return found if include_deleted else [r for r in found if not r.get("IsDeleted")]

    def row(self, obj: SObject, record_id: str) -> dict[str, Any]:
        parsed = parse_id(record_id)
        if parsed is None or parsed[0] != obj.prefix:
            raise not_found()
        found = self.rows(obj, include_deleted=True, hints={"Id": [make_id(*parsed)]})
        found = [r for r in found if r["Id"] == make_id(*parsed)]
        if not found:
            raise not_found()
        if found[0].get("IsDeleted"):
            raise SfError(404, "ENTITY_IS_DELETED", "entity is deleted")
        return found[0]

    def contact_rows(self, hints: dict[str, list[Any]]) -> list[dict[str, Any]]:
        narrow, params = _sql_hints(hints, {"Id": "c.id", "Phone": "c.phone", "AccountNumber__c": "c.account_number",
                                            "ContactCenterId__c": "c.id"})
        rows = self.db.query("SELECT c.*, b.status AS billing_status, b.balance AS billing_balance FROM contacts c"
                             " LEFT JOIN billing b ON b.contact_id = c.id WHERE 1=1" + narrow, tuple(params))
        out = []
        for r in rows:
            custom = loads(r["custom_fields"], {})
            out.append({
                "Id": make_id(CONTACT.prefix, r["id"]), "IsDeleted": bool(r["deleted_at"]),
                "FirstName": r["first_name"], "LastName": r["last_name"],
                "Name": full_name(r["first_name"], r["last_name"]), "Phone": r["phone"], "Email": r["email"],
                "Birthdate": r["date_of_birth"], "DoNotCall": bool(r["do_not_call"]),
                "HasOptedOutOfEmail": bool(r["email_opt_out"]), "CreatedDate": sf_datetime(r["created_at"]),
                "LastModifiedDate": sf_datetime(r["updated_at"]), "ContactCenterId__c": str(r["id"]),
                "AccountNumber__c": r["account_number"],
                "TaxId__c": r["tax_id"], "BillingStatus__c": r["billing_status"] or "current",
                "BillingBalance__c": float(r["billing_balance"] or 0.0),
                **{name: custom.get(key) for name, key in MARKETING_FIELDS.items()}})
            if out[-1]["LeadScore__c"] is not None:
                out[-1]["LeadScore__c"] = _number(out[-1]["LeadScore__c"])
        return out

    def task_rows(self, hints: dict[str, list[Any]]) -> list[dict[str, Any]]:
        narrow, params = _sql_hints(hints, {"Id": "id", "CallObject": "interaction_id", "WhoId": "contact_id"})
        owners = self._user_ids()
        out = []
        for r in self.db.query("SELECT * FROM activities WHERE 1=1" + narrow, tuple(params)):
            completed = r["status"] == "completed"
            started, ended = moment(r["created_at"]), moment(r["completed_at"])
            duration = None
            if started and ended and ended > started:
                duration = max(0, int((ended - started).total_seconds() - (r["wrapup_seconds"] or 0)))
            attributes = loads(r["attributes"])
            out.append({
                "Id": make_id(TASK.prefix, r["id"]), "IsDeleted": False, "WhoId": _id(CONTACT.prefix, r["contact_id"]),
                "OwnerId": make_id(USER.prefix, owners.get(r["agent"], AUTOMATED_PROCESS[1])),
                "Subject": r["subject"], "Description": r["notes"],
                "Status": "Completed" if completed else "In Progress", "IsClosed": completed,
                "TaskSubtype": SUBTYPE_OF_CHANNEL.get(r["type"], "Task"), "CallObject": r["interaction_id"],
                "CallDisposition": r["disposition"], "CallDurationInSeconds": duration,
                "CallType": (r["direction"] or "inbound").capitalize(), "CreatedDate": sf_datetime(r["created_at"]),
                "LastModifiedDate": sf_datetime(r["updated_at"]), "CompletedDateTime": sf_datetime(r["completed_at"]),
                "Channel__c": r["type"], "FromNumber__c": r["from_number"], "Queue__c": r["queue"],
                "WrapUpSeconds__c": _number(r["wrapup_seconds"]), "HoldSeconds__c": _number(r["hold_seconds"]),
                "MutedSeconds__c": _number(r["muted_seconds"]), "Dtmf__c": r["dtmf"],
                "CorrelationId__c": r["correlation_id"], "TransferNote__c": r["transfer_note"],
                "TransferredBy__c": r["transferred_by"],
                "CallAttributes__c": None if attributes is None else dumps(attributes),
                "ContactChosenBy__c": r["contact_chosen_by"], "Source__c": r["source"],
                "OccurredAt__c": sf_datetime(r["occurred_at"]) or sf_datetime(r["created_at"])})
        return out

    def case_rows(self, hints: dict[str, list[Any]]) -> list[dict[str, Any]]:
        narrow, params = _sql_hints(hints, {"Id": "id", "ContactId": "contact_id"})
        return [{"Id": make_id(CASE.prefix, r["id"]), "IsDeleted": False, "CaseNumber": f"{r['id']:08d}",
                 "ContactId": make_id(CONTACT.prefix, r["contact_id"]), "Subject": r["subject"],
                 "Status": CASE_STATUS.get(r["status"], r["status"]), "IsClosed": r["status"] == "closed",
                 "CreatedDate": sf_datetime(r["created_at"])}
                for r in self.db.query("SELECT * FROM cases WHERE 1=1" + narrow, tuple(params))]

    def order_rows(self, hints: dict[str, list[Any]]) -> list[dict[str, Any]]:
        narrow, params = _sql_hints(hints, {"Id": "id", "Contact__c": "contact_id", "Name": "number"})
        return [{"Id": make_id(CUSTOMER_ORDER.prefix, r["id"]), "IsDeleted": False, "Name": r["number"],
                 "Contact__c": make_id(CONTACT.prefix, r["contact_id"]), "Total__c": float(r["total"]),
                 "Status__c": r["status"], "PlacedAt__c": sf_datetime(r["placed_at"]),
                 "CreatedDate": sf_datetime(r["placed_at"])}
                for r in self.db.query("SELECT * FROM orders WHERE 1=1" + narrow, tuple(params))]

    def disposition_rows(self, hints: dict[str, list[Any]]) -> list[dict[str, Any]]:
        return [{"Id": make_id(CALL_DISPOSITION.prefix, r["n"]), "DeveloperName": r["code"], "MasterLabel": r["label"],
                 "Queue__c": r["queue"], "IsSystem__c": bool(r["system"]), "SortOrder__c": float(r["position"])}
                for r in self.db.query("SELECT rowid AS n, * FROM dispositions")]

    # -- writing ------------------------------------------------------------------------------------
    def create(self, obj: SObject, body: Any, principal: Principal) -> str:
        if not obj.writable:
            raise no_access(f"insufficient access rights: {obj.name} records are read only through this API")
        values = checked_body(obj, body, creating=True)
        writers = {"Contact": self._create_contact, "Task": self._create_task, "Case": self._create_case,
                   CUSTOMER_ORDER.name: self._create_order}
        with self.db.transaction():
            return writers[obj.name](values, principal)

    def update(self, obj: SObject, record_id: str, body: Any, principal: Principal) -> None:
        if not obj.writable:
            raise no_access(f"insufficient access rights: {obj.name} records are read only through this API")
        number = parse_id(self.row(obj, record_id)["Id"])[1]
        values = checked_body(obj, body, creating=False)
        writers = {"Contact": self._update_contact, "Task": self._update_task, "Case": self._update_case}
        if obj.name not in writers:  # every field of a customer order is create-only: nothing reaches here
            raise no_access(f"insufficient access rights: {obj.name} records cannot be changed")
        with self.db.transaction():
            writers[obj.name](number, values, principal)

    def delete(self, obj: SObject, record_id: str, principal: Principal) -> None:
        number = parse_id(self.row(obj, record_id)["Id"])[1]
        if not obj.deletable:
            raise no_access(f"insufficient access rights: {obj.name} records are not deletable in this org")
        _permitted(require_may_delete_contacts, principal)
        self.crm.delete_contact(number)

    def _contact_exists(self, number: int | None, field: str) -> None:
        if number is not None and not self.crm.contact_exists(number):
            raise bad_request("INVALID_CROSS_REFERENCE_KEY", f"{field}: invalid cross reference id", field)

    # contacts
    def _contact_fields(self, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        fields = {CONTACT_COLUMNS[k]: v for k, v in values.items() if k in CONTACT_COLUMNS}
        for optional in ("email", "account_number", "tax_id"):
            if fields.get(optional) == "":
                fields[optional] = None
        custom = {MARKETING_FIELDS[k]: v for k, v in values.items() if k in MARKETING_FIELDS}
        if custom.get("lead_score") is not None:
            custom["lead_score"] = int(custom["lead_score"]) if float(custom["lead_score"]).is_integer() \
                else custom["lead_score"]
        if custom:
            fields["custom_fields"] = custom
        return fields, {k: values[k] for k in ("BillingStatus__c", "BillingBalance__c") if k in values}

    def _set_billing(self, number: int, billing: dict[str, Any]) -> None:
        if not billing:
            return
        now = self.db.one("SELECT status, balance FROM billing WHERE contact_id=?", (number,)) or {}
        self.crm.set_billing(number, billing.get("BillingStatus__c") or now.get("status") or "current",
                             float(billing.get("BillingBalance__c", now.get("balance")) or 0.0))

    def _create_contact(self, values: dict[str, Any], principal: Principal) -> str:
        if not values.get("LastName"):
            raise bad_request("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", "LastName")
        if not values.get("FirstName") or not values.get("Phone"):
            raise bad_request("FIELD_CUSTOM_VALIDATION_EXCEPTION", "A contact in this org needs a first name and a "
                              "phone number", *[f for f in ("FirstName", "Phone") if not values.get(f)])
        fields, billing = self._contact_fields(values)
        number = self._stored(lambda: self.crm.create_contact(fields))
        self._set_billing(number, billing)
        return make_id(CONTACT.prefix, number)

    def _update_contact(self, number: int, values: dict[str, Any], principal: Principal) -> None:
        if "LastName" in values and not values["LastName"]:
            raise bad_request("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", "LastName")
        for required in ("FirstName", "Phone"):
            if required in values and not values[required]:
                raise bad_request("FIELD_CUSTOM_VALIDATION_EXCEPTION", f"{required}: a contact in this org needs a "
                                  "first name and a phone number", required)
        fields, billing = self._contact_fields(values)
        self._stored(lambda: self.crm.update_contact(number, fields))
        self._set_billing(number, billing)

    def _stored(self, write: Callable[[], Any]) -> Any:
        """A store write, its refusals answered in Salesforce's words."""
        try:
            return write()
        except Conflict as exc:
            if "deleted" in str(exc):
                raise SfError(404, "ENTITY_IS_DELETED", "entity is deleted") from None
            owner = self.db.one("SELECT id FROM contacts WHERE account_number=? ", (str(exc).split()[2],)) \
                if str(exc).startswith("account number") else None
            where = f" on record with id: {make_id(CONTACT.prefix, owner['id'])}" if owner else ""
            raise bad_request("DUPLICATE_VALUE", f"duplicate value found: {_conflict_field(str(exc))} duplicates "
                              f"value{where}", _conflict_field(str(exc))) from None
        except Invalid as exc:
            raise bad_request("INVALID_CROSS_REFERENCE_KEY", f"invalid cross reference id: {exc}") from None
        except NotFound:
            raise not_found() from None

    # tasks (call logs)
    def _task_fields(self, values: dict[str, Any], principal: Principal) -> tuple[dict[str, Any], str | None]:
        fields = {TASK_COLUMNS[k]: v for k, v in values.items() if k in TASK_COLUMNS}
        self._contact_exists(fields.get("contact_id"), "WhoId")
        if "CallType" in values:
            fields["direction"] = (values["CallType"] or "inbound").lower()
        if "OwnerId" in values:
            fields["agent"] = self.username_of(values["OwnerId"])
        if "CallAttributes__c" in values:
            fields["attributes"] = attributes_json("CallAttributes__c", values["CallAttributes__c"])
        fields["source"] = principal.name.removesuffix("-service") if principal.kind == "client" else "console"
        status = {"Completed": "completed", "In Progress": "in_progress"}.get(values.get("Status") or "")
        return fields, status

    def _create_task(self, values: dict[str, Any], principal: Principal) -> str:
        call_id = values.get("CallObject")
        if not call_id:
            raise bad_request("FIELD_CUSTOM_VALIDATION_EXCEPTION", "CallObject: every task in this org logs one "
                              "interaction; give its id", "CallObject")
        existing = self.crm.activity(call_id)
        if existing is not None:
            raise bad_request("DUPLICATE_VALUE", "duplicate value found: CallObject duplicates value on record with "
                              f"id: {make_id(TASK.prefix, existing['id'])}", "CallObject")
        fields, status = self._task_fields(values, principal)
        fields.setdefault("type", {"Email": "email"}.get(values.get("TaskSubtype") or "", "call"))
        if "agent" not in fields and principal.kind != "client":
            fields["agent"] = principal.name  # a log a user starts is theirs
        fields.setdefault("correlation_id", correlation.current())
        _permitted(require_may_write_call_log, principal, None, fields.get("agent"), status)
        stored = self._stored(lambda: self.crm.upsert_activity(call_id, fields, status or "in_progress",
                                                               contact_chosen_by="api"))
        return make_id(TASK.prefix, stored["id"])

    def _update_task(self, number: int, values: dict[str, Any], principal: Principal) -> None:
        row = self.db.one("SELECT * FROM activities WHERE id=?", (number,))
        blanked = [k for k, v in values.items() if v is None]
        if blanked:
            raise bad_request("FIELD_INTEGRITY_EXCEPTION", f"{blanked[0]}: a call log keeps what it logged; it "
                              "cannot be blanked", *blanked)
        fields, status = self._task_fields(values, principal)
        if row["status"] == "completed" and status == "in_progress":
            raise bad_request("FIELD_INTEGRITY_EXCEPTION", "Status: a completed call log stays completed", "Status")
        _permitted(require_may_write_call_log, principal, dict(row), fields.get("agent"), status)
        self._stored(lambda: self.crm.upsert_activity(row["interaction_id"], fields, status, contact_chosen_by="api"))

    # cases and orders
    def _create_case(self, values: dict[str, Any], principal: Principal) -> str:
        missing = [f for f in ("ContactId", "Subject") if not values.get(f)]
        if missing:
            raise bad_request("FIELD_CUSTOM_VALIDATION_EXCEPTION", "A case in this org belongs to a contact and has a "
                              "subject", *missing)
        self._contact_exists(values["ContactId"], "ContactId")
        case = self.crm.add_case(values["ContactId"], values["Subject"],
                                 STORE_CASE_STATUS[values.get("Status") or "New"])
        return make_id(CASE.prefix, case["id"])

    def _update_case(self, number: int, values: dict[str, Any], principal: Principal) -> None:
        changes = {"contact_id": values.get("ContactId"), "subject": values.get("Subject"),
                   "status": STORE_CASE_STATUS.get(values.get("Status") or "")}
        changes = {k: v for k, v in changes.items() if v is not None}
        if len(changes) < len(values):
            raise bad_request("FIELD_INTEGRITY_EXCEPTION", "A case keeps its contact, subject and status: none can be "
                              "blanked", *[k for k, v in values.items() if v is None])
        self._contact_exists(changes.get("contact_id"), "ContactId")
        if changes:
            self.db.execute(f"UPDATE cases SET {', '.join(f'{k}=?' for k in changes)} WHERE id=?",
                            (*changes.values(), number))
            self.crm.events.emit("case.updated", self.db.one("SELECT * FROM cases WHERE id=?", (number,)))

    def _create_order(self, values: dict[str, Any], principal: Principal) -> str:
        missing = [f for f in ("Name", "Contact__c", "Total__c") if values.get(f) in (None, "")]
        if missing:
            raise bad_request("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", *missing)
        self._contact_exists(values["Contact__c"], "Contact__c")
        order = self._stored(lambda: self.crm.add_order(values["Contact__c"], values["Name"], float(values["Total__c"]),
                                                        values.get("Status__c") or "placed", values.get("PlacedAt__c")))
        return make_id(CUSTOMER_ORDER.prefix, order["id"])


def _conflict_field(message: str) -> str:
    return "AccountNumber__c" if message.startswith("account number") else "Name"


def _permitted(rule: Callable[..., None], *args: Any) -> None:
    """A write rule of the sandbox (sandbox/crm/write_rules.py), its refusal in Salesforce's words."""
    try:
        rule(*args)
    except HTTPException as exc:
        raise no_access(f"insufficient access rights: {exc.detail}") from None
