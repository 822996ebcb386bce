"""The three benchmark journeys as plain Playwright scripts: same UI actions, same API checks,
no pytest-bdd, fixtures or reporting. `run.py` times them against the deskcheck scenarios."""
from __future__ import annotations

import random
import re
import time
from pathlib import Path
from typing import Callable

from playwright.sync_api import Browser, Page, expect

from bench.common import Sandbox, poll

USERS = {"maya": ("bench-maya", "Maya"), "leo": ("bench-leo", "Leo")}
PASSWORD = "Bench-pass-1"
FINISHED = {"completed", "missed", "rejected", "abandoned", "failed"}


def make_users(box: Sandbox) -> None:
    for username, name in USERS.values():
        response = box.crm.post("/api/users", json={"username": username, "password": PASSWORD, "name": name,
                                                   "role": "agent"})
        assert response.status_code in (200, 201, 409), response.text


def log_in_once(browser: Browser, box: Sandbox, username: str, state_dir: Path) -> Path:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{box.urls['crm']}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    path = state_dir / f"{username}.json"
    context.storage_state(path=str(path))
    context.close()
    return path


def open_console(browser: Browser, box: Sandbox, state: Path) -> Page:
    page = browser.new_context(storage_state=str(state)).new_page()
    page.goto(f"{box.urls['crm']}/console")
    softphone = page.frame_locator('iframe[title="Softphone"]')
    expect(softphone.get_by_role("heading", name="Softphone")).to_be_visible()
    return page


def new_customer(box: Sandbox) -> dict:
    phone = f"+1555{random.randint(2000000, 9999999)}"
    contact = box.crm.post("/api/contacts", json={"first_name": "Dana", "last_name": f"Bench{phone[-4:]}",
                                                  "phone": phone}).json()
    box.crm.post("/api/cases", json={"contact_id": contact["id"], "subject": "Bench case"})
    return contact


def set_available(box: Sandbox, page: Page, username: str) -> None:
    box.cti.post(f"/api/agents/{username}/state", json={"state": "AVAILABLE"})
    expect(page.frame_locator('iframe[title="Softphone"]').get_by_role("status", name="Agent state")).to_have_text("Available")


def clean_up(box: Sandbox) -> None:
    """End every open call and log the bench agents off, through the API."""
    for username, _ in USERS.values():
        for call in box.cti.get("/api/interactions", params={"agent": username}).json()["interactions"]:
            if call["state"] in FINISHED:
                continue
            if call["state"] in ("queued", "offered"):
                box.cti.post(f"/api/simulator/calls/{call['id']}/hangup")
                continue
            if call["state"] in ("connected", "held"):
                box.cti.post(f"/api/interactions/{call['id']}/hangup")
            box.cti.put(f"/api/interactions/{call['id']}/wrapup", json={"disposition": "RESOLVED"})
            box.cti.post(f"/api/interactions/{call['id']}/wrapup/complete", json={})
        box.cti.post(f"/api/agents/{username}/state", json={"state": "OFFLINE"})


def ring_maya(browser: Browser, box: Sandbox, states: dict[str, Path]) -> tuple[Page, dict, dict]:
    """Maya's console open and Available, and a new customer's call offered to her."""
    page = open_console(browser, box, states["maya"])
    set_available(box, page, "bench-maya")
    customer = new_customer(box)
    call = box.cti.post("/api/simulator/calls", json={"from_number": customer["phone"], "queue": "support"}).json()
    return page, customer, call


def screen_pop_and_answer(browser: Browser, box: Sandbox, states: dict[str, Path]) -> None:
    page, customer, call = ring_maya(browser, box, states)
    softphone = page.frame_locator('iframe[title="Softphone"]')
    incoming = softphone.get_by_role("region", name="Incoming call")
    expect(incoming).to_contain_text(customer["phone"])
    poll(lambda: box.cti.get(f"/api/interactions/{call['id']}").json()["state"] == "offered", what="offered")
    record = page.get_by_role("region", name="Contact record")
    expect(record.get_by_role("heading", name=f"{customer['first_name']} {customer['last_name']}")).to_be_visible()
    expect(record.get_by_role("heading", name="Open cases (1)")).to_be_visible()
    incoming.get_by_role("button", name="Answer").click()
    active = softphone.get_by_role("region", name="Active call")
    expect(active.get_by_text("Connected", exact=True)).to_be_visible()
    poll(lambda: box.cti.get(f"/api/interactions/{call['id']}").json()["state"] == "connected", what="connected")
    poll(lambda: box.cti.get("/api/agents/bench-maya").json()["state"] == "ON_INTERACTION", what="on call")
    page.context.close()


