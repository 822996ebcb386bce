"""The sandbox's marketing, IVR, chat and helpdesk REST APIs and its test API (``/_sandbox/``).

Only the sandbox adapters read these answers; steps see records.
"""
from __future__ import annotations

from typing import Any

from deskcheck.adapters.sandbox.http import ApiClient


class MarketingClient(ApiClient):
    """Marketing automation: contacts synced with the crm, forms, campaigns, scores, sync jobs, reconciliation."""

    system = "marketing"

    def mapping(self) -> dict:
        """The field-mapping spec the connector executes: the suite's reference for every field."""
        return self.get("/api/mapping")

    def picklist(self, name: str) -> dict:
        return self.get(f"/api/picklists/{name}")

    def contacts(self, **filters: Any) -> list[dict]:
        found: list[dict] = []
        after = 0
        while True:
            page = self.get("/api/contacts", params={**filters, "after_id": after, "limit": 5000})["contacts"]
            found += page
            if len(page) < 5000:
                return found
            after = page[-1]["id"]

    def contact(self, contact_id: Any) -> dict:
        return self.get(f"/api/contacts/{contact_id}")

    def contact_for(self, crm_id: Any) -> dict:
        """The one marketing contact of a crm contact; AssertionError while there is none (``eventually`` waits)."""
        found = self.contacts(crm_id=crm_id)
        assert len(found) == 1, f"marketing has {len(found)} contacts for crm contact {crm_id}"
        return self.contact(found[0]["id"])

    def update_contact(self, contact_id: Any, **fields: Any) -> dict:
        return self.patch(f"/api/contacts/{contact_id}", fields)

    def unsubscribe(self, contact_id: Any) -> dict:
        return self.post(f"/api/contacts/{contact_id}/unsubscribe")

    def score(self, contact_id: Any, delta: int | None = None, set: int | None = None) -> dict:
        return self.post(f"/api/contacts/{contact_id}/score", {"delta": delta} if set is None else {"set": set})

    def create_trigger(self, name: str, threshold: int, refire_on_recross: bool = False) -> dict:
        return self.post("/api/score-triggers", {"name": name, "threshold": threshold,
                                                 "refire_on_recross": refire_on_recross})

    def trigger(self, trigger_id: Any) -> dict:
        return self.get(f"/api/score-triggers/{trigger_id}")

    def retire_trigger(self, trigger_id: Any) -> dict:
        return self.delete(f"/api/score-triggers/{trigger_id}")

    def create_campaign(self, name: str, kind: str) -> dict:
        return self.post("/api/campaigns", {"name": name, "kind": kind})

    def campaign(self, campaign_id: Any) -> dict:
        return self.get(f"/api/campaigns/{campaign_id}")

    def enrol(self, campaign_id: Any, **who: Any) -> dict:
        return self.post(f"/api/campaigns/{campaign_id}/enrolments", who)

    def send_email(self, contact_id: Any, subject: str, campaign_id: Any = None) -> dict:
        return self.post("/api/emails", {"contact_id": contact_id, "subject": subject,
                                         **({"campaign_id": campaign_id} if campaign_id else {})})

    def submit_form(self, submission: dict, expect: tuple[int, ...] = (200, 201)) -> Any:
        return self.call("POST", "/api/form-submissions", json=submission, expect=expect)

    def import_contacts(self, rows: list[dict]) -> dict:
        return self.post("/api/imports", {"contacts": rows})

    def run_sync(self) -> dict:
        return self.post("/api/sync/run")

    def sync_status(self) -> dict:
        return self.get("/api/sync/status")

    def sync_jobs(self, limit: int = 50) -> list[dict]:
        return self.get("/api/sync/jobs", params={"limit": limit})["jobs"]

    def sync_errors(self) -> list[dict]:
        return self.get("/api/sync/errors")["errors"]

    def reconcile(self, crm_ids: list[Any] | None = None, marketing_ids: list[Any] | None = None) -> dict:
        if not crm_ids and not marketing_ids:
            return self.get("/api/reconciliation")
        return self.post("/api/reconciliation", {"crm_ids": list(crm_ids or []), "marketing_ids": list(marketing_ids or [])})


