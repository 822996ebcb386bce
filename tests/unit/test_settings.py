from pathlib import Path

import pytest

from fixtures.settings import Settings, SettingsError, for_this_run, load_settings


def write_pyproject(tmp_path: Path, body: str = "") -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text("[project]\nname='x'\n\n[tool.deskcheck]\n" + body)
    return path


def test_defaults_start_the_sandbox(tmp_path):
    settings = load_settings(write_pyproject(tmp_path), environ={})
    assert settings.use_sandbox
    assert settings.ui_timeout_ms == 5000
    assert settings.eventually_timeout_s == 5
    assert settings.client_id == "deskcheck-suite"
    assert settings.client_secret == "suite-secret"
    assert settings.headless is True


def test_the_run_gives_its_own_sandbox_a_secret_made_for_it(tmp_path):
    demo = load_settings(write_pyproject(tmp_path), environ={})
    first, second = for_this_run(demo), for_this_run(demo)
    assert len({demo.client_secret, first.client_secret, second.client_secret}) == 3  # never the repository's
    assert len(first.client_secret) >= 32 and first.client_id == demo.client_id
    chosen = load_settings(write_pyproject(tmp_path), environ={"DESKCHECK_CLIENT_SECRET": "given-by-the-team"})
    assert for_this_run(chosen).client_secret == "given-by-the-team"
    yours = load_settings(write_pyproject(tmp_path), environ={"DESKCHECK_CRM_URL": "http://crm.test",
                                                               "DESKCHECK_CTI_URL": "http://cti.test"})
    assert for_this_run(yours).client_secret == yours.client_secret  # your environment's secret is yours


def test_layers_pyproject_then_env_file_then_environment(tmp_path):
    pyproject = write_pyproject(tmp_path, "ui_timeout_ms = 7000\ntoken_ttl = 60\n")
    env_file = tmp_path / "staging.env"
    env_file.write_text("# staging\nDESKCHECK_UI_TIMEOUT_MS=8000\nDESKCHECK_CLIENT_SECRET='s3cr3t-from-file'\n"
                        "DESKCHECK_CRM_URL=https://crm.example.test/\nDESKCHECK_CTI_URL=https://cti.example.test\n")
    settings = load_settings(pyproject, environ={"DESKCHECK_ENV_FILE": str(env_file), "DESKCHECK_UI_TIMEOUT_MS": "9000",
                                                 "DESKCHECK_HEADLESS": "false"})
    assert settings.ui_timeout_ms == 9000
    assert settings.token_ttl == 60
    assert settings.client_secret == "s3cr3t-from-file"
    assert settings.crm_url == "https://crm.example.test"
    assert settings.headless is False
    assert not settings.use_sandbox


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"DESKCHECK_UI_TIMEOUT_MS": "soon"}, "ui_timeout_ms"),
        ({"DESKCHECK_EVENTUALLY_TIMEOUT_S": "five"}, "eventually_timeout_s"),
        ({"DESKCHECK_HEADLESS": "maybe"}, "headless"),
        ({"DESKCHECK_CRM_URL": "crm.example.test", "DESKCHECK_CTI_URL": "http://cti"}, "crm_url"),
        ({"DESKCHECK_BROWSER_WS": "http://grid:3000"}, "browser_ws"),
        ({"DESKCHECK_CRM_URL": "http://crm:1"}, "cti_url"),
    ],
)
def test_bad_value_names_the_setting(tmp_path, environ, named):
    with pytest.raises(SettingsError, match=named):
        load_settings(write_pyproject(tmp_path), environ=environ)


def test_unknown_key_in_pyproject_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="ui_timeout"):
        load_settings(write_pyproject(tmp_path, "ui_timeout = 3\n"), environ={})


def test_non_numeric_timeout_in_pyproject_names_the_setting(tmp_path):
    with pytest.raises(SettingsError, match="'ui_timeout_ms'.*pyproject"):
        load_settings(write_pyproject(tmp_path, "ui_timeout_ms = 'fast'\n"), environ={})


