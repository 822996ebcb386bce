"""docs/steps.html, the searchable catalogue, in a real browser (the suite's Chromium): the link in the Allure report's
environment opens it, the search box keeps only what holds every word typed, the concept menu narrows to one
business concept, and the glossary is searched too."""
from __future__ import annotations

import re
from typing import Iterator

import pytest
from playwright.sync_api import expect

from deskcheck import catalogue
from tests.tooling.helpers import ROOT, run_pytest, shown


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def environment_link(tmp_path_factory) -> str:
    """The step catalogue's link as a run writes it into the Allure results' environment.properties."""
    results = tmp_path_factory.mktemp("allure-results")
    run = run_pytest(["-n", "0", "-q", f"--alluredir={results}",
                      "tests/unit/test_reporting.py::test_categories_cover_product_test_and_environment"])
    assert run.returncode == 0, shown(run)
    found = re.search(r"^step_catalogue=(.+)$", (results / "environment.properties").read_text(), re.MULTILINE)
    assert found, (results / "environment.properties").read_text()
    return found.group(1).replace("\\:", ":")  # .properties escapes the colon


def matches(page) -> int:
    return int(re.match(r"(\d+) match", page.locator("#count").inner_text()).group(1))


def test_the_reports_link_opens_the_catalogue_and_search_keeps_what_holds_every_word(page, environment_link):
    assert environment_link == catalogue.HTML.as_uri()
    page.goto(environment_link)
    expect(page.get_by_role("heading", level=1, name="Step catalogue and glossary")).to_be_visible()
    everything = matches(page)
    assert everything == page.locator(".entry").count() > 300

    search = page.get_by_role("searchbox", name="Search")
    search.fill("hold")
    expect(page.locator(".entry", has_text="{agent} puts the call on hold").first).to_be_visible()
    assert 0 < matches(page) < everything
    for text in page.locator(".entry:not([hidden])").all_inner_texts():
        assert "hold" in text.lower()
    expect(page.locator(".entry", has_text="{caller} calls the {queue} line").first).to_be_hidden()

    search.fill("hold CTI seconds")  # every word must be there
    expect(page.locator(".entry:not([hidden])", has_text="the CTI has recorded {seconds:d} seconds on hold")).to_have_count(1)

    search.fill("zzz-nothing-says-this")
    expect(page.locator("#count")).to_have_text("0 matches")
    expect(page.locator("section.concept:not([hidden])")).to_have_count(0)


def test_the_concept_menu_and_the_glossary(page):
    page.goto(catalogue.HTML.as_uri())
    page.get_by_role("combobox", name="Concept").select_option(value="ticket")
    visible = page.locator(".entry:not([hidden])")
    assert visible.count() == page.locator('.entry[data-concept="ticket"]').count() > 10
    expect(page.locator("section#concept-call")).to_be_hidden()

    page.get_by_role("combobox", name="Concept").select_option(label="All concepts")
    page.get_by_role("searchbox", name="Search").fill("Not ready (Lunch)")
    states = page.locator("section#glossary-agent-states")
    expect(states).to_be_visible()
    expect(states.get_by_role("cell", name="Not ready (Lunch)", exact=True)).to_be_visible()


def test_a_search_can_be_linked(page):
    page.goto(catalogue.HTML.as_uri() + "?q=WRAPUP_TIMEOUT")
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("WRAPUP_TIMEOUT")
    expect(page.locator("section#glossary-queues")).to_be_visible()
    assert 0 < matches(page) < page.locator(".entry").count()


def test_the_page_needs_nothing_from_the_network():
    text = catalogue.HTML.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="https?://', text)
    assert (ROOT / "docs" / "steps.html") == catalogue.HTML
