"""deskcheck lint --profile: which scenarios a profile's adapters can run, said before anything connects."""
from __future__ import annotations

from deskcheck import lint


def test_lint_lists_the_scenarios_a_profile_cannot_run_with_the_capability(capsys):
    status = lint.main(["--quiet", "--profile", "tests/profiles/limited.toml", "features/wrap_up/wrap_up.feature"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "profile limited:" in out and "lacking:" in out and "write_audit" in out, out
    assert ("features/wrap_up/wrap_up.feature:63: The call log lands once in the CRM and once in the CTI, "
            "with the wrap-up time - needs write_audit") in out, out
    assert "10 of 11 scenario(s) will run; 1 not applicable" in out, out


def test_the_sandbox_profile_runs_every_wrap_up_scenario(capsys):
    lint.main(["--quiet", "--profile", "sandbox", "features/wrap_up/wrap_up.feature"])
    out = capsys.readouterr().out
    assert "11 of 11 scenario(s) will run; 0 not applicable" in out, out
