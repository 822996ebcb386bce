"""The coverage map is built from what ran: a tiny generated suite asserts a few states on a few surfaces,
and the map (reports/coverage-map.html, and the Allure results' global attachment) marks exactly those
cells, leaves the others empty as gaps, and renders as a table in Chromium."""
from __future__ import annotations

import json
from typing import Iterator

import pytest

from tests.tooling.helpers import generated_suite, run_pytest, shown

FEATURE = """Feature: Coverage map probe

  @req:COV-1
  Scenario: Maya is Available on her softphone
    Given the agent "Maya" is logged in and Available
    Then Maya's softphone shows the state "Available"

  @req:COV-2
  Scenario: A state set in the CTI's API reaches the CRM
    Given the agent "Leo" is Available in the CTI with no console open
    When the CTI's API sets Leo Not ready because "Break"
    Then the CRM has Leo's presence as "Busy" set from the CTI
"""
MODULE = 'from pytest_bdd import scenarios\n\nscenarios("probe.feature")\n'


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Iterator[tuple]:
    out = tmp_path_factory.mktemp("coverage")
    with generated_suite({"probe.feature": FEATURE, "test_probe.py": MODULE}) as folder:
        done = run_pytest([str(folder), "-p", "no:xdist", "-p", "no:randomly", f"--alluredir={out / 'allure-results'}",
                           "-o", f"bdd_features_base_dir={folder}"], timeout=300)
    yield done, out


@pytest.fixture
def page(browser, run) -> Iterator:
    done, out = run
    assert done.returncode == 0, shown(done)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto((out / "coverage-map.html").as_uri())
    yield page
    context.close()


def cell(page, row: str, surface: str):
    return page.get_by_role("table", name="Coverage map").locator(f"td[data-row='{row}'][data-surface='{surface}']")


def test_the_map_marks_the_asserted_cells_and_leaves_the_others_empty(page):
    # COV-2's Given checks in the CTI that Leo is Available: an API check of that state too
    for row, surface, labels in (("Available", "softphone", {"COV-1"}), ("Available", "API", {"COV-1", "COV-2"}),
                                 ("Not ready (Break)", "API", {"COV-2"}), ("CTI → CRM: presence", "API", {"COV-2"})):
        found = cell(page, row, surface)
        assert found.get_attribute("class") == "covered", (row, surface, found.inner_html())
        assert set(found.get_by_role("listitem").all_inner_texts()) == labels, (row, surface)
    for row, surface in (("Available", "board"), ("Ringing", "softphone"), ("Ringing", "API"),
                         ("Not ready (Break)", "softphone"), ("offered", "softphone"), ("CRM → CTI: presence", "API")):
        found = cell(page, row, surface)
        assert found.get_attribute("class") == "gap" and found.inner_text() == "", (row, surface, found.inner_html())
    assert cell(page, "Available", "ticket view").inner_text() == "not shown"
    headers = page.get_by_role("table", name="Coverage map").locator("thead th").all_inner_texts()
    assert headers == ["Edge or state", "exercised by", "softphone", "console", "board", "ticket view", "chat widget", "API"]
    gaps = page.locator("td.gap").count()
    assert f"{gaps} gaps" in page.locator("p.meta").inner_text()


def test_the_map_is_a_global_attachment_of_the_allure_results_and_each_scenario_has_its_record(run):
    done, out = run
    assert done.returncode == 0, shown(done)
    results = out / "allure-results"
    [globals_file] = results.glob("*-globals.json")
    [attachment] = json.loads(globals_file.read_text())["attachments"]
    assert attachment["name"] == "Coverage map" and attachment["type"] == "text/html"
    assert (results / attachment["source"]).read_text() == (out / "coverage-map.html").read_text()
    records = [json.loads(p.read_text()) for p in results.glob("*-attachment.json")]
    records = {r["label"]: r for r in records if "checks" in r}
    assert set(records) == {"COV-1", "COV-2"}
    assert {c["surface"] for c in records["COV-2"]["checks"]} == {"API"}, "no screen was opened in COV-2"
    assert "2 scenarios, " in done.stdout and "coverage-map.html" in done.stdout, shown(done)
