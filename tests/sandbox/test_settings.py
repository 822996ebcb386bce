"""What each sandbox system says about its own names (the suite's glossary reads these) is what its screens and
behaviour use: the softphone's presence menu, the state labels, the console's field labels, the bot's intents,
the helpdesk's statuses and SLA policies."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from channel_helpers import client, ok

SANDBOX = Path(__file__).resolve().parents[2] / "sandbox"


@pytest.fixture
def systems(sandbox_urls: dict[str, Any]):
    opened = {name: client(sandbox_urls[name]) for name in ("cti", "crm", "chat", "helpdesk")}
    yield opened
    for c in opened.values():
        c.close()


def test_the_softphone_menu_and_the_state_labels_are_the_ctis_settings(systems):
    cti = systems["cti"]
    settings = ok(cti.get("/api/settings"))
    page = (SANDBOX / "cti" / "static" / "softphone.html").read_text(encoding="utf-8")
    select = page.split('<select id="presence">', 1)[1].split("</select>", 1)[0]
    shown = re.findall(r'<option value="([A-Z_]+)(?::([^"]+))?">([^<]+)</option>', select)
    assert [(s, r or None, label) for s, r, label in shown] == \
        [(c["state"], c["reason"], c["label"]) for c in settings["presence_menu"]]
    labels = {(s["state"], s["reason"]): s for s in settings["agent_states"]}
    for choice in settings["presence_menu"]:  # the CTI shows an agent in each state with the settings' words
        agent = ok(cti.post("/api/agents/leo/state", json={"state": choice["state"], "reason": choice["reason"]}))
        agent = ok(cti.get("/api/agents/leo"))
        expected = labels[(choice["state"], choice["reason"])]
        assert (agent["state_label"], agent["crm_status"]) == (expected["label"], expected["crm_status"]), choice
    ok(cti.post("/api/agents/leo/state", json={"state": "OFFLINE"}))


def test_the_crm_console_offers_the_presence_statuses_the_cti_maps(systems):
    settings = ok(systems["cti"].get("/api/settings"))
    console = (SANDBOX / "crm" / "console.py").read_text(encoding="utf-8")
    offered = re.findall(r'<option value="(Online|Busy|Offline|[A-Z][a-z]+)">', console)
    assert [c["status"] for c in settings["crm_presence_menu"]] == offered


def test_the_roles_hidden_fields_carry_the_consoles_labels(systems):
    roles = {r["role"]: r for r in ok(systems["crm"].get("/api/roles"))["roles"]}
    assert {"agent", "trainee", "supervisor"} <= roles.keys()
    console_js = (SANDBOX / "crm" / "static" / "console.js").read_text(encoding="utf-8")
    for role in roles.values():
        for field in role["hidden_fields"]:
            assert f'"{field["label"]}"' in console_js or f"{field['label']}:" in console_js, field
    assert [f["field"] for f in roles["trainee"]["hidden_fields"]] == ["date_of_birth", "tax_id", "billing.balance"]


def test_each_intent_is_reached_by_its_first_keyword(systems):
    chat = systems["chat"]
    vocabulary = ok(chat.get("/api/intents"))
    assert {"negative", "neutral", "positive"} == set(vocabulary["sentiments"])
    for intent in vocabulary["intents"]:
        conversation = ok(chat.post("/api/conversations"), 201)
        said = ok(chat.post(f"/api/conversations/{conversation['id']}/messages",
                            json={"text": f"hello, {intent['keywords'][0]} please"}))
        assert intent["label"] in said["intent_path"], (intent, said["intent_path"])


def test_the_helpdesk_settings_match_its_policies_and_its_ticket_labels(systems):
    helpdesk = systems["helpdesk"]
    settings = ok(helpdesk.get("/api/settings"))
    policies = ok(helpdesk.get("/api/sla/policies"))
    assert settings["sla_policies"] == policies["policies"]
    assert settings["business_hours"]["open"] == policies["business_hours"]["open"] == "09:00"
    labels = dict((s["status"], s["label"]) for s in settings["statuses"])
    ticket = ok(helpdesk.post("/api/tickets", json={"subject": "Label check", "channel": "email", "priority": "high",
                                                    "requester_email": "label.check@example.test"}), 201)
    assert ticket["status_label"] == labels[ticket["status"]]
    assert [p["priority"] for p in settings["sla_policies"]] == ["urgent", "high", "normal", "low"]
    assert settings["escalation_group"] == "Escalations"


def test_a_new_ticket_starts_as_the_lifecycle_says_and_an_agents_reply_opens_it(systems):
    helpdesk = systems["helpdesk"]
    settings = ok(helpdesk.get("/api/settings"))
    assert settings["lifecycle"].startswith("a ticket starts New; an agent's reply opens it (Open)")
    ticket = ok(helpdesk.post("/api/tickets", json={"subject": "Lifecycle", "channel": "phone",
                                                    "requester_email": "lifecycle@example.test"}), 201)
    assert ticket["status_label"] == "New"
    replied = ok(helpdesk.post(f"/api/tickets/{ticket['id']}/comments",
                               json={"body": "Looking into it", "author": "Maya Patel", "public": True}), 201)
    assert replied["status_label"] == "Open"


def test_the_cti_says_how_it_routes(systems):
    assert "idle longest" in ok(systems["cti"].get("/api/settings"))["routing"]
