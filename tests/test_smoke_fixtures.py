"""The suite's fixtures against the real sandbox: target, API clients, events, actors and login reuse."""

import httpx

from fixtures.actors import Actors
from fixtures.eventually import eventually


def test_target_is_up(target):
    assert target.crm_url.startswith("http://127.0.0.1:") and target.cti_url.startswith("http://127.0.0.1:")
    for url in (target.crm_url, target.cti_url):
        assert httpx.get(f"{url}/healthz").status_code == 200


def test_api_clients_authenticate_and_pass_the_correlation_id(crm_api, cti_api):
    assert isinstance(crm_api.contacts(q="zzz-nobody"), list)
    assert isinstance(cti_api.agents(), list)
    with crm_api.correlated("smoke-journey-1"):
        response = crm_api.request("GET", "/api/dispositions")
    assert response.status_code == 200
    assert response.headers.get("X-Correlation-Id") == "smoke-journey-1"


def test_expired_token_is_refreshed_after_the_clock_jumps(crm_api, sandbox_admin_api, settings):
    crm_api.contacts(q="before")
    before = crm_api.token_requests
    sandbox_admin_api.advance_clock(settings.token_ttl + 5)
    crm_api.contacts(q="after")  # the server now says 401: one refresh and a retry
    assert crm_api.token_requests == before + 1


def test_event_recorder_sees_what_the_crm_emits(crm_api, events):
    contact = crm_api.create_contact("Smoke", "Recorder", "+1 555 0100 777")
    got = events.wait_for("contact.created", system="crm", id=contact["id"])
    assert (got.system, got.value("id")) == ("crm", contact["id"])


def test_actor_logs_in_once_and_reuses_the_session(actors, actor_sessions, settings, target, cti, telephony):
    page = actors.page("agent")
    assert page.url.endswith("/console")
    page.get_by_text("Signed in as Maya").wait_for()
    logins = actor_sessions.logins
    assert actors.new_page("Maya").url.endswith("/console")  # a second tab
    # the next scenario's crew gets a new context from the stored state: no new login
    next_crew = Actors(actor_sessions, settings, target, cti, telephony)
    try:
        next_crew.page("agent").get_by_text("Signed in as Maya").wait_for()
    finally:
        next_crew.close(failed=False)
    assert actor_sessions.logins == logins, "the stored login state was not reused"


def test_clean_up_sets_the_scenarios_agents_offline(actor_sessions, settings, target, cti_api, cti, telephony):
    crew = Actors(actor_sessions, settings, target, cti, telephony)
    username = crew.user("second_agent").username
    cti_api.set_state(username, "AVAILABLE")
    eventually(lambda: cti_api.agent(username), until=lambda a: a["state"] == "AVAILABLE")
    assert crew.reset_agents([]).clean
    eventually(lambda: cti_api.agent(username), until=lambda a: a["state"] == "OFFLINE",
               description="the agent set OFFLINE by the clean-up")
