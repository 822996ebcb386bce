"""The Salesforce door's org: which sObjects and fields it has, its 18-character ids, and describe.

The standard fields keep Salesforce's names, types and labels (Salesforce's Object Reference:
Contact, Task, Case, User). What Salesforce lacks and the contact center keeps is a custom field
(``__c``) or a custom object, each documented here and in describe (``inlineHelpText``):

Contact
  ContactCenterId__c Auto Number (display format {0}), external id: the contact's id in the contact center's
                     other systems (helpdesk, marketing automation, chat, the CTI's records), which know the
                     contact by it rather than by its Salesforce Id (read only).
  AccountNumber__c   Text(40), unique, external id: the customer's account number (keyed into the IVR).
  TaxId__c           Text(40): the tax id (hidden from agents and trainees by field-level security).
  BillingStatus__c   Picklist current | overdue | pending_payment: the billing system's status.
  BillingBalance__c  Currency: the balance owed (hidden from trainees).
  Industry__c, LeadScore__c, LifecycleStage__c: what marketing automation keeps up to date.
Task (the Open CTI call log; CallObject = the CTI's interaction id)
  Channel__c         Picklist call | chat | email | web_form | webinar: what the timeline entry is
                     (TaskSubtype only knows Call, Email and Task).
  FromNumber__c      Phone: the customer's number.        Queue__c  Text(40): the CTI queue.
  WrapUpSeconds__c, HoldSeconds__c, MutedSeconds__c  Number: time in after-call work, on hold, muted.
  Dtmf__c            Text(200): digits the agent sent.    CorrelationId__c  Text(128): the journey id.
  TransferNote__c    Text area(1000), TransferredBy__c Text(100): the note and the agent of a transfer.
  CallAttributes__c  Long text (JSON): the call's attributes, i.e. the IVR context or the bot's handover.
  ContactChosenBy__c Picklist screenpop | agent | api: how WhoId was chosen (read only).
  Source__c          Text(40): the system that logged it (read only).
  OccurredAt__c      Date/Time: when it happened (when it was logged, unless the writer said).
  CallDurationInSeconds (standard) is read only here: the seconds from the call reaching the agent to
  its end (completion less wrap-up), blank for a call logged already completed.
Case: Status picklist New | On Hold | Closed (the sandbox's open | pending | closed).
User: DeskRole__c Picklist agent | trainee | supervisor | integration (read only); the sandbox's users,
  its API clients (their integration users) and the Automated Process user (owner of a call log with no
  agent). Users are read only: they are managed by the sandbox's user administration.
CustomerOrder__c (custom object): Name = the order number, Contact__c, Total__c, Status__c, PlacedAt__c.
CallDisposition__mdt (custom metadata): DeveloperName = the code, MasterLabel, Queue__c, IsSystem__c,
  SortOrder__c: the wrap-up dispositions offered per queue (read only).
ServicePresenceStatus, UserServicePresence (Omni-Channel, standard, read only as in Salesforce: presence is
  set in the console, not through the API): sandbox/crm/salesforce_service.py.
HelpdeskTicket__c (custom object, read only): the helpdesk's tickets as its Salesforce integration keeps them
  in the org (Name = the ticket id, Contact__c, Subject__c, Status__c, StatusLabel__c, Priority__c,
  Channel__c, Escalated__c, UpdatedAt__c): sandbox/crm/salesforce_service.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

API_VERSIONS = tuple(f"{n}.0" for n in range(31, 63))  # what /services/data/ lists and the door accepts

# -- ids ------------------------------------------------------------------------------------------
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # ASCII order: ids sort by number
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_POD = "Dk0"  # instance and reserved characters of this org's ids


def _checksum(id15: str) -> str:
    """Salesforce's 3-character suffix: which letters of each 5-character chunk are upper case."""
    return "".join(_SUFFIX[sum(1 << i for i, ch in enumerate(id15[k:k + 5]) if "A" <= ch <= "Z")]
                   for k in (0, 5, 10))


