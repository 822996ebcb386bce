"""The sandbox CRM's and CTI's REST APIs as Python calls (JSON in, JSON out).

Only the sandbox adapters (crm.py, cti.py) read these answers; steps see records.
"""
from __future__ import annotations

from typing import Any

from deskcheck.adapters.sandbox.http import ApiClient
from deskcheck.masking import register_secret


class CrmClient(ApiClient):
    system = "crm"

    def as_user(self, username: str, password: str) -> "CrmClient":
        """A client acting as a console user (password grant: the user's role and field visibility apply)."""
        return CrmClient(self.base_url, self.client_id, self.client_secret, username=username, password=password)

    # users
    def me(self) -> dict:
        return self.get("/api/users/me")

    def users(self) -> Any:
        return self.get("/api/users")

    def create_user(self, username: str, password: str, name: str, role: str, **extra: Any) -> dict:
        register_secret(password)
        return self.post("/api/users", {"username": username, "password": password, "name": name, "role": role, **extra})

    def delete_user(self, username: str) -> Any:
        """Removes the user: no more sign-ins, their sessions and tokens end."""
        return self.delete(f"/api/users/{username}")

    # contacts and the 360 view
    def contacts(self, q: str | None = None, phone: str | None = None, account_number: str | None = None) -> list[dict]:
        return self.get("/api/contacts", params={"q": q, "phone": phone, "account_number": account_number})["contacts"]

    def contact(self, contact_id: Any) -> dict:
        return self.get(f"/api/contacts/{contact_id}")

    def create_contact(self, first_name: str, last_name: str, phone: str, **fields: Any) -> dict:
        return self.post("/api/contacts", {"first_name": first_name, "last_name": last_name, "phone": phone, **fields})

    def update_contact(self, contact_id: Any, **fields: Any) -> dict:
        return self.patch(f"/api/contacts/{contact_id}", fields)

    def create_case(self, contact_id: Any, subject: str, status: str | None = None) -> dict:
        return self.post("/api/cases", {"contact_id": contact_id, "subject": subject,
                                        **({"status": status} if status else {})})

    def create_order(self, contact_id: Any, number: str, total: float, status: str) -> dict:
        return self.post("/api/orders", {"contact_id": contact_id, "number": number, "total": total, "status": status})

    def contacts_by_ids(self, ids: list[Any]) -> list[dict]:
        """Contacts by id (deleted ones too), 200 per request."""
        found: list[dict] = []
        for start in range(0, len(ids), 200):
            part = ",".join(str(i) for i in ids[start:start + 200])
            found += self.get("/api/contacts", params={"ids": part})["contacts"]
        return found

    def create_contacts_bulk(self, contacts: list[dict]) -> list[dict]:
        return self.post("/api/contacts/bulk", {"contacts": contacts})["results"]

    def delete_contact(self, contact_id: Any) -> dict:
        return self.delete(f"/api/contacts/{contact_id}")

    def email_contact(self, contact_id: Any, subject: str, body: str = "", expect: tuple[int, ...] = (201,)) -> Any:
        return self.call("POST", f"/api/contacts/{contact_id}/emails", json={"subject": subject, "body": body},
                         expect=expect)

    def set_billing(self, contact_id: Any, status: str, balance: float) -> dict:
        return self.put(f"/api/contacts/{contact_id}/billing", {"status": status, "balance": balance})

    # screen pops and call logs
    def screenpop(self, interaction_id: str, phone: str, queue: str, **fields: Any) -> dict:
        return self.post("/api/screenpops", {"interaction_id": interaction_id, "phone": phone, "queue": queue, **fields})

    def screenpops(self, interaction_id: str) -> Any:
        return self.get("/api/screenpops", params={"interaction_id": interaction_id})

    def put_activity(self, interaction_id: str, **fields: Any) -> dict:
        return self.put(f"/api/activities/{interaction_id}", fields)

    def choose_contact(self, interaction_id: str, contact_id: Any) -> dict:
        return self.post(f"/api/activities/{interaction_id}/contact", {"contact_id": contact_id})

    def activities(self, contact_id: Any = None, interaction_id: str | None = None) -> list[dict]:
        return self.get("/api/activities", params={"contact_id": contact_id, "interaction_id": interaction_id})["activities"]

    def activity(self, interaction_id: str) -> dict:
        """The call log of one interaction; AssertionError while there is none (so ``eventually`` waits)."""
        found = self.activities(interaction_id=interaction_id)
        assert found, f"crm has no activity for interaction {interaction_id}"
        assert len(found) == 1, f"crm has {len(found)} activities for interaction {interaction_id}: {found}"
        return found[0]

    def dispositions(self, queue: str | None = None) -> list[dict]:
        return self.get("/api/dispositions", params={"queue": queue})["dispositions"]

    # follow-ups (callback attempts and next actions) and linked helpdesk tickets
    def followups(self, contact_id: Any = None, phone: str | None = None) -> list[dict]:
        return self.get("/api/followups", params={"contact_id": contact_id, "phone": phone})["followups"]

    def contact_tickets(self, contact_id: Any) -> list[dict]:
        return self.get(f"/api/contacts/{contact_id}/tickets")["tickets"]

    # presence
    def presence(self, username: str) -> dict:
        return self.get(f"/api/presence/{username}")

    def set_presence(self, username: str, status: str, reason: str | None = None, source: str | None = None) -> dict:
        body: dict[str, Any] = {"status": status}
        if reason is not None:
            body["reason"] = reason
        if source is not None:
            body["source"] = source
        return self.put(f"/api/presence/{username}", body)


