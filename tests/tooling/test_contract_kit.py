"""The contract kit catches a broken adapter and says which port method broke which expectation."""
from __future__ import annotations

from tests.tooling.helpers import run_pytest, shown


def test_a_broken_adapter_fails_the_kit_naming_the_port_method_and_the_expectation():
    run = run_pytest(["tests/contract/test_ports.py", "-p", "no:xdist", "-q", "-p", "no:randomly",
                      "-k", "created_persona"],
                     env={"DESKCHECK_PROFILE": "tests/profiles/broken.toml"}, timeout=180)
    assert run.returncode == 1 and "1 failed" in run.stdout, shown(run)
    assert "contract broken: crm.find_contacts(phone=" in run.stdout, shown(run)
    assert "should return the contact just created with that number" in run.stdout, shown(run)