def make_id(prefix: str, number: int) -> str:
    """The 18-character id of a store row: key prefix, pod, the row number in base 62, checksum."""
    digits = ""
    while True:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
        if not number:
            break
    id15 = prefix + _POD + digits.rjust(9, "0")
    return id15 + _checksum(id15)


def parse_id(value: Any) -> tuple[str, int] | None:
    """(key prefix, row number) of a 15- or 18-character id of this org; None when it is not one."""
    if not isinstance(value, str) or len(value) not in (15, 18) or value[3:6] != _POD:
        return None
    if any(ch not in _BASE62 for ch in value[:15]) or (len(value) == 18 and value[15:] != _checksum(value[:15])):
        return None
    number = 0
    for ch in value[6:15]:
        number = number * 62 + _BASE62.index(ch)
    return value[:3], number


# -- fields and objects ---------------------------------------------------------------------------
SOAP_TYPES = {"id": "tns:ID", "reference": "tns:ID", "boolean": "xsd:boolean", "int": "xsd:int",
              "double": "xsd:double", "currency": "xsd:double", "date": "xsd:date", "datetime": "xsd:dateTime"}
TEXT_TYPES = ("string", "email", "phone", "picklist", "textarea", "combobox", "id", "reference")


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Salesforce's describe type: id, string, boolean, int, double, currency, date, datetime, ...
    label: str
    length: int = 0
    create: bool = True
    update: bool = True
    nillable: bool = True
    picklist: tuple[tuple[str, str], ...] = ()  # (API value, label)
    reference_to: str | None = None
    unique: bool = False
    help: str = ""  # what a custom field holds (describe's inlineHelpText)
    auto_number: bool = False  # an Auto Number field: text the org numbers itself, read only
    hidden_as: str | None = None  # the sandbox's field-visibility name (roles that may not see it)

    @property
    def custom(self) -> bool:
        return self.name.endswith("__c")

    def describe(self) -> dict[str, Any]:
        number = self.type in ("double", "currency")
        return {
            "name": self.name, "label": self.label, "type": self.type,
            "soapType": SOAP_TYPES.get(self.type, "xsd:string"),
            "length": self.length if self.type in TEXT_TYPES else 0, "precision": 18 if number else 0,
            "scale": 2 if self.type == "currency" else 0, "digits": 9 if self.type == "int" else 0,
            "nillable": self.nillable, "createable": self.create, "updateable": self.update,
            "custom": self.custom, "calculated": self.name == "Name" and not self.create,
            "autoNumber": self.auto_number, "unique": self.unique, "externalId": self.unique and self.custom,
            "idLookup": self.type == "id" or self.unique, "nameField": self.name == "Name",
            "filterable": self.type != "textarea", "sortable": self.type != "textarea",
            "defaultedOnCreate": self.type == "boolean" or self.name in ("Id", "OwnerId", "CreatedDate"),
            "picklistValues": [{"value": v, "label": lbl, "active": True, "defaultValue": False, "validFor": None}
                               for v, lbl in self.picklist],
            "restrictedPicklist": bool(self.picklist), "referenceTo": [self.reference_to] if self.reference_to else [],
            "relationshipName": self.name[:-2] if self.reference_to and self.name.endswith("Id") else
            (self.name.replace("__c", "__r") if self.reference_to else None),
            "inlineHelpText": self.help or None,
        }


def _ro(name: str, type_: str, label: str, **kw: Any) -> Field:
    return Field(name, type_, label, create=False, update=False, **kw)


def _pick(*values: str) -> tuple[tuple[str, str], ...]:
    return tuple((v, v.replace("_", " ").capitalize() if v.islower() else v) for v in values)


