import pytest

from fixtures.reporting import CATEGORIES, area_of, environment_properties, executor_info, tag_to_mark


def test_severity_tag_becomes_an_allure_label():
    mark = tag_to_mark("severity:critical")
    assert mark.name == "allure_label" and mark.args == ("critical",) and mark.kwargs == {"label_type": "severity"}


def test_unknown_severity_is_refused():
    with pytest.raises(pytest.UsageError, match="severity is one of"):
        tag_to_mark("severity:urgent")


def test_req_and_issue_tags_become_links_with_patterns():
    mark = tag_to_mark("issue:2", {"issue": "https://tracker.example/issues/{}"})
    assert mark.name == "allure_link"
    assert mark.args == ("https://tracker.example/issues/2",) and mark.kwargs["link_type"] == "issue"
    req = tag_to_mark("req:SP-1")
    assert req.args == ("SP-1",) and req.kwargs == {"name": "REQ SP-1", "link_type": "req"}


def test_plain_tags_stay_markers():
    assert tag_to_mark("smoke") is None
    assert tag_to_mark("screen_pop") is None


def test_epic_is_the_area_folder(tmp_path):
    assert area_of(tmp_path / "features" / "screen_pop" / "single.feature", tmp_path) == "screen_pop"
    assert area_of(tmp_path / "features" / "loose.feature", tmp_path) is None


def test_executor_from_ci_variables():
    github = executor_info({"GITHUB_RUN_ID": "77", "GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_NUMBER": "5"})
    assert github["buildUrl"].endswith("/o/r/actions/runs/77") and github["type"] == "github"
    assert executor_info({"BUILD_URL": "https://ci/job/1/"})["buildUrl"] == "https://ci/job/1/"
    assert executor_info({"CI": "true"})["type"] == "ci"
    assert executor_info({})["type"] == "local"
    own = executor_info({"CI": "true", "DESKCHECK_BUILD_NAME": "nightly 42", "DESKCHECK_BUILD_URL": "https://ci/42"})
    assert (own["buildName"], own["buildUrl"], own["type"]) == ("nightly 42", "https://ci/42", "ci")


def test_environment_properties_are_masked_and_one_line_each():
    from deskcheck.masking import register_secret

    register_secret("s3cret-value")
    text = environment_properties({"crm_url": "http://127.0.0.1:1", "note": "a\nb s3cret-value"})
    assert "crm_url=http://127.0.0.1:1\n" in text and "s3cret-value" not in text
    assert all("=" in line for line in text.splitlines())
    assert "playwright=" in text and "python=" in text


def test_categories_cover_product_test_and_environment():
    names = " ".join(c["name"] for c in CATEGORIES)
    for word in ("Product defects", "Test defects", "Environment"):
        assert word in names