class IvrClient(ApiClient):
    """The IVR's call simulator: a caller walks the menus with DTMF or speech."""

    system = "ivr"

    def start_call(self, from_number: str, line: str = "support") -> dict:
        return self.post("/api/calls", {"from_number": from_number, "line": line})

    def press(self, session_id: str, digits: str) -> dict:
        return self.post(f"/api/calls/{session_id}/input", {"dtmf": digits})

    def say(self, session_id: str, transcript: str, confidence: float) -> dict:
        return self.post(f"/api/calls/{session_id}/input", {"speech": {"transcript": transcript, "confidence": confidence}})

    def hang_up(self, session_id: str) -> dict:
        return self.post(f"/api/calls/{session_id}/hangup")

    def session(self, session_id: str) -> dict:
        return self.get(f"/api/calls/{session_id}")


class ChatClient(ApiClient):
    """The chat system: conversations as the bot and the agent see them."""

    system = "chat"

    def conversations(self, contact_id: Any = None) -> list[dict]:
        return self.get("/api/conversations", params={"contact_id": contact_id})["conversations"]

    def conversation(self, conversation_id: str) -> dict:
        return self.get(f"/api/conversations/{conversation_id}")

    def start(self) -> dict:
        return self.post("/api/conversations")

    def say(self, conversation_id: str, text: str) -> dict:
        return self.post(f"/api/conversations/{conversation_id}/messages", {"text": text})


class HelpdeskClient(ApiClient):
    """The helpdesk: tickets, their SLA timers, comments and customer notifications."""

    system = "helpdesk"

    def tickets(self, **filters: Any) -> list[dict]:
        return self.get("/api/tickets", params=filters)["tickets"]

    def ticket(self, ticket_id: str) -> dict:
        return self.get(f"/api/tickets/{ticket_id}")

    def create_ticket(self, subject: str, channel: str, **fields: Any) -> dict:
        return self.post("/api/tickets", {"subject": subject, "channel": channel, **fields})

    def comment(self, ticket_id: str, body: str, author: str, **fields: Any) -> dict:
        return self.post(f"/api/tickets/{ticket_id}/comments", {"body": body, "author": author, **fields})

    def update_ticket(self, ticket_id: str, **fields: Any) -> dict:
        return self.patch(f"/api/tickets/{ticket_id}", fields)

    def inbound_email(self, from_email: str, subject: str, body: str) -> dict:
        return self.post("/api/inbound/email", {"from_email": from_email, "subject": subject, "body": body})

    def notifications(self, ticket_id: str) -> list[dict]:
        return self.get(f"/api/tickets/{ticket_id}/notifications")["notifications"]


class SandboxAdmin(ApiClient):
    """The sandbox's test API (``/_sandbox/``): clock and faults. One clock serves every system."""

    system = "sandbox"

    def __init__(self, urls: dict[str, str], client_id: str, client_secret: str, **kwargs: Any) -> None:
        super().__init__(urls["crm"], client_id, client_secret, **kwargs)
        self.urls = dict(urls)

    def _url(self, system: str, path: str) -> str:
        return f"{self.urls[system]}{path}"

    def clock(self) -> dict:
        return self.get("/_sandbox/clock")

    def advance_clock(self, seconds: float) -> dict:
        return self.post("/_sandbox/clock", {"advance_seconds": seconds})

    def set_clock(self, iso: str) -> dict:
        return self.post("/_sandbox/clock", {"set": iso})

    #: the systems with a test API; the vendor doors (salesforce, connect) are other listeners on their stores
    SYSTEMS = ("crm", "cti", "ivr", "chat", "helpdesk", "marketing")

    @classmethod
    def system_of(cls, fault_target: str) -> str:
        """``crm.screenpop`` -> crm; an edge ``cti->crm.activities`` -> cti (the caller makes the call)."""
        head = fault_target.split("->", 1)[0].split(".", 1)[0]
        return head if head in cls.SYSTEMS else "crm"

    def add_fault(self, target: str, mode: str, count: int | None = None, delay_ms: int | None = None,
                  after: int | None = None) -> dict:
        body: dict[str, Any] = {"target": target, "mode": mode}
        if after:
            body["after"] = after
        if count is not None:
            body["count"] = count
        if delay_ms is not None:
            body["delay_ms"] = delay_ms
        return self.post(self._url(self.system_of(target), "/_sandbox/faults"), body)

    def faults(self, system: str = "crm") -> Any:
        return self.get(self._url(system, "/_sandbox/faults"))

    def clear_faults(self) -> None:
        for system in self.urls:
            if system in self.SYSTEMS:
                self.delete(self._url(system, "/_sandbox/faults"))

    def seed(self) -> Any:
        return self.post("/_sandbox/seed")