@dataclass(frozen=True)
class SObject:
    name: str
    label: str
    prefix: str
    fields: tuple[Field, ...]
    writable: bool = True  # False: no create, update or delete through the API
    deletable: bool = False

    @property
    def custom(self) -> bool:
        return self.name.endswith(("__c", "__mdt"))

    def field(self, name: str) -> Field | None:
        """The field of that name, whatever its case (SOQL and JSON field names are case-insensitive)."""
        return self._by_lower().get(name.lower())

    def _by_lower(self) -> dict[str, Field]:
        return {f.name.lower(): f for f in self.fields}

    def visible(self, hidden: set[str]) -> "SObject":
        """The object as a principal sees it: fields hidden by field-level security left out."""
        return SObject(self.name, self.label, self.prefix, tuple(f for f in self.fields if f.hidden_as not in hidden),
                       self.writable, self.deletable)

    def url(self, version: str) -> str:
        return f"/services/data/v{version}/sobjects/{self.name}"

    def describe(self, version: str) -> dict[str, Any]:
        base = self.url(version)
        return {
            "name": self.name, "label": self.label, "labelPlural": self.label + "s", "keyPrefix": self.prefix,
            "custom": self.custom, "createable": self.writable, "updateable": self.writable,
            "deletable": self.deletable, "queryable": True, "retrieveable": True, "searchable": False,
            "fields": [f.describe() for f in self.fields], "childRelationships": [], "recordTypeInfos": [],
            "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"},
        }

    def summary(self, version: str) -> dict[str, Any]:
        return {k: v for k, v in self.describe(version).items()
                if k not in ("fields", "childRelationships", "recordTypeInfos")}


_ID = _ro("Id", "id", "Record ID", nillable=False, length=18)
_DELETED = _ro("IsDeleted", "boolean", "Deleted", nillable=False)
_CREATED = _ro("CreatedDate", "datetime", "Created Date")
_MODIFIED = _ro("LastModifiedDate", "datetime", "Last Modified Date")

CONTACT = SObject("Contact", "Contact", "003", (
    _ID, _DELETED,
    Field("FirstName", "string", "First Name", 40), Field("LastName", "string", "Last Name", 80, nillable=False),
    _ro("Name", "string", "Full Name", length=121), Field("Phone", "phone", "Business Phone", 40),
    Field("Email", "email", "Email", 80), Field("Birthdate", "date", "Birthdate", hidden_as="date_of_birth"),
    Field("DoNotCall", "boolean", "Do Not Call", nillable=False),
    Field("HasOptedOutOfEmail", "boolean", "Email Opt Out", nillable=False), _CREATED, _MODIFIED,
    _ro("ContactCenterId__c", "string", "Contact Center ID", length=30, unique=True, auto_number=True,
        help="The contact's id in the contact center's other systems (helpdesk, marketing automation, chat, the "
             "CTI's records), which know the contact by it"),
    Field("AccountNumber__c", "string", "Account Number", 40, unique=True,
          help="The customer's account number, keyed into the IVR; unique per contact"),
    Field("TaxId__c", "string", "Tax ID", 40, hidden_as="tax_id", help="The customer's tax id"),
    Field("BillingStatus__c", "picklist", "Billing Status", 255, picklist=_pick("current", "overdue", "pending_payment"),
          help="The billing system's status of the customer's account"),
    Field("BillingBalance__c", "currency", "Billing Balance", hidden_as="billing.balance",
          help="The balance the customer owes"),
    Field("Industry__c", "string", "Industry", 255, help="Kept up to date by marketing automation"),
    Field("LeadScore__c", "double", "Lead Score", help="Kept up to date by marketing automation"),
    Field("LifecycleStage__c", "string", "Lifecycle Stage", 255, help="Kept up to date by marketing automation"),
), deletable=True)

