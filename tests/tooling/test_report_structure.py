"""The report of one real failing scenario, read as a stakeholder would: a body of Gherkin steps with the
checks inside them, set-up and tear-down in Allure's own sections, the evidence and the journey timeline on
the scenario. (The run is the `deliberately_failing_run` fixture of tests/conftest.py.)"""
from __future__ import annotations

import json
import re
from pathlib import Path

GHERKIN = re.compile(r"^(Given|When|Then|And|But) ")
HTTP_CALL = re.compile(r"^\w+: (GET|POST|PUT|PATCH|DELETE) /")


def result_and_container(results: Path) -> tuple[dict, dict]:
    [result] = [json.loads(p.read_text()) for p in results.glob("*-result.json")]
    containers = [json.loads(p.read_text()) for p in results.glob("*-container.json")]
    [container] = [c for c in containers if result["uuid"] in c.get("children", [])]
    return result, container


def every_step(node: dict):
    for step in node.get("steps", []):
        yield step
        yield from every_step(step)


def test_the_body_holds_the_gherkin_steps_and_their_checks(deliberately_failing_run):
    result, _ = result_and_container(deliberately_failing_run.results)
    assert all(GHERKIN.match(step["name"]) for step in result["steps"]), [s["name"] for s in result["steps"]]
    assert not [s["name"] for s in every_step(result) if HTTP_CALL.match(s["name"])], "no step per HTTP call"

    given = result["steps"][0]
    parameters = {p["name"]: p["value"] for p in given["parameters"]}
    assert parameters.get("name") == "'Maya'" and not [v for v in parameters.values() if " object at 0x" in v], \
        f"the step's own words as parameters, not the fixtures it used: {parameters}"
    [check] = [s for s in given["steps"] if s["name"] == "Maya Available in the CTI"]
    assert check["status"] == "passed" and any(p["name"] == "seen" for p in check["parameters"]), check
    assert any(a["name"].startswith("cti GET /api/agents/") for a in check["attachments"]), check["attachments"]


def test_logging_in_and_cleaning_up_are_set_up_and_tear_down(deliberately_failing_run):
    _, container = result_and_container(deliberately_failing_run.results)
    [set_up] = container["befores"]
    assert [s["name"] for s in set_up["steps"] if s["name"].startswith("Log in ")] == ["Log in Maya (agent)"]
    [tear_down] = container["afters"]
    attached = [a["name"] for step in every_step(tear_down) for a in step["attachments"]]
    assert any(re.match(r"cti POST /api/agents/[^/]+/state", name) for name in attached), attached
    assert any(re.match(r"cti POST /api/simulator/calls/[^/]+/hangup", name) for name in attached), attached
    assert not tear_down.get("attachments"), "evidence belongs on the scenario, not in its tear-down"


def test_the_evidence_and_the_journey_timeline_are_on_the_scenario(deliberately_failing_run, browser):
    results = deliberately_failing_run.results
    result, _ = result_and_container(results)
    on_scenario = {a["name"]: a for a in result["attachments"]}
    assert any(a["type"] == "image/png" for a in on_scenario.values()), list(on_scenario)
    assert any("Playwright trace" in name for name in on_scenario), list(on_scenario)
    timeline = on_scenario["journey timeline"]
    assert timeline["type"] == "text/html"

    page = browser.new_page()
    try:
        page.goto((results / timeline["source"]).as_uri())
        assert page.get_by_text("the scenario failed: the events seen so far").is_visible()
        offered = page.get_by_role("list", name="CTI events").locator("li[data-type='interaction.offered']")
        assert offered.count() == 1 and offered.get_attribute("data-correlation-id")
        assert page.locator("section.lane").count() >= 5
    finally:
        page.close()
