"""deskcheck lint --profile: which scenarios a profile's adapters can run, said before anything connects."""
from __future__ import annotations

from deskcheck import lint


def test_lint_lists_the_scenarios_a_profile_cannot_run_with_the_capability(capsys):
    status = lint.main(["--quiet", "--profile", "tests/profiles/limited.toml", "features/wrap_up/wrap_up.feature"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "profile limited:" in out and "lacking: wrapup_draft, write_audit" in out, out
    assert "features/wrap_up/wrap_up.feature:45: Reloading the console keeps the wrap-up draft - needs wrapup_draft" \
        in out, out
    assert "8 of 11 scenario(s) will run; 3 not applicable" in out, out


def test_lint_lists_the_checks_a_running_scenario_leaves_out_with_the_capability(capsys):
    lint.main(["--quiet", "--profile", "tests/profiles/limited.toml", "features/wrap_up/wrap_up.feature"])
    out = capsys.readouterr().out
    assert "1 of those that run leave out checks the target cannot make" in out, out
    assert ("features/wrap_up/wrap_up.feature:63: The call log lands once in the CRM and once in the CTI, "
            "with the wrap-up time - without wrapup_draft, write_audit") in out, out


def test_the_sandbox_profile_runs_every_wrap_up_scenario(capsys):
    lint.main(["--quiet", "--profile", "sandbox", "features/wrap_up/wrap_up.feature"])
    out = capsys.readouterr().out
    assert "11 of 11 scenario(s) will run; 0 not applicable" in out, out


def test_a_profile_is_found_by_its_name_as_make_says_it(capsys):
    status = lint.main(["--quiet", "--profile", "service-cloud-voice", "features/wrap_up/wrap_up.feature"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "profile service-cloud-voice:" in out, out


def test_an_unknown_profile_is_one_line_naming_the_setting(capsys):
    status = lint.main(["--quiet", "--profile", "no-such-profile", "features/wrap_up/wrap_up.feature"])
    out = capsys.readouterr().out
    assert status == 2
    assert out.splitlines()[-1] == ("deskcheck lint --profile: DESKCHECK_PROFILE='no-such-profile': cannot read it "
                                    "(No such file or directory)"), out