def hold_transfer_wrap_up(browser: Browser, box: Sandbox, states: dict[str, Path]) -> None:
    maya, _customer, call = ring_maya(browser, box, states)
    maya_phone = maya.frame_locator('iframe[title="Softphone"]')
    maya_phone.get_by_role("region", name="Incoming call").get_by_role("button", name="Answer").click()
    active = maya_phone.get_by_role("region", name="Active call")
    expect(active.get_by_text("Connected", exact=True)).to_be_visible()
    leo = open_console(browser, box, states["leo"])
    set_available(box, leo, "bench-leo")
    active.get_by_role("button", name="Hold").click()
    expect(active.get_by_text("On hold", exact=True)).to_be_visible()
    active.get_by_role("button", name="Resume").click()
    expect(active.get_by_role("button", name="Hold")).to_be_visible()
    active.get_by_role("button", name="Transfer", exact=True).click()
    maya_phone.get_by_role("radio", name="Cold transfer").check()
    maya_phone.get_by_label("Transfer to").select_option(label="Agent: Leo")
    maya_phone.get_by_label("Transfer note").fill("Needs a refund")
    maya_phone.get_by_role("button", name="Transfer", exact=True).last.click()
    leo_phone = leo.frame_locator('iframe[title="Softphone"]')
    leo_phone.get_by_role("region", name="Incoming call").get_by_role("button", name="Answer").click()
    leo_active = leo_phone.get_by_role("region", name="Active call")
    expect(leo_active).to_be_visible()
    leo_active.get_by_role("button", name="Hang up").click()
    wrap_up = leo_phone.get_by_role("form", name="Wrap-up")
    option = wrap_up.get_by_label("Disposition").locator("option").filter(has_text=re.compile(r"^RESOLVED - "))
    expect(option).to_have_count(1)
    wrap_up.get_by_label("Disposition").select_option(label=option.inner_text().strip())
    wrap_up.get_by_role("button", name="Done").click()
    expect(wrap_up).to_be_hidden()
    poll(lambda: box.cti.get(f"/api/interactions/{call['id']}").json().get("disposition") == "RESOLVED", what="cti log")
    poll(lambda: box.crm.get(f"/api/activities/{call['id']}").json().get("disposition") == "RESOLVED", what="crm log")
    maya.context.close()
    leo.context.close()


def presence_round_trip(browser: Browser, box: Sandbox, states: dict[str, Path]) -> None:
    page = open_console(browser, box, states["maya"])
    set_available(box, page, "bench-maya")
    softphone = page.frame_locator('iframe[title="Softphone"]')
    softphone.get_by_label("Presence", exact=True).select_option(label="Break")
    expect(page.get_by_label("CRM presence").locator("option:checked")).to_have_text("Busy")
    poll(lambda: box.crm.get("/api/presence/bench-maya").json()["status"] == "Busy", what="crm Busy")
    page.get_by_label("CRM presence").select_option(label="Online")
    expect(softphone.get_by_role("status", name="Agent state")).to_have_text("Available")
    poll(lambda: box.cti.get("/api/agents/bench-maya").json()["state"] == "AVAILABLE", what="cti AVAILABLE")
    page.context.close()


JOURNEYS: dict[str, Callable[[Browser, Sandbox, dict[str, Path]], None]] = {
    "Screen pop and answer": screen_pop_and_answer,
    "Hold, transfer and wrap-up": hold_transfer_wrap_up,
    "Presence round trip": presence_round_trip,
}


def time_plain_journeys(browser: Browser, box: Sandbox, runs: int, state_dir: Path) -> dict[str, list[float]]:
    make_users(box)
    states = {key: log_in_once(browser, box, username, state_dir) for key, (username, _) in USERS.items()}
    timings: dict[str, list[float]] = {}
    for name, journey in JOURNEYS.items():
        timings[name] = []
        for _ in range(runs):
            started = time.perf_counter()
            journey(browser, box, states)
            clean_up(box)  # the deskcheck scenarios clean up in teardown too, inside their timing
            timings[name].append(time.perf_counter() - started)
    return timings
