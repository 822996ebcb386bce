"""Labels as the business reads them: epics by their business names, owners from tags, test-management keys."""
from __future__ import annotations

import pytest

from deskcheck.lint import tag_problem
from fixtures.reporting import EPICS, FEATURES_DIR, epic_of, tag_to_mark
from fixtures.settings import ROOT


def test_every_area_has_its_business_name():
    areas = sorted(p.name for p in (ROOT / FEATURES_DIR).iterdir() if p.is_dir() and any(p.glob("*.feature")))
    assert [a for a in areas if a not in EPICS] == [], "name the new area's epic in fixtures/reporting.py EPICS"
    assert epic_of("ivr") == "IVR" and epic_of("marketing_sync") == "CRM and marketing sync"
    assert epic_of("some_new_area") == "Some new area"


def test_owner_tag_becomes_the_allure_owner():
    mark = tag_to_mark("owner:softphone-team")
    assert mark.name == "allure_label" and mark.args == ("softphone-team",) and mark.kwargs == {"label_type": "owner"}


@pytest.mark.parametrize("tag, key", [("TEST_ABC-123", "ABC-123"), ("TestCaseKey=ABC-T12", "ABC-T12")])
def test_test_management_keys_become_tms_links_and_no_markers(tag, key):
    mark = tag_to_mark(tag, {"tms": "https://jira.example/browse/{}"})
    assert mark.name == "allure_link" and mark.kwargs == {"name": key, "link_type": "tms"}
    assert mark.args == (f"https://jira.example/browse/{key}",)


def test_a_requirement_key_is_a_req_link():
    assert tag_to_mark("REQ_ABC-7").kwargs == {"name": "ABC-7", "link_type": "req"}


@pytest.mark.parametrize("tag", ["owner:softphone-team", "TEST_ABC-123", "REQ_ABC-7", "TestCaseKey=ABC-T12"])
def test_lint_accepts_owner_and_test_management_tags(tag):
    assert tag_problem(tag, set()) is None


def test_lint_refuses_an_owner_without_a_name_and_a_malformed_key():
    assert "needs a name" in tag_problem("owner:", set())
    assert "unregistered tag" in tag_problem("TEST_abc-1", set())