def test_secret_is_refused_in_pyproject(tmp_path):
    with pytest.raises(SettingsError, match="client_secret.*secret"):
        load_settings(write_pyproject(tmp_path, "client_secret = 'oops'\n"), environ={})


def test_secret_never_shows_in_repr_str_or_masked(tmp_path):
    settings = load_settings(write_pyproject(tmp_path), environ={"DESKCHECK_CLIENT_SECRET": "hunter2-very-secret"})
    for text in (repr(settings), str(settings), str(settings.masked())):
        assert "hunter2-very-secret" not in text
        assert "client_secret='***'" in text or "'client_secret': '***'" in text


def test_bad_secret_value_is_not_echoed():
    # even an error about a secret must not print it
    from fixtures.settings import _coerce

    with pytest.raises(SettingsError) as info:
        _coerce("client_secret", 12345, "test")
    assert "12345" not in str(info.value)


def test_malformed_env_file_line_is_reported(tmp_path):
    env_file = tmp_path / "bad.env"
    env_file.write_text("DESKCHECK_UI_TIMEOUT_MS 3000\n")
    with pytest.raises(SettingsError, match="bad.env:1"):
        load_settings(write_pyproject(tmp_path), environ={"DESKCHECK_ENV_FILE": str(env_file)})


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        Settings().ui_timeout_ms = 1  # type: ignore[misc]


def test_repository_pyproject_loads():
    assert load_settings(environ={}).use_sandbox


@pytest.mark.parametrize("ttl", ["0", "4", "28801", "999999999"])
def test_token_ttl_out_of_bounds_names_the_setting_and_the_range(tmp_path, ttl):
    with pytest.raises(SettingsError, match=r"token_ttl.*between 5 and 28800 seconds"):
        load_settings(write_pyproject(tmp_path), environ={"DESKCHECK_TOKEN_TTL": ttl})


@pytest.mark.parametrize("ttl", ["5", "28800"])
def test_token_ttl_at_the_bounds_is_taken(tmp_path, ttl):
    assert load_settings(write_pyproject(tmp_path), environ={"DESKCHECK_TOKEN_TTL": ttl}).token_ttl == int(ttl)


def test_actor_logins_come_from_the_env_file_masked(tmp_path):
    env_file = tmp_path / "staging.env"
    env_file.write_text("DESKCHECK_SUPERVISOR_USERNAME=qa.sam\nDESKCHECK_SUPERVISOR_PASSWORD='correct horse 9'\n")
    settings = load_settings(write_pyproject(tmp_path, "agent_username = 'qa.maya'\n"),
                             environ={"DESKCHECK_ENV_FILE": str(env_file), "DESKCHECK_AGENT_PASSWORD": "battery-7"})
    assert settings.login("supervisor") == ("qa.sam", "correct horse 9")
    assert settings.login("agent") == ("qa.maya", "battery-7")
    assert settings.login("trainee") is None
    assert settings.configured_logins() == ["agent", "supervisor"]
    for text in (repr(settings), str(settings.masked())):
        assert "correct horse 9" not in text and "battery-7" not in text


def test_an_actor_password_is_refused_in_pyproject(tmp_path):
    with pytest.raises(SettingsError, match="agent_password.*secret"):
        load_settings(write_pyproject(tmp_path, "agent_password = 'oops'\n"), environ={})


@pytest.mark.parametrize(("environ", "missing"), [
    ({"DESKCHECK_TRAINEE_USERNAME": "qa.tia"}, "trainee_password"),
    ({"DESKCHECK_SECOND_AGENT_PASSWORD": "s3cret-pw"}, "second_agent_username"),
])
def test_half_a_login_is_refused(tmp_path, environ, missing):
    with pytest.raises(SettingsError, match=missing) as info:
        load_settings(write_pyproject(tmp_path), environ=environ)
    assert "s3cret-pw" not in str(info.value)