TASK = SObject("Task", "Task", "00T", (
    _ID, _DELETED,
    Field("WhoId", "reference", "Name ID", 18, reference_to="Contact"),
    Field("OwnerId", "reference", "Assigned To ID", 18, nillable=False, reference_to="User"),
    Field("Subject", "combobox", "Subject", 255), Field("Description", "textarea", "Description", 32000),
    Field("Status", "picklist", "Status", 255, nillable=False, picklist=_pick("In Progress", "Completed")),
    _ro("IsClosed", "boolean", "Closed", nillable=False),
    Field("TaskSubtype", "picklist", "Task Subtype", 255, update=False, picklist=_pick("Call", "Email", "Task")),
    Field("CallObject", "string", "Call Object Identifier", 255),
    Field("CallDisposition", "string", "Call Result", 255),
    _ro("CallDurationInSeconds", "int", "Call Duration"),
    Field("CallType", "picklist", "Call Type", 255, picklist=_pick("Inbound", "Outbound")),
    _CREATED, _MODIFIED, _ro("CompletedDateTime", "datetime", "Completed Date/Time"),
    Field("Channel__c", "picklist", "Channel", 255, picklist=_pick("call", "chat", "email", "web_form", "webinar"),
          help="What the timeline entry is: a call, chat, email, web form or webinar"),
    Field("FromNumber__c", "phone", "Customer Number", 40, help="The customer's number"),
    Field("Queue__c", "string", "Queue", 40, help="The CTI queue the call came through"),
    Field("WrapUpSeconds__c", "double", "Wrap-up Seconds", help="Seconds the agent spent in after-call work"),
    Field("HoldSeconds__c", "double", "Hold Seconds", help="Seconds the customer was on hold"),
    Field("MutedSeconds__c", "double", "Muted Seconds", help="Seconds the agent was muted"),
    Field("Dtmf__c", "string", "Digits Sent", 200, help="Digits the agent sent during the call"),
    Field("CorrelationId__c", "string", "Correlation ID", 128, help="The customer journey the call belongs to"),
    Field("TransferNote__c", "textarea", "Transfer Note", 1000, help="The note of the transfer that brought the call"),
    Field("TransferredBy__c", "string", "Transferred By", 100, help="The agent who transferred the call"),
    Field("CallAttributes__c", "textarea", "Call Attributes", 32000,
          help="The call's attributes as JSON: the IVR context, or the bot's handover of a chat"),
    _ro("ContactChosenBy__c", "picklist", "Contact Chosen By", length=255, picklist=_pick("screenpop", "agent", "api"),
        help="How the contact (WhoId) was chosen"),
    _ro("Source__c", "string", "Source", length=40, help="The system that logged it"),
    Field("OccurredAt__c", "datetime", "Occurred At", help="When it happened (when it was logged, unless the writer said)"),
))

CASE = SObject("Case", "Case", "500", (
    _ID, _DELETED, _ro("CaseNumber", "string", "Case Number", length=30, nillable=False),
    Field("ContactId", "reference", "Contact ID", 18, reference_to="Contact"), Field("Subject", "string", "Subject", 255),
    Field("Status", "picklist", "Status", 255, picklist=_pick("New", "On Hold", "Closed")),
    _ro("IsClosed", "boolean", "Closed", nillable=False), _CREATED,
))

USER = SObject("User", "User", "005", (
    _ID, _ro("Username", "string", "Username", length=80, nillable=False),
    _ro("Name", "string", "Full Name", length=121), _ro("FirstName", "string", "First Name", length=40),
    _ro("LastName", "string", "Last Name", length=80), _ro("IsActive", "boolean", "Active", nillable=False),
    _ro("UserType", "picklist", "User Type", length=255, picklist=_pick("Standard", "AutomatedProcess")),
    _ro("DeskRole__c", "picklist", "Desk Role", length=255,
        picklist=_pick("agent", "trainee", "supervisor", "integration"),
        help="The desk role: what the user may see and write"),
), writable=False)

CUSTOMER_ORDER = SObject("CustomerOrder__c", "Customer Order", "a01", (
    _ID, _DELETED, Field("Name", "string", "Order Number", 80, update=False, nillable=False),
    Field("Contact__c", "reference", "Contact", 18, update=False, reference_to="Contact", help="Who placed the order"),
    Field("Total__c", "currency", "Total", update=False, help="The order's total"),
    Field("Status__c", "picklist", "Status", 255, update=False,
          picklist=_pick("placed", "shipped", "delivered", "cancelled", "returned"), help="Where the order is"),
    Field("PlacedAt__c", "datetime", "Placed At", update=False, help="When the order was placed"), _CREATED,
))

