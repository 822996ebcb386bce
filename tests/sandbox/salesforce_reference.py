"""Test data: the standard fields the door serves, with their types, as Salesforce documents them.

From Salesforce's Object Reference (Object Reference for the Salesforce Platform: Contact, Task,
Case, User; "Standard Fields" of custom objects and of custom metadata types) and the field types of
the SOAP/REST API (Field Types: id, reference, string, boolean, int, double, currency, date, dateTime,
email, phone, picklist, textarea, combobox). Any other field a record carries must be a custom field
(its name ends in __c) that describe lists, with its help text.
"""
from __future__ import annotations

import re
from typing import Any

DOCUMENTED: dict[str, dict[str, str]] = {
    "Contact": {
        "Id": "id", "IsDeleted": "boolean", "FirstName": "string", "LastName": "string", "Name": "string",
        "Phone": "phone", "Email": "email", "Birthdate": "date", "DoNotCall": "boolean",
        "HasOptedOutOfEmail": "boolean", "CreatedDate": "datetime", "LastModifiedDate": "datetime",
    },
    "Task": {
        "Id": "id", "IsDeleted": "boolean", "WhoId": "reference", "OwnerId": "reference", "Subject": "combobox",
        "Description": "textarea", "Status": "picklist", "IsClosed": "boolean", "TaskSubtype": "picklist",
        "CallObject": "string", "CallDisposition": "string", "CallDurationInSeconds": "int",
        "CallType": "picklist", "CreatedDate": "datetime", "LastModifiedDate": "datetime",
        "CompletedDateTime": "datetime",
    },
    "Case": {
        "Id": "id", "IsDeleted": "boolean", "CaseNumber": "string", "ContactId": "reference", "Subject": "string",
        "Status": "picklist", "IsClosed": "boolean", "CreatedDate": "datetime",
    },
    "User": {
        "Id": "id", "Username": "string", "Name": "string", "FirstName": "string", "LastName": "string",
        "IsActive": "boolean", "UserType": "picklist",
    },
    # a custom object's standard fields; a custom metadata type's standard fields
    "CustomerOrder__c": {"Id": "id", "IsDeleted": "boolean", "Name": "string", "CreatedDate": "datetime"},
    "CallDisposition__mdt": {"Id": "id", "DeveloperName": "string", "MasterLabel": "string"},
    "HelpdeskTicket__c": {"Id": "id", "IsDeleted": "boolean", "Name": "string"},
    # Omni-Channel (Object Reference and Field Reference: ServicePresenceStatus, UserServicePresence)
    "ServicePresenceStatus": {"Id": "id", "IsDeleted": "boolean", "DeveloperName": "string", "MasterLabel": "string",
                              "CreatedDate": "datetime"},
    "UserServicePresence": {
        "Id": "id", "IsDeleted": "boolean", "Name": "string", "UserId": "reference",
        "ServicePresenceStatusId": "reference", "IsCurrentState": "boolean", "IsAway": "boolean",
        "StatusStartDate": "datetime", "StatusEndDate": "datetime", "CreatedDate": "datetime",
        "CreatedById": "reference", "LastModifiedDate": "datetime", "LastModifiedById": "reference",
    },
}

#: documented picklist values where the door restricts them to a documented subset
PICKLISTS = {("Task", "CallType"): {"Inbound", "Outbound", "Internal"},
             ("Task", "TaskSubtype"): {"Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"},
             ("Task", "Status"): {"Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"},
             ("User", "UserType"): {"Standard", "AutomatedProcess", "PowerPartner", "CspLitePortal", "Guest"}}

SALESFORCE_ID = re.compile(r"^[0-9A-Za-z]{18}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TEXT_TYPES = {"string", "phone", "email", "textarea", "combobox", "picklist"}


def value_problem(kind: str, value: Any) -> str | None:
    """Why a JSON value is not one of that Salesforce field type (None when it is)."""
    if kind in ("id", "reference"):
        ok = isinstance(value, str) and bool(SALESFORCE_ID.match(value))
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind in ("double", "currency"):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "date":
        ok = isinstance(value, str) and bool(DATE.match(value))
    elif kind == "datetime":
        ok = isinstance(value, str) and bool(DATETIME.match(value))
    elif kind in TEXT_TYPES:
        ok = isinstance(value, str)
    else:
        return f"unknown Salesforce type {kind}"
    return None if ok else f"{value!r} is not a {kind}"


def record_problems(record: dict[str, Any], described: dict[str, Any], version: str) -> list[str]:
    """Every way a record differs from the documented fields and types (and from the object's describe)."""
    problems = []
    kind = record.get("attributes", {}).get("type")
    fields = {f["name"]: f for f in described["fields"]}
    if kind != described["name"]:
        problems.append(f"attributes.type {kind!r} is not {described['name']}")
    if "Id" in record and record["attributes"].get("url") != f"/services/data/v{version}/sobjects/{kind}/{record['Id']}":
        problems.append(f"attributes.url {record['attributes'].get('url')!r} does not name the record")
    for name, value in record.items():
        if name == "attributes":
            continue
        documented = DOCUMENTED[described["name"]].get(name)
        spec = fields.get(name)
        if spec is None:
            problems.append(f"{name} is not in describe")
            continue
        if documented is None and not (name.endswith("__c") and spec["custom"] and spec["inlineHelpText"]):
            problems.append(f"{name} is neither a documented field nor a documented custom field (__c)")
        if documented is not None and spec["type"] != documented:
            problems.append(f"{name}: describe says {spec['type']}, Salesforce documents {documented}")
        if value is None:
            if not spec["nillable"]:
                problems.append(f"{name} is null but not nillable")
            continue
        problem = value_problem(documented or spec["type"], value)
        if problem:
            problems.append(f"{name}: {problem}")
        if spec["picklistValues"] and value not in {p["value"] for p in spec["picklistValues"]}:
            problems.append(f"{name}: {value!r} is not one of its picklist values")
    return problems
