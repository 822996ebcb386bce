"""cti's constants and mapping tables, shared by the parts of the domain."""
from __future__ import annotations

from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS agents (username TEXT PRIMARY KEY, id INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queues (name TEXT PRIMARY KEY, position INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS interactions (
    id TEXT PRIMARY KEY, state TEXT NOT NULL, agent TEXT, seq INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS interactions_state ON interactions(state);
CREATE TABLE IF NOT EXISTS sso_codes (code TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, username TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS callbacks (id TEXT PRIMARY KEY, status TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL);
"""

REQUESTABLE_STATES = ("AVAILABLE", "NOT_READY", "OFFLINE")
BUSY_STATES = ("RESERVED", "ON_INTERACTION", "ACW")  # requests made now are queued as next state
ON_CALL = ("connected", "held")
LIVE = ("queued", "offered", "connected", "held", "wrapup")
WRAPUP_MODES = ("optional", "mandatory", "timeboxed")
TIMEOUT_DISPOSITION = "WRAPUP_TIMEOUT"
MISSED_REASON = "Missed"

SEED_QUEUES = (
    {"name": "support", "wrapup_mode": "mandatory", "acw_seconds": None, "ring_timeout_seconds": 20},
    {"name": "sales", "wrapup_mode": "optional", "acw_seconds": None, "ring_timeout_seconds": 20},
    {"name": "billing", "wrapup_mode": "timeboxed", "acw_seconds": 30, "ring_timeout_seconds": 20},
)
SEED_AGENTS = (
    ("maya", "Maya Patel", "agent"), ("leo", "Leo Park", "agent"),
    ("tia", "Tia Novak", "trainee"), ("sam", "Sam Rivera", "supervisor"),
)
SSO_CODE_SECONDS = 60

STATE_LABELS = {"AVAILABLE": "Available", "RESERVED": "Ringing", "ON_INTERACTION": "On call",
                "ACW": "After call work", "OFFLINE": "Offline"}


def state_label(state: str | None, reason: str | None) -> str | None:
    """The words the softphone and the supervisor board show for a state."""
    if state is None:
        return None
    if state == "NOT_READY":
        return f"Not ready ({reason})" if reason else "Not ready"
    return STATE_LABELS.get(state, state)


def crm_presence(state: str, reason: str | None) -> tuple[str, str | None]:
    """The cti -> crm mapping table (crm presence is like Omni-Channel: Online / Busy / Offline)."""
    if state == "AVAILABLE":
        return "Online", None
    if state == "OFFLINE":
        return "Offline", None
    if state == "NOT_READY":
        return "Busy", reason
    return "Busy", state_label(state, reason)  # Ringing / On call / After call work


def cti_state_for(status: str, reason: str | None) -> tuple[str, str | None]:
    """The crm -> cti mapping table."""
    if status == "Online":
        return "AVAILABLE", None
    if status == "Offline":
        return "OFFLINE", None
    return "NOT_READY", reason or "Busy"


#: the softphone's presence menu, in its order: (the words shown, state, reason)
PRESENCE_MENU = (("Available", "AVAILABLE", None), ("Break", "NOT_READY", "Break"), ("Lunch", "NOT_READY", "Lunch"),
                 ("Training", "NOT_READY", "Training"), ("Offline", "OFFLINE", None))
CRM_STATUSES = ("Online", "Busy", "Offline")  # the CRM console's presence menu
#: states only the CTI itself puts an agent in, with why
SYSTEM_STATES = (("RESERVED", None, "a call rings for the agent"), ("ON_INTERACTION", None, "the agent is on a call"),
                 ("ACW", None, "the call ended and the agent is wrapping up (after call work)"),
                 ("NOT_READY", MISSED_REASON, "a call rang out unanswered (the ring timeout)"))
ROUTING = ("a call rings for the queue's Available agent (not a supervisor) who has been idle longest; with nobody "
           "Available it waits in the queue; a rejected call goes back and rings for the next one")
WRAPUP_RULES = {"optional": "Done with or without a disposition",
                "mandatory": "Done only with a disposition",
                "timeboxed": f"a time limit (the queue's acw_seconds); when it runs out the call is completed with "
                             f"{TIMEOUT_DISPOSITION}"}


def settings_view() -> dict[str, Any]:
    """What the CTI calls things, for people naming them (a test suite's glossary): every agent state as the
    softphone, the supervisor board and the CRM show it, the presence menus and the wrap-up modes."""
    def state(state: str, reason: str | None, set_by: str) -> dict[str, Any]:
        status, crm_reason = crm_presence(state, reason)
        return {"state": state, "reason": reason, "label": state_label(state, reason), "crm_status": status,
                "crm_reason": crm_reason, "set_by": set_by}

    return {
        "agent_states": [*(state(s, r, f"the agent: presence menu \"{label}\"") for label, s, r in PRESENCE_MENU),
                         *(state(s, r, f"the CTI: {why}") for s, r, why in SYSTEM_STATES),
                         *(state(*cti_state_for(status, None), f"the CRM: presence \"{status}\"")
                           for status in CRM_STATUSES if cti_state_for(status, None)[1])],
        "presence_menu": [{"label": label, "state": s, "reason": r} for label, s, r in PRESENCE_MENU],
        "crm_presence_menu": [{"status": status, "state": cti_state_for(status, None)[0],
                               "reason": cti_state_for(status, None)[1]} for status in CRM_STATUSES],
        "wrapup_modes": [{"mode": mode, "rule": WRAPUP_RULES[mode]} for mode in WRAPUP_MODES],
        "timeout_disposition": TIMEOUT_DISPOSITION,
        "routing": ROUTING,
    }


def call_log_stored(path: str, sent: dict[str, Any], answer: dict[str, Any]) -> str | None:
    """The crm's answer to a call log write is the stored log: the call's, and completed once we completed it."""
    interaction_id = path.rsplit("/", 1)[-1]
    if answer.get("interaction_id") != interaction_id:
        return f"the answer is not the call log of {interaction_id}"
    if sent.get("status") == "completed" and answer.get("status") != "completed":
        return f"the crm's call log is {answer.get('status')!r}, not completed"
    return None
