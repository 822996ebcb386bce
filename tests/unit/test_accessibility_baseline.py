"""The accessibility scans' known-violations baseline, severity threshold and report text (no browser)."""
from __future__ import annotations

import pytest

from fixtures.a11y_baseline import BASELINE_FILE, Baseline, BaselineError, judge
from fixtures.accessibility import describe, failure_message
from fixtures.axe_scan import Finding, Scan, impact_rank, target_text


def finding(rule="button-name", impact="critical", target="#softphone >> #answer", frame="Softphone") -> Finding:
    return Finding(rule=rule, impact=impact, target=target, frame=frame, html="<button></button>",
                   summary="Fix any of the following:\n  Element has no title attribute", help="Buttons must have text",
                   help_url=f"https://dequeuniversity.com/rules/axe/4.12/{rule}", wcag=("wcag2a", "wcag412"))


ENTRY = """
[[violation]]
rule = "color-contrast"
target = "#softphone >> .agent-name"
owner = "softphone team"
reason = "brand colours under review"
"""


def test_the_repository_baseline_loads():
    Baseline.load(BASELINE_FILE)


def test_an_entry_is_read_with_all_its_fields():
    baseline = Baseline.parse(ENTRY, "b.toml")
    (entry,) = baseline.entries
    assert (entry.rule, entry.target, entry.owner, entry.reason) == (
        "color-contrast", "#softphone >> .agent-name", "softphone team", "brand colours under review")


@pytest.mark.parametrize("text, complaint", [
    (ENTRY.replace('owner = "softphone team"\n', ""), "'owner' is required"),
    (ENTRY.replace('reason = "brand colours under review"', 'reason = "  "'), "'reason' is required"),
    (ENTRY.replace("owner =", "ownr ="), "unknown field(s) ['ownr']"),
    (ENTRY.replace('rule = "color-contrast"', 'rule = "Colour contrast"'), "is not an axe rule id"),
    (ENTRY + ENTRY, "listed twice"),
    (ENTRY.replace("[[violation]]", "[[violations]]"), "unknown top-level key(s) ['violations']"),
    ("violation = 3", "must be [[violation]] tables"),
    ("[[violation]\nrule=", "not valid TOML"),
])
def test_a_bad_baseline_is_refused_with_the_entry_named(text, complaint):
    with pytest.raises(BaselineError) as refused:
        Baseline.parse(text, "b.toml")
    assert complaint in str(refused.value) and "b.toml" in str(refused.value)


def test_a_missing_baseline_file_is_refused(tmp_path):
    with pytest.raises(BaselineError, match="missing"):
        Baseline.load(tmp_path / "nope.toml")


def test_new_findings_at_or_above_the_threshold_fail_and_the_rest_are_reported():
    findings = [finding(impact="critical"), finding("region", "moderate", "#x", ""),
                finding("color-contrast", "serious", "#softphone >> .muted"), finding("list", "minor", "ul", "")]
    verdict = judge(findings, Baseline(), "serious")
    assert [f.rule for f in verdict.new] == ["button-name", "color-contrast"]  # worst first
    assert [f.rule for f in verdict.below] == ["region", "list"]
    assert not verdict.passed
    assert [f.rule for f in judge(findings, Baseline(), "critical").new] == ["button-name"]
    assert len(judge(findings, Baseline(), "minor").new) == 4


def test_a_known_violation_does_not_fail_and_keeps_its_owner():
    baseline = Baseline.parse(ENTRY)
    known = finding("color-contrast", "serious", "#softphone >> .agent-name")
    verdict = judge([known], baseline, "serious")
    assert verdict.passed and not verdict.new
    ((seen, entry),) = verdict.known
    assert seen == known and entry.owner == "softphone team"


def test_the_baseline_matches_rule_and_target_exactly_with_star_as_the_only_wildcard():
    baseline = Baseline.parse(ENTRY.replace('"#softphone >> .agent-name"', '"iframe[title=\\"Softphone\\"] >> *"'))
    assert baseline.known(finding("color-contrast", target='iframe[title="Softphone"] >> .agent-name'))
    assert not baseline.known(finding("color-contrast", target='iframe[title="Softphone"]'))   # * needs the ' >> '
    assert not baseline.known(finding("button-name", target='iframe[title="Softphone"] >> .agent-name'))  # other rule
    exact = Baseline.parse(ENTRY)
    assert not exact.known(finding("color-contrast", target="#softphone >> .agent-name-2"))
    assert not exact.known(finding("color-contrast", target="#softphone >> .agent"))
    # brackets are literal, not fnmatch character classes
    brackets = Baseline.parse(ENTRY.replace('"#softphone >> .agent-name"', '"li[data-x] >> a"'))
    assert brackets.known(finding("color-contrast", target="li[data-x] >> a"))
    assert not brackets.known(finding("color-contrast", target="lid >> a"))


def test_an_impact_axe_did_not_give_counts_as_serious():
    assert impact_rank(None) == impact_rank("serious") > impact_rank("moderate")
    assert judge([finding(impact="")], Baseline(), "serious").new


def test_an_unknown_threshold_is_refused():
    with pytest.raises(ValueError, match="unknown impact 'severe'"):
        judge([], Baseline(), "severe")


def test_targets_join_frames_and_shadow_roots():
    assert target_text(["#softphone", "#answer"]) == "#softphone >> #answer"
    assert target_text([["my-app", "button"]]) == "my-app >>> button"


def test_the_report_names_rule_element_frame_fix_and_help_link():
    text = describe(finding())
    assert "button-name (critical)" in text and "Softphone frame: #softphone >> #answer" in text
    assert "help:     https://dequeuniversity.com/rules/axe/4.12/button-name" in text
    assert "Element has no title attribute" in text and "wcag2a" in text
    scan = Scan(url="http://x/console", frames=["page"], unreached=["#softphone: Frame was detached"])
    message = failure_message("Maya's console", scan, judge([finding()], Baseline(), "serious"))
    assert "1 new accessibility problem(s) at serious or worse" in message
    assert "could not scan inside: #softphone: Frame was detached" in message
    assert "known_violations.toml" in message


def test_a_frame_axe_could_not_enter_fails_the_check_even_without_violations(monkeypatch):
    import fixtures.accessibility as accessibility

    blind = Scan(url="http://x/console", frames=["page"], unreached=["#softphone: Frame was detached"])
    monkeypatch.setattr(accessibility, "scan_page", lambda page: blind)
    with pytest.raises(AssertionError, match="could not scan inside: #softphone"):
        accessibility.AccessibilityChecker(Baseline()).expect_no_problems(object(), "Maya's console")


def test_only_known_or_below_threshold_findings_pass_the_check(monkeypatch):
    import fixtures.accessibility as accessibility

    seen = Scan(url="http://x/console", frames=["page", "Softphone"],
                violations=[finding("color-contrast", "serious", "#softphone >> .agent-name"),
                            finding("region", "moderate", "#x", "")])
    monkeypatch.setattr(accessibility, "scan_page", lambda page: seen)
    checker = accessibility.AccessibilityChecker(Baseline.parse(ENTRY))
    assert checker.expect_no_problems(object(), "Maya's console") is seen
    with pytest.raises(AssertionError, match="color-contrast"):
        accessibility.AccessibilityChecker(Baseline()).expect_no_problems(object(), "Maya's console")
