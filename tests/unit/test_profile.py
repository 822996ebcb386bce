"""Target profiles: the sandbox's classes by default, a profile file's classes when named, clear errors."""
from __future__ import annotations

import pytest

from fixtures.api import CrmClient, CtiClient
from fixtures.profile import ProfileError, load_profile
from pages import Console, SupervisorBoard


def test_the_built_in_profile_is_the_sandboxs():
    profile = load_profile("")
    assert (profile.name, profile.source) == ("sandbox", "built-in")
    assert profile.page("console") is Console and profile.page("supervisor_board") is SupervisorBoard
    assert profile.client("crm") is CrmClient and profile.client("cti") is CtiClient
    assert profile.client("helpdesk", default="fixtures.api:CrmClient") is CrmClient  # systems beyond the defaults


def test_a_profile_file_swaps_only_what_it_names():
    profile = load_profile("tests/profiles/recording.toml")
    assert profile.name == "recording"
    assert profile.page("console").__name__ == "RecordingConsole" and issubclass(profile.page("console"), Console)
    assert profile.page("supervisor_board") is SupervisorBoard
    assert profile.client("cti").__name__ == "RecordingCtiClient" and profile.client("crm") is CrmClient


@pytest.mark.parametrize("text, message", [
    ('[pages]\nconsole = "nowhere.pages:Console"\n', "cannot import 'nowhere.pages'"),
    ('[pages]\nconsole = "pages:NoSuchConsole"\n', "'pages' has no 'NoSuchConsole'"),
    ('[pages]\nconsole = "pages.Console"\n', "expected 'module:Class'"),
    ('[pages]\nwallboard = "pages:Console"\n', "unknown pages ['wallboard']"),
    ('target = "x"\n', "unknown keys ['target']"),
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