class CtiClient(ApiClient):
    system = "cti"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.simulated_calls: list[str] = []  # interaction ids placed through the simulator (for clean-up)

    # agents and queues
    def agents(self) -> list[dict]:
        return self.get("/api/agents")["agents"]

    def agent(self, username: str) -> dict:
        return self.get(f"/api/agents/{username}")

    def create_agent(self, username: str, name: str, queues: list[str]) -> dict:
        return self.post("/api/agents", {"username": username, "name": name, "queues": queues})

    def set_state(self, username: str, state: str, reason: str | None = None) -> dict:
        return self.post(f"/api/agents/{username}/state", {"state": state, **({"reason": reason} if reason else {})})

    def set_presence(self, username: str, status: str, reason: str | None = None) -> dict:
        return self.post(f"/api/agents/{username}/presence", {"status": status, **({"reason": reason} if reason else {})})

    def queues(self) -> Any:
        return self.get("/api/queues")

    def update_queue(self, name: str, **fields: Any) -> dict:
        return self.patch(f"/api/queues/{name}", fields)

    # call simulator
    def simulate_call(self, from_number: str, queue: str, attributes: dict | None = None,
                      correlation_id: str | None = None) -> dict:
        body: dict[str, Any] = {"from_number": from_number, "queue": queue}
        if attributes:
            body["attributes"] = attributes
        interaction = self.post("/api/simulator/calls", body, correlation_id=correlation_id)
        if isinstance(interaction, dict) and interaction.get("id"):
            self.simulated_calls.append(interaction["id"])
        return interaction

    def customer_hangup(self, interaction_id: str) -> dict:
        return self.post(f"/api/simulator/calls/{interaction_id}/hangup")

    # interactions
    def interaction(self, interaction_id: str) -> dict:
        return self.get(f"/api/interactions/{interaction_id}")

    def interactions(self, agent: str | None = None, state: str | None = None) -> list[dict]:
        body = self.get("/api/interactions", params={"agent": agent, "state": state})
        return body["interactions"] if isinstance(body, dict) else body

    def act(self, interaction_id: str, action: str, body: dict | None = None, **kwargs: Any) -> dict:
        return self.post(f"/api/interactions/{interaction_id}/{action}", body or {}, **kwargs)

    def answer(self, interaction_id: str) -> dict:
        return self.act(interaction_id, "answer")

    def reject(self, interaction_id: str) -> dict:
        return self.act(interaction_id, "reject")

    def hold(self, interaction_id: str) -> dict:
        return self.act(interaction_id, "hold")

    def resume(self, interaction_id: str) -> dict:
        return self.act(interaction_id, "resume")

    def mute(self, interaction_id: str) -> dict:
        return self.act(interaction_id, "mute")

    def unmute(self, interaction_id: str) -> dict:
        return self.act(interaction_id, "unmute")

    def dtmf(self, interaction_id: str, digits: str) -> dict:
        return self.act(interaction_id, "dtmf", {"digits": digits})

    def transfer(self, interaction_id: str, type: str = "cold", queue: str | None = None,
                 agent: str | None = None, note: str | None = None) -> dict:
        body = {"type": type, **{k: v for k, v in {"queue": queue, "agent": agent, "note": note}.items() if v}}
        return self.act(interaction_id, "transfer", body)

    def complete_transfer(self, interaction_id: str) -> dict:
        return self.act(interaction_id, "transfer/complete")

    def cancel_transfer(self, interaction_id: str) -> dict:
        return self.act(interaction_id, "transfer/cancel")

    def hangup(self, interaction_id: str) -> dict:
        return self.act(interaction_id, "hangup")

    def save_wrapup_draft(self, interaction_id: str, disposition: str | None = None, notes: str | None = None) -> dict:
        body = {k: v for k, v in {"disposition": disposition, "notes": notes}.items() if v is not None}
        return self.put(f"/api/interactions/{interaction_id}/wrapup", body)

    def complete_wrapup(self, interaction_id: str, disposition: str | None = None) -> dict:
        return self.act(interaction_id, "wrapup/complete", {"disposition": disposition} if disposition else None)

    def interaction_dispositions(self, interaction_id: str) -> list[dict]:
        body = self.get(f"/api/interactions/{interaction_id}/dispositions")
        return body["dispositions"] if isinstance(body, dict) else body

    def sso_code(self, username: str) -> str:
        return self.post("/api/sso/codes", {"username": username})["code"]

    # queues' business hours, outbound calls, callbacks, chats
    def queue(self, name: str) -> dict:
        return self.get(f"/api/queues/{name}")

    def set_queue_hours(self, name: str, hours: dict | None) -> dict:
        return self.patch(f"/api/queues/{name}", {"hours": hours})

    def dial(self, agent: str, to_number: str, **fields: Any) -> dict:
        return self.post("/api/calls/outbound", {"agent": agent, "to_number": to_number, **fields})

    def callbacks(self, status: str | None = None, number: str | None = None) -> list[dict]:
        return self.get("/api/callbacks", params={"status": status, "number": number})["callbacks"]

    def callback(self, callback_id: str) -> dict:
        return self.get(f"/api/callbacks/{callback_id}")

    def cancel_callback(self, callback_id: str) -> dict:
        return self.delete(f"/api/callbacks/{callback_id}")
