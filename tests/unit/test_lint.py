"""`deskcheck lint` on bad feature files: each rule names the file, line and column, and exits non-zero."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from deskcheck import lint
from deskcheck.stepdefs import ROOT

GOOD = """\
    @wrap_up @severity:normal @req:WU-9
    Feature: Good
      Scenario: Maya answers
        Given the agent "Maya" is logged in and Available
        And a customer "Dana Whitfield" with 1 open case
        When Dana calls the support line
        Then Maya's softphone rings with Dana's number
    """


def write(tmp_path: Path, text: str, name: str = "bad.feature", area: str = "wrap_up") -> Path:
    path = tmp_path / "features" / area / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors(*paths: Path) -> list[lint.Finding]:
    return [f for f in lint.lint_paths(list(paths)) if f.severity == "error"]


def test_a_good_feature_has_no_findings(tmp_path):
    assert lint.lint_paths([write(tmp_path, GOOD, "good.feature")]) == []


def test_the_repos_features_pass():
    found = errors(ROOT / "features")
    assert not found, "\n".join(map(str, found))


def test_undefined_step_names_file_line_and_closest_existing(tmp_path):
    path = write(tmp_path, GOOD.replace("When Dana calls the support line", "When Dana rings the support line"))
    [finding] = errors(path)
    assert (finding.line, finding.column) == (6, 5)
    assert finding.path.endswith("features/wrap_up/bad.feature")
    assert 'undefined step "When Dana rings the support line"' in finding.message
    assert "closest existing: When {caller} calls the {queue} line" in finding.message


def test_and_takes_the_type_of_the_step_before_it(tmp_path):
    # a Then phrase after When ... And: the And is a When step, which has no such definition
    path = write(tmp_path, GOOD.replace("Then Maya's softphone", "And Maya's softphone"))
    [finding] = errors(path)
    assert "(When step)" in finding.message and finding.line == 7


def test_unregistered_tags_and_bad_tag_families(tmp_path):
    path = write(tmp_path, GOOD.replace("@wrap_up @severity:normal @req:WU-9",
                                        "@wrap_up @smokey @severity:urgent @team:bob @flaky @req:"))
    messages = [f.message for f in errors(path)]
    assert len(messages) == 5, messages
    assert any("unregistered tag @smokey" in m and "pyproject.toml" in m for m in messages)
    assert any("unknown severity @severity:urgent" in m for m in messages)
    assert any("unknown tag family @team" in m for m in messages)
    assert any("@flaky is forbidden" in m for m in messages)
    assert any("@req: needs an ID" in m for m in messages)


def test_outline_placeholder_without_an_examples_column(tmp_path):
    path = write(tmp_path, """\
        Feature: Outline
          Scenario Outline: Dispositions
            Given the agent "Maya" is logged in and Available
            When Maya completes the wrap-up with "<code>"
            Then the call log keeps the note "<note>"

            Examples:
              | code     |
              | RESOLVED |

          Scenario Outline: No examples at all
            Given the agent "Maya" is logged in and Available
        """)
    found = errors(path)
    assert [(f.line, f.message.split(" (")[0]) for f in found] == [
        (5, "placeholder <note> has no Examples column"),
        (11, 'Scenario Outline "No examples at all" has no Examples table'),
    ], found


def test_duplicate_scenario_names_within_an_area(tmp_path):
    first = write(tmp_path, GOOD, "one.feature")
    second = write(tmp_path, GOOD.replace("Feature: Good", "Feature: Other"), "two.feature")
    elsewhere = write(tmp_path, GOOD, "three.feature", area="presence")
    found = errors(first, second, elsewhere)
    assert len(found) == 1, found
    assert found[0].path.endswith("wrap_up/two.feature") and 'duplicate scenario name "Maya answers"' in found[0].message
    assert "wrap_up/one.feature:3" in found[0].message


@pytest.mark.parametrize("line", ["When I wait 3 seconds", "And Maya waits for 2 minutes",
                                  "When we pause a few seconds", "When the agent sleeps 500 ms"])
def test_fixed_waits_are_refused(tmp_path, line):
    path = write(tmp_path, GOOD.replace("When Dana calls the support line", f"When Dana calls the support line\n    {line}"))
    [finding] = errors(path)
    assert "fixed wait" in finding.message and finding.line == 7, finding


def test_time_passing_on_the_clock_is_not_a_fixed_wait(tmp_path):
    path = write(tmp_path, GOOD.replace("Then Maya's softphone rings with Dana's number",
                                        "And 31 seconds pass in wrap-up"))
    assert errors(path) == []


def test_parse_errors_have_line_and_column(tmp_path):
    path = write(tmp_path, """\
        Feature: Broken
          Scenario: One
            Given the agent "Maya" is logged in and Available
           This line is not Gherkin
        """)
    [finding] = errors(path)
    assert (finding.line, finding.column) == (4, 4) and "cannot parse" in finding.message, finding
    assert "This line is not Gherkin" in finding.message


def test_a_block_starting_with_and_is_refused(tmp_path):
    path = write(tmp_path, GOOD.replace('Given the agent "Maya"', 'And the agent "Maya"'))
    [finding] = errors(path)
    assert "first step must be Given, When or Then" in finding.message and finding.line == 4


def test_the_command_exits_non_zero_and_prints_every_error(tmp_path):
    bad = write(tmp_path, GOOD.replace("@wrap_up", "@wrapup").replace("calls the", "phones the"))
    good = write(tmp_path, GOOD.replace("Maya answers", "Maya answers again"), "good.feature")
    run = subprocess.run([sys.executable, "-m", "deskcheck", "lint", str(tmp_path / "features")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{bad}:1:1: error: unregistered tag @wrapup" in run.stdout, run.stdout
    assert f"{bad}:6:5: error: undefined step" in run.stdout, run.stdout
    assert "2 feature file(s), 2 error(s)" in run.stdout
    ok = subprocess.run([sys.executable, "-m", "deskcheck", "lint", str(good)], cwd=ROOT,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_the_readmes_first_feature_uses_existing_steps_only(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    guide = readme.split("## Write your first feature", 1)[1]
    feature = guide.split("```gherkin\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "features" / "wrap_up" / "resolved_call.feature"
    path.parent.mkdir(parents=True)
    path.write_text(feature, encoding="utf-8")
    assert lint.lint_paths([path]) == []


# --- lint that never lies: names, ambiguity, snippets, meanings --------------------------------------------

def test_half_a_sentence_never_binds_as_a_name(tmp_path):
    # once bound to "{agent} becomes Available" with agent = 'the agent "Maya" gets ready and', then died in the run
    path = write(tmp_path, GOOD.replace("When Dana calls the support line",
                                        'When Dana calls the support line\n    And the agent "Maya" gets ready and '
                                        "becomes Available"))
    [finding] = errors(path)
    assert finding.line == 7 and 'undefined step "And the agent "Maya" gets ready and becomes Available"' in finding.message


def test_a_name_that_is_no_actor_is_refused(tmp_path):
    path = write(tmp_path, GOOD.replace("Then Maya's softphone rings", "Then Mya's softphone rings"))
    [finding] = errors(path)
    assert finding.line == 7 and '"Mya" is not an actor' in finding.message and "Maya, Leo, Sam, Tia" in finding.message


def test_a_customer_the_scenario_did_not_make_is_refused(tmp_path):
    path = write(tmp_path, GOOD.replace("When Dana calls the support line", "When Dnaa calls the support line"))
    [finding] = errors(path)
    assert finding.line == 6 and '"Dnaa" is not a customer of this scenario' in finding.message
    assert "Dana" in finding.message, finding.message  # the customers it does have


def test_names_come_from_each_examples_row(tmp_path):
    path = write(tmp_path, """\
        Feature: Rows
          Scenario Outline: Each row's customer calls
            Given the agent "Maya" is logged in and Available
            And a customer "<full>" with 1 open case
            When <first> calls the support line

            Examples:
              | full           | first |
              | Dana Whitfield | Dana  |
              | Omar Haddad    | Omr   |
        """)
    [finding] = errors(path)
    assert '"Omr" is not a customer of this scenario' in finding.message


def _twin_of(definitions, phrase_text):
    original = next(d for d in definitions if d.phrase() == phrase_text)

    def twin(agent):
        """Does the same as another step: a second definition of the same words (made by this test)."""

    return lint.StepDef(original.type, original.parser, twin), original


def test_a_line_two_definitions_match_is_an_error_naming_both(tmp_path):
    from deskcheck import stepdefs

    definitions = stepdefs.load_step_definitions()
    twin, original = _twin_of(definitions, "{agent} answers the call")
    path = write(tmp_path, GOOD.replace("Then Maya's softphone rings with Dana's number", "And Maya answers the call"))
    found = [f for f in lint.Linter(defs=[*definitions, twin]).lint([path]) if f.severity == "error"]
    assert len(found) == 1 and found[0].line == 7, found
    assert "matches 2 step definitions" in found[0].message
    assert original.where in found[0].message and twin.where in found[0].message
    assert twin.where.startswith("tests/unit/test_lint.py:")


def test_an_undefined_line_gets_a_definition_to_paste_and_the_closest_steps_by_meaning(tmp_path):
    path = write(tmp_path, GOOD.replace("When Dana calls the support line", "When Maya puts Dana on hold"))
    [finding] = errors(path)
    closest = finding.message.split("closest existing: ", 1)[1].split("\n", 1)[0].split(" | ")
    assert len(closest) == 3 and "When {agent} puts the call on hold" in closest, closest
    assert "@when(phrase('{agent:Actor} puts {customer:Persona} on hold'))" in finding.message
    assert "def maya_puts_dana_on_hold" not in finding.message  # named by its words, not by the values
    assert "def puts_on_hold(agent, customer, desktop, crm, cti):" in finding.message


def test_a_step_without_a_written_meaning_is_a_warning_for_engineers(tmp_path):
    from deskcheck import stepdefs

    def undocumented(agent):
        pass

    definitions = stepdefs.load_step_definitions()
    silent = lint.StepDef("when", definitions[0].parser.__class__("nobody writes this line"), undocumented)
    found = lint.Linter(defs=[*definitions, silent]).lint([write(tmp_path, GOOD, "good.feature")])
    [warning] = [f for f in found if f.severity == "warning"]
    assert warning.path.endswith("tests/unit/test_lint.py") and "has no docstring" in warning.message
    assert not [f for f in found if f.severity == "error"]