CALL_DISPOSITION = SObject("CallDisposition__mdt", "Call Disposition", "m01", (
    _ID, _ro("DeveloperName", "string", "Disposition Code", length=40, nillable=False),
    _ro("MasterLabel", "string", "Label", length=40, nillable=False),
    _ro("Queue__c", "string", "Queue", length=40, help="The queue whose agents may choose it"),
    _ro("IsSystem__c", "boolean", "Set by the System", nillable=False,
        help="Set by the system (e.g. a wrap-up timeout), never offered to agents"),
    _ro("SortOrder__c", "double", "Sort Order", help="Where the softphone lists it"),
), writable=False)

SERVICE_PRESENCE_STATUS = SObject("ServicePresenceStatus", "Presence Status", "0N5", (
    _ID, _DELETED, _ro("DeveloperName", "string", "Developer Name", length=80, nillable=False),
    _ro("MasterLabel", "string", "Status Name", length=80, nillable=False), _CREATED,
), writable=False)

USER_SERVICE_PRESENCE = SObject("UserServicePresence", "User Presence", "0Hn", (
    _ID, _DELETED, _ro("Name", "string", "Name", length=255),
    _ro("UserId", "reference", "User ID", length=18, nillable=False, reference_to="User"),
    _ro("ServicePresenceStatusId", "reference", "Service Presence Status ID", length=18,
        reference_to="ServicePresenceStatus"),
    _ro("IsCurrentState", "boolean", "Is Current State", nillable=False),
    _ro("IsAway", "boolean", "Is Away", nillable=False),
    _ro("StatusStartDate", "datetime", "Status Start Date"), _ro("StatusEndDate", "datetime", "Status End Date"),
    _CREATED, _ro("CreatedById", "reference", "Created By ID", length=18, reference_to="User"),
    _MODIFIED, _ro("LastModifiedById", "reference", "Last Modified By ID", length=18, reference_to="User"),
), writable=False)

HELPDESK_TICKET = SObject("HelpdeskTicket__c", "Helpdesk Ticket", "a02", (
    _ID, _DELETED, _ro("Name", "string", "Ticket ID", length=80, nillable=False),
    _ro("Contact__c", "reference", "Contact", length=18, reference_to="Contact", help="The customer it is for"),
    _ro("Subject__c", "string", "Subject", length=255, help="The ticket's subject"),
    _ro("Status__c", "picklist", "Status", length=255, picklist=_pick("new", "open", "pending", "solved", "closed"),
        help="Where the ticket is in the helpdesk"),
    _ro("StatusLabel__c", "string", "Status Label", length=80, help="The status as the helpdesk's screens show it"),
    _ro("Priority__c", "picklist", "Priority", length=255, picklist=_pick("low", "normal", "high", "urgent"),
        help="The ticket's priority"),
    _ro("Channel__c", "string", "Channel", length=40, help="Where the ticket came from: phone, email, chat, web"),
    _ro("Escalated__c", "boolean", "Escalated", nillable=False, help="Escalated for breaching its SLA"),
    _ro("UpdatedAt__c", "datetime", "Updated At", help="When the helpdesk last changed it"),
), writable=False)

SOBJECTS: dict[str, SObject] = {o.name.lower(): o for o in (CONTACT, TASK, CASE, USER, CUSTOMER_ORDER, CALL_DISPOSITION,
                                                            SERVICE_PRESENCE_STATUS, USER_SERVICE_PRESENCE,
                                                            HELPDESK_TICKET)}
BY_PREFIX: dict[str, SObject] = {o.prefix: o for o in SOBJECTS.values()}


def sobject(name: str) -> SObject | None:
    return SOBJECTS.get(name.lower())
