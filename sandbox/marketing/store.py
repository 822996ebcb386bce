"""marketing domain logic: contacts, campaigns and enrolments, web forms, emails, lead score triggers,
bulk import. The crm connector (connector.py) moves what changes here to the crm and back."""
from __future__ import annotations

import re
from typing import Any

from ..platform import correlation
from ..platform.db import dumps, loads
from ..platform.system import System
from .mapping import Mapping, TransformError

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CONTACT_COLUMNS = ("first_name", "last_name", "phone", "account_number", "email", "industry", "lifecycle_stage",
                   "lead_score", "unsubscribed", "do_not_call")
BOOLEAN_COLUMNS = ("unsubscribed", "do_not_call")
NURTURE_KINDS = ("nurture",)


class Conflict(Exception):
    """409: not allowed in this state."""


class NotFound(Exception):
    """404."""


class Invalid(Exception):
    """422: well-formed but not acceptable."""


def email_key(email: str | None) -> str | None:
    return email.strip().casefold() if email else None


class Marketing:
    def __init__(self, system: System, mapping: Mapping) -> None:
        self.system, self.mapping = system, mapping
        self.db, self.events, self.clock = system.db, system.events, system.clock

    # -- contacts ------------------------------------------------------------------------------
    @staticmethod
    def contact_out(row: dict[str, Any]) -> dict[str, Any]:
        contact = {k: row[k] for k in ("id", "crm_id", "status", "origin", "correlation_id", "created_at",
                                       "updated_at", "deactivated_at", "crm_error")}
        for column in CONTACT_COLUMNS:
            contact[column] = bool(row[column]) if column in BOOLEAN_COLUMNS else row[column]
        contact["field_times"] = loads(row["field_times"], {})
        contact["pending_for_crm"] = loads(row["crm_pending"], [])
        return contact

    def _row(self, contact_id: int) -> dict[str, Any]:
        row = self.db.one("SELECT * FROM contacts WHERE id=?", (contact_id,))
        if row is None:
            raise NotFound(f"no marketing contact {contact_id}")
        return row

    def contact(self, contact_id: int) -> dict[str, Any]:
        out = self.contact_out(self._row(contact_id))
        out["campaigns"] = self.db.query(
            "SELECT c.id, c.name, c.kind, m.status, m.enrolled_at, m.removed_at, m.removed_reason FROM memberships m"
            " JOIN campaigns c ON c.id = m.campaign_id WHERE m.contact_id=? ORDER BY m.id", (contact_id,))
        out["activities"] = self.activities(contact_id)
        return out

    def contacts(self, crm_id: int | None = None, email: str | None = None, status: str | None = None,
                 origin: str | None = None, limit: int = 500, after_id: int = 0) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM contacts WHERE id > ?", [after_id]
        for column, value in (("crm_id", crm_id), ("email_key", email_key(email)), ("status", status),
                              ("origin", origin)):
            if value is not None:
                sql += f" AND {column}=?"
                params.append(value)
        rows = self.db.query(sql + " ORDER BY id LIMIT ?", (*params, limit))
        return [self.contact_out(r) for r in rows]

    def insert_contact(self, values: dict[str, Any], origin: str, times: dict[str, str] | None = None,
                       crm_id: int | None = None) -> int:
        now = self.clock.iso()
        columns = {c: values.get(c) for c in CONTACT_COLUMNS}
        for column in BOOLEAN_COLUMNS:
            columns[column] = int(bool(columns[column]))
        contact_id = self.db.insert(
            f"INSERT INTO contacts (crm_id, email_key, origin, field_times, correlation_id, created_at, updated_at,"
            f" {', '.join(columns)}) VALUES (?,?,?,?,?,?,?{',?' * len(columns)})",
            (crm_id, email_key(values.get("email")), origin, dumps(times or {}), correlation.current(), now, now,
             *columns.values()))
        self.events.emit("contact.created", {"id": contact_id, "crm_id": crm_id, "origin": origin})
        return contact_id

    def write_fields(self, row: dict[str, Any], changes: dict[str, Any], times: dict[str, str] | None = None,
                     push: list[str] | None = None, drop_pending: list[str] | None = None) -> bool:
        """Stores changed columns (and their change times); `push` names fields to send to the crm."""
        changed = {k: (int(bool(v)) if k in BOOLEAN_COLUMNS else v) for k, v in changes.items()
                   if (int(bool(v)) if k in BOOLEAN_COLUMNS else v) != row[k]}
        field_times = {**loads(row["field_times"], {}), **(times or {})}
        pending = [f for f in loads(row["crm_pending"], []) if f not in (drop_pending or [])]
        pending += [f for f in (push or []) if f in changed and f not in pending]
        if not changed and pending == loads(row["crm_pending"], []):
            return False
        if "email" in changed:
            changed["email_key"] = email_key(changed["email"])
        changed["field_times"], changed["crm_pending"] = dumps(field_times), dumps(pending)
        self.db.execute(f"UPDATE contacts SET {', '.join(f'{k}=?' for k in changed)}, updated_at=? WHERE id=?",
                        (*changed.values(), self.clock.iso(), row["id"]))
        names = sorted(k for k in changed if k not in ("email_key", "field_times", "crm_pending"))
        if names:
            self.events.emit("contact.updated", {"id": row["id"], "changed": names})
        return bool(names)

    def update_contact(self, contact_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """A change made in marketing: only fields marketing may change; two-way fields remember when."""
        with self.db.transaction():
            row = self._row(contact_id)
            if row["status"] != "active":
                raise Conflict(f"contact {contact_id} is inactive")
            values: dict[str, Any] = {}
            for name, value in changes.items():
                rule = self.mapping.by_marketing(name)
                if rule is None:
                    raise Invalid(f"{name} is not a contact field")
                if rule.direction == "crm_to_marketing" and row["crm_id"] is not None:
                    raise Conflict(f"{name} is owned by the crm (it flows crm -> marketing only): change it in the crm")
                try:
                    values[name] = self.mapping.transform(rule, value)
                except TransformError as exc:
                    raise Invalid(str(exc)) from None
            if "email" in values and values["email"] and not EMAIL.match(values["email"]):
                raise Invalid(f"{values['email']!r} is not an email address")
            now = self.clock.iso()
            two_way = [n for n in values if self.mapping.by_marketing(n).direction == "two_way"]
            self.write_fields(row, values, times={n: now for n in two_way},
                              push=[n for n in values if self.mapping.by_marketing(n).direction != "crm_to_marketing"])
        return self.contact(contact_id)

    def deactivate(self, row: dict[str, Any], reason: str) -> None:
        """Soft delete: inactive, out of every nurture, activity history kept."""
        now = self.clock.iso()
        self.db.execute("UPDATE contacts SET status='inactive', deactivated_at=?, updated_at=? WHERE id=?",
                        (now, now, row["id"]))
        self.db.execute(
            "UPDATE memberships SET status='removed', removed_at=?, removed_reason=? WHERE contact_id=?"
            " AND status='enrolled' AND campaign_id IN (SELECT id FROM campaigns WHERE kind IN ('nurture'))",
            (now, reason, row["id"]))
        self.events.emit("contact.deactivated", {"id": row["id"], "crm_id": row["crm_id"], "reason": reason})

    # -- campaigns and enrolment ---------------------------------------------------------------
    def create_campaign(self, name: str, kind: str) -> dict[str, Any]:
        with self.db.transaction():
            if self.db.one("SELECT 1 FROM campaigns WHERE name=?", (name,)):
                raise Conflict(f"a campaign named {name!r} exists")
            campaign_id = self.db.insert("INSERT INTO campaigns (name, kind, created_at) VALUES (?,?,?)",
                                         (name, kind, self.clock.iso()))
        campaign = self.campaign(campaign_id)
        self.events.emit("campaign.created", campaign)
        return campaign

    def campaign(self, campaign_id: int) -> dict[str, Any]:
        row = self.db.one("SELECT * FROM campaigns WHERE id=?", (campaign_id,))
        if row is None:
            raise NotFound(f"no campaign {campaign_id}")
        return row

    def members(self, campaign_id: int) -> list[dict[str, Any]]:
        self.campaign(campaign_id)
        return self.db.query("SELECT id, contact_id, waiting_for, status, requested_at, enrolled_at, removed_at,"
                             " removed_reason FROM memberships WHERE campaign_id=? ORDER BY id", (campaign_id,))

    def find_contact(self, crm_id: int | None = None, email: str | None = None,
                     contact_id: int | None = None) -> dict[str, Any] | None:
        if contact_id is not None:
            return self._row(contact_id)
        if crm_id is not None:
            return self.db.one("SELECT * FROM contacts WHERE crm_id=?", (crm_id,))
        if email:
            return self.db.one("SELECT * FROM contacts WHERE email_key=? AND status='active' ORDER BY id",
                               (email_key(email),))
        return None

    def enrol(self, campaign_id: int, contact_id: int | None, crm_id: int | None, email: str | None) -> tuple[dict, bool]:
        """(membership, waiting): a contact not created yet waits; it is enrolled once it exists."""
        with self.db.transaction():
            self.campaign(campaign_id)
            row = self.find_contact(crm_id, email, contact_id)
            if row is None:
                if contact_id is not None:
                    raise NotFound(f"no marketing contact {contact_id}")
                waiting_for = f"crm:{crm_id}" if crm_id is not None else f"email:{email_key(email)}"
                existing = self.db.one("SELECT * FROM memberships WHERE campaign_id=? AND waiting_for=? AND status='waiting'",
                                       (campaign_id, waiting_for))
                if existing:
                    return existing, True
                member_id = self.db.insert(
                    "INSERT INTO memberships (campaign_id, waiting_for, status, requested_at) VALUES (?,?,?,?)",
                    (campaign_id, waiting_for, "waiting", self.clock.iso()))
                member = self.db.one("SELECT * FROM memberships WHERE id=?", (member_id,))
                self.events.emit("campaign.enrolment_waiting", {"campaign_id": campaign_id, "waiting_for": waiting_for})
                return member, True
            if row["status"] != "active":
                raise Conflict(f"contact {row['id']} is inactive and cannot be enrolled")
            return self._enrol_now(campaign_id, row["id"]), False

    def _enrol_now(self, campaign_id: int, contact_id: int, requested_at: str | None = None) -> dict[str, Any]:
        existing = self.db.one("SELECT * FROM memberships WHERE campaign_id=? AND contact_id=?", (campaign_id, contact_id))
        if existing and existing["status"] == "enrolled":
            return existing
        now = self.clock.iso()
        if existing:
            self.db.execute("UPDATE memberships SET status='enrolled', enrolled_at=?, removed_at=NULL,"
                            " removed_reason=NULL WHERE id=?", (now, existing["id"]))
            member_id = existing["id"]
        else:
            member_id = self.db.insert(
                "INSERT INTO memberships (campaign_id, contact_id, status, requested_at, enrolled_at) VALUES (?,?,?,?,?)",
                (campaign_id, contact_id, "enrolled", requested_at or now, now))
        self.events.emit("campaign.enrolled", {"campaign_id": campaign_id, "contact_id": contact_id})
        return self.db.one("SELECT * FROM memberships WHERE id=?", (member_id,))

    def release_waiting(self, row: dict[str, Any]) -> int:
        """Enrols a newly created contact in the campaigns that waited for it."""
        keys = [k for k in (f"crm:{row['crm_id']}" if row["crm_id"] is not None else None,
                            f"email:{row['email_key']}" if row["email_key"] else None) if k]
        released = 0
        for waiting in self.db.query(
                f"SELECT * FROM memberships WHERE status='waiting' AND waiting_for IN ({','.join('?' * len(keys))})"
                " ORDER BY id", tuple(keys)) if keys else []:
            self.db.execute("DELETE FROM memberships WHERE id=?", (waiting["id"],))
            self._enrol_now(waiting["campaign_id"], row["id"], waiting["requested_at"])
            released += 1
        return released

    # -- activities ----------------------------------------------------------------------------
    def add_activity(self, contact_id: int, kind: str, subject: str | None, campaign_id: int | None = None) -> dict:
        activity_id = self.db.insert(
            "INSERT INTO activities (contact_id, kind, subject, campaign_id, occurred_at, correlation_id)"
            " VALUES (?,?,?,?,?,?)", (contact_id, kind, subject, campaign_id, self.clock.iso(), correlation.current()))
        activity = self.db.one("SELECT * FROM activities WHERE id=?", (activity_id,))
        self.events.emit(f"activity.{kind}", activity)
        return activity

    def activities(self, contact_id: int) -> list[dict[str, Any]]:
        return self.db.query("SELECT * FROM activities WHERE contact_id=? ORDER BY occurred_at, id", (contact_id,))

    def send_email(self, contact_id: int, subject: str, campaign_id: int | None) -> dict[str, Any]:
        with self.db.transaction():
            row = self._row(contact_id)
            if row["status"] != "active":
                raise Conflict(f"contact {contact_id} is inactive: no email is sent")
            if row["unsubscribed"]:
                raise Conflict(f"contact {contact_id} unsubscribed: no email is sent")
            if not row["email"]:
                raise Conflict(f"contact {contact_id} has no email address")
            if campaign_id is not None:
                self.campaign(campaign_id)
            return self.add_activity(contact_id, "email_sent", subject, campaign_id)

    def unsubscribe(self, contact_id: int) -> dict[str, Any]:
        return self.update_contact(contact_id, {"unsubscribed": True})

    # -- web forms -----------------------------------------------------------------------------
    def submit_form(self, submission: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """(result, new): the same submission id again answers the first result and changes nothing."""
        payload = dumps({k: v for k, v in submission.items() if k != "submission_id"})
        with self.db.transaction():
            known = self.db.one("SELECT * FROM submissions WHERE submission_id=?", (submission["submission_id"],))
            if known:
                if known["payload"] != payload:
                    raise Conflict(f"submission id {submission['submission_id']} was used for a different submission")
                return self._submission_out(known, duplicate=True), False
            campaign = None
            if submission.get("campaign"):
                campaign = self.db.one("SELECT * FROM campaigns WHERE name=?", (submission["campaign"],))
                if campaign is None:
                    raise Invalid(f"no campaign named {submission['campaign']!r}")
            row = self.find_contact(email=submission["email"])
            new_contact = row is None
            if new_contact:
                values = {k: submission.get(k) for k in ("first_name", "last_name", "phone", "email")}
                values["industry"] = submission.get("industry")
                values["lifecycle_stage"] = "Lead"
                contact_id = self.insert_contact(values, "form")
                row = self._row(contact_id)
                self.release_waiting(row)
            self.add_activity(row["id"], "form_submitted", submission["form"])
            if campaign is not None:
                self._enrol_now(campaign["id"], row["id"])
                if campaign["kind"] == "webinar":
                    self.add_activity(row["id"], "webinar_registered", campaign["name"], campaign["id"])
            self.db.execute("INSERT INTO submissions (submission_id, form, payload, contact_id, campaign_id, new_contact,"
                            " received_at) VALUES (?,?,?,?,?,?,?)",
                            (submission["submission_id"], submission["form"], payload, row["id"],
                             campaign["id"] if campaign else None, int(new_contact), self.clock.iso()))
            stored = self.db.one("SELECT * FROM submissions WHERE submission_id=?", (submission["submission_id"],))
        self.events.emit("form.submitted", {"submission_id": stored["submission_id"], "contact_id": row["id"]})
        return self._submission_out(stored, duplicate=False), True

    @staticmethod
    def _submission_out(row: dict[str, Any], duplicate: bool) -> dict[str, Any]:
        return {"submission_id": row["submission_id"], "form": row["form"], "contact_id": row["contact_id"],
                "campaign_id": row["campaign_id"], "new_contact": bool(row["new_contact"]),
                "received_at": row["received_at"], "duplicate": duplicate}

    # -- lead score ----------------------------------------------------------------------------
    def create_trigger(self, name: str, threshold: int, refire_on_recross: bool, stage: str | None) -> dict[str, Any]:
        trigger_id = self.db.insert(
            "INSERT INTO score_triggers (name, threshold, refire_on_recross, stage, created_at) VALUES (?,?,?,?,?)",
            (name, threshold, int(refire_on_recross), stage, self.clock.iso()))
        return self.trigger(trigger_id)

    def trigger(self, trigger_id: int) -> dict[str, Any]:
        row = self.db.one("SELECT * FROM score_triggers WHERE id=?", (trigger_id,))
        if row is None:
            raise NotFound(f"no score trigger {trigger_id}")
        row["refire_on_recross"], row["active"] = bool(row["refire_on_recross"]), bool(row["active"])
        row["firings"] = self.db.query("SELECT contact_id, fired_count, last_fired_at, armed FROM trigger_state"
                                       " WHERE trigger_id=? AND fired_count > 0 ORDER BY contact_id", (trigger_id,))
        return row

    def retire_trigger(self, trigger_id: int) -> dict[str, Any]:
        """Stops a trigger; its firings stay on record."""
        self.trigger(trigger_id)
        self.db.execute("UPDATE score_triggers SET active=0 WHERE id=?", (trigger_id,))
        return self.trigger(trigger_id)

    def change_score(self, contact_id: int, delta: int | None, value: int | None, reason: str | None) -> dict[str, Any]:
        """Sets or moves the score; a trigger fires when the score reaches its threshold from below."""
        fired = []
        with self.db.transaction():
            row = self._row(contact_id)
            if row["status"] != "active":
                raise Conflict(f"contact {contact_id} is inactive")
            before = row["lead_score"] or 0  # no score yet counts as 0
            after = max(0, value if value is not None else before + (delta or 0))
            changes: dict[str, Any] = {"lead_score": after}
            for trigger in self.db.query("SELECT * FROM score_triggers WHERE active=1 ORDER BY id"):
                state = self.db.one("SELECT * FROM trigger_state WHERE trigger_id=? AND contact_id=?",
                                    (trigger["id"], contact_id)) or {"armed": 1, "fired_count": 0}
                armed, count = state["armed"], state["fired_count"]
                if before < trigger["threshold"] <= after and armed:
                    count, armed = count + 1, 0
                    fired.append(trigger)
                    if trigger["stage"]:
                        changes["lifecycle_stage"] = trigger["stage"]
                elif after < trigger["threshold"] and trigger["refire_on_recross"]:
                    armed = 1  # dipped below: may fire again on the next crossing
                self.db.execute(
                    "INSERT INTO trigger_state (trigger_id, contact_id, armed, fired_count, last_fired_at)"
                    " VALUES (?,?,?,?,?) ON CONFLICT(trigger_id, contact_id) DO UPDATE SET armed=excluded.armed,"
                    " fired_count=excluded.fired_count, last_fired_at=COALESCE(excluded.last_fired_at, last_fired_at)",
                    (trigger["id"], contact_id, armed, count, self.clock.iso() if trigger in fired else None))
            self.write_fields(row, changes, push=list(changes))
        self.events.emit("score.changed", {"contact_id": contact_id, "from": before, "to": after, "reason": reason})
        for trigger in fired:
            self.events.emit("score.threshold_crossed", {"contact_id": contact_id, "trigger_id": trigger["id"],
                                                         "threshold": trigger["threshold"], "score": after})
        return {"contact_id": contact_id, "lead_score": after, "previous": before,
                "fired": [t["id"] for t in fired]}

    # -- bulk import ---------------------------------------------------------------------------
    def import_contacts(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        created, existing, errors = [], 0, []
        with self.db.transaction():
            for index, raw in enumerate(rows):
                try:
                    values = self._import_values(raw)
                except (TransformError, Invalid) as exc:
                    errors.append({"row": index, "error": str(exc)})
                    continue
                if self.find_contact(email=values["email"]) is not None:
                    existing += 1
                    continue
                values["lifecycle_stage"] = "Subscriber"
                contact_id = self.insert_contact(values, "import")
                self.release_waiting(self._row(contact_id))
                created.append(contact_id)
            import_id = self.db.insert("INSERT INTO imports (received, created, existing, errors, at) VALUES (?,?,?,?,?)",
                                       (len(rows), len(created), existing, dumps(errors), self.clock.iso()))
        result = {"import_id": import_id, "received": len(rows), "created": len(created), "existing": existing,
                  "errors": errors, "contact_ids": created}
        self.events.emit("import.finished", {k: v for k, v in result.items() if k != "contact_ids"})
        return result

    def _import_values(self, raw: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in ("first_name", "last_name", "phone", "email", "industry"):
            rule = self.mapping.by_marketing(name)
            values[name] = self.mapping.transform(rule, raw.get(name))
        for required in ("first_name", "last_name", "phone", "email"):
            if not values[required]:
                raise Invalid(f"{required} is required")
        if not EMAIL.match(values["email"]):
            raise Invalid(f"{values['email']!r} is not an email address")
        return values
