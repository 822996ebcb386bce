"""Target profiles: the sandbox's classes by default, a profile file's classes when named, clear errors."""
from __future__ import annotations

import pytest

from deskcheck.adapters.sandbox import SandboxAdapters
from deskcheck.adapters.sandbox.cti import SandboxCti
from fixtures.profile import ProfileError, load_profile
from pages import Console, SupervisorBoard


def test_the_built_in_profile_is_the_sandboxs():
    profile = load_profile("")
    assert (profile.name, profile.source) == ("sandbox", "built-in")
    assert profile.page("console") is Console and profile.page("supervisor_board") is SupervisorBoard
    assert profile.adapter_set() is SandboxAdapters and profile.port_overrides() == {}
    assert {"clock", "write_audit", "call_simulator"} <= profile.capabilities()


def test_a_profile_file_swaps_only_what_it_names():
    profile = load_profile("tests/profiles/recording.toml")
    assert profile.name == "recording"
    assert profile.page("console").__name__ == "RecordingConsole" and issubclass(profile.page("console"), Console)
    assert profile.page("supervisor_board") is SupervisorBoard
    assert set(profile.port_overrides()) == {"cti"}
    assert profile.port_overrides()["cti"].__name__ == "RecordingCti" and issubclass(profile.port_overrides()["cti"], SandboxCti)


@pytest.mark.parametrize("text, message", [
    ('[pages]\nconsole = "nowhere.pages:Console"\n', "cannot import 'nowhere.pages'"),
    ('[pages]\nconsole = "pages:NoSuchConsole"\n', "'pages' has no 'NoSuchConsole'"),
    ('[pages]\nconsole = "pages.Console"\n', "expected 'module:Class'"),
    ('[pages]\nwallboard = "pages:Console"\n', "unknown pages ['wallboard']"),
    ('target = "x"\n', "unknown keys ['target']"),
    ('[ports]\nwallboard = "pages:Console"\n', "unknown ports ['wallboard']"),
    ("[pages\n", "not valid TOML"),
])
def test_bad_profiles_stop_the_run_with_a_clear_message(tmp_path, text, message):
    path = tmp_path / "team.toml"
    path.write_text(text)
    with pytest.raises(ProfileError, match=None) as error:
        load_profile(str(path))
    assert message in str(error.value), str(error.value)


def test_a_missing_profile_file():
    with pytest.raises(ProfileError, match="cannot read it"):
        load_profile("no/such/profile.toml")
