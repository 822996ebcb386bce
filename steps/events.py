"""Events: journeys as ordered, schema-valid events sharing one correlation id; signed webhooks."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from fixtures.eventually import eventually
from pages.softphone import state_label

CONTACT_EVENTS = ["contact.created", "contact.updated"]
WEBHOOK_BACKOFF_SECONDS = (0.2, 0.4, 0.8, 1.6)  # the contract's pauses between the five attempts
WEBHOOK_RETRY_SECONDS = 10  # five attempts with 0.2 + 0.4 + 0.8 + 1.6 s pauses, plus slack


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _about(username: str):
    return lambda e: username in ((e.get("data") or {}).get("username"), (e.get("data") or {}).get("agent"))


# --- journeys --------------------------------------------------------------------------------------

@then("the call's events arrive in this order, each with the call's correlation id:")
def journey_in_order(datatable, events, journey):
    """Order is checked per system (each system's own sequence); systems run side by side."""
    header, *rows = datatable
    assert [h.strip() for h in header] == ["system", "event"], header
    correlation_id = journey.correlation_id
    assert correlation_id, "the call has no correlation id"
    journey.notes["journey_types"] = [row[1].strip() for row in rows]
    for system in dict.fromkeys(row[0].strip() for row in rows):
        wanted = [row[1].strip() for row in rows if row[0].strip() == system]
        eventually(lambda: events.assert_in_order(wanted, correlation_id=correlation_id, system=system),
                   description=f"{system} events of the call in order")


@then("every event of the call matches its JSON Schema")
def call_events_valid(events, event_schemas, journey):
    """The journey's event types must have a schema; other events of the call (systems add new
    ones) are checked against the envelope, and against their schema when the repo has one."""
    missing = [t for t in journey.notes.get("journey_types", []) if not event_schemas.has(t)]
    assert not missing, f"no JSON Schema in schemas/events/ for {missing}"
    found = events.for_correlation(journey.correlation_id)
    assert found, f"no events carry the call's correlation id {journey.correlation_id}"
    for event in found:
        event_schemas.validate(event, require_type_schema=False)


@then(parsers.parse("every event about {agent} matches its JSON Schema"))
def agent_events_valid(agent, events, event_schemas, actors):
    found = [e for e in events.all if _about(actors.user(agent).username)(e)]
    assert found, f"no events about {agent}"
    assert event_schemas.has("agent.state_changed") and event_schemas.has("presence.changed")
    for event in found:
        event_schemas.validate(event, require_type_schema=False)


@then(parsers.parse('the CTI announced {agent}\'s states in order: "{states}"'))
def states_announced(agent, states, events, actors):
    username = actors.user(agent).username
    wanted = _names(states)

    def announced():
        labels = [state_label(e["data"]["state"], e["data"]["reason"])
                  for e in events.of_type("agent.state_changed", username=username)]
        position = 0
        for label in labels:
            if position < len(wanted) and label == wanted[position]:
                position += 1
        assert position == len(wanted), f"announced {labels}, wanted {wanted} in that order"
        return labels

    eventually(announced, description=f"{agent}'s state changes from the CTI")


@then(parsers.parse('the CRM announced {agent}\'s presence "{status}" with the reason "{reason}", set from the CTI'))
def presence_announced(agent, status, reason, events, actors):
    events.wait_for("presence.changed", system="crm", username=actors.user(agent).username,
                    status=status, reason=reason, source="cti")


# --- webhooks ---------------------------------------------------------------------------------------

@given("a partner system subscribed to the CRM's contact events")
def partner_subscribed(webhook_receiver, webhook_subscriptions, crm_api, journey):
    journey.notes["webhook"] = webhook_subscriptions.subscribe(crm_api, webhook_receiver, CONTACT_EVENTS)


@given("the partner system is down")
def partner_down(webhook_receiver):
    webhook_receiver.down = True


@given(parsers.parse("the partner system fails the next {count:d} deliveries"))
def partner_fails(count, webhook_receiver):
    webhook_receiver.fail_next(count)


@given("the CRM delivers every event twice")
def crm_duplicates(backend_faults):
    backend_faults.fail("event deliveries", "duplicate_event")


@when(parsers.parse('a customer "{name}" is added to the CRM'))
def customer_added(name, personas, journey):
    journey.notes["contact"] = personas.customer(name)


def _deliveries_of_new_contact(receiver, journey):
    contact_id = journey.notes["contact"].id
    return receiver.for_event(lambda e: e.get("type") == "contact.created" and e["data"].get("id") == contact_id)


@then("the partner receives the new contact, signed with the shared secret")
def partner_receives(webhook_receiver, journey):
    delivered = webhook_receiver.wait_for(
        lambda _: [d for d in _deliveries_of_new_contact(webhook_receiver, journey) if d.verdict == "processed"],
        description="the new contact processed by the partner")
    delivery = delivered[0]
    assert delivery.status == 200 and delivery.event_type == "contact.created", delivery
    assert delivery.delivery_id == delivery.event["id"], delivery
    journey.notes["delivered"] = delivery.event


@then("the delivered event matches its JSON Schema")
def delivered_event_valid(journey, event_schemas, events):
    delivered = journey.notes["delivered"]
    event_schemas.validate(delivered)
    streamed = events.wait_for("contact.created", system="crm", id=delivered["data"]["id"])
    assert {k: v for k, v in streamed.items() if not k.startswith("_")} == delivered, (streamed, delivered)


@then(parsers.parse("the CRM tries the delivery {attempts:d} times with growing pauses"))
def retried_with_backoff(attempts, webhook_receiver, journey):
    tries = webhook_receiver.wait_for(
        lambda _: (found := _deliveries_of_new_contact(webhook_receiver, journey)) and len(found) >= attempts and found,
        timeout=WEBHOOK_RETRY_SECONDS, description=f"{attempts} delivery attempts")
    assert len(tries) == attempts and all(t.status == 503 for t in tries), webhook_receiver.report()
    assert len({t.delivery_id for t in tries}) == 1, "every attempt must carry the same delivery id"
    # Arrival times carry network jitter of a loaded machine, so neighbouring pauses (0.2 s apart)
    # are not compared; the whole back-off and its growth from first to last pause are.
    pauses = [later.at - earlier.at for earlier, later in zip(tries, tries[1:])]
    assert sum(pauses) >= 0.9 * sum(WEBHOOK_BACKOFF_SECONDS), f"pauses {pauses} shorter than {WEBHOOK_BACKOFF_SECONDS}"
    assert pauses[-1] > 2 * pauses[0], f"pauses do not grow: {pauses}"
    journey.notes["event_id"] = tries[0].delivery_id


@then(parsers.parse('the CRM reports the failed delivery as a "{event_type}" event'))
def failure_reported(event_type, events, event_schemas, journey):
    failed = events.wait_for(event_type, system="crm", event_id=journey.notes["event_id"],
                             timeout=WEBHOOK_RETRY_SECONDS)
    assert failed["data"]["webhook_id"] == journey.notes["webhook"]["id"], failed
    assert failed["data"]["attempts"] == 5, failed
    event_schemas.validate(failed)


@then(parsers.parse("the partner processes the new contact on attempt {attempt:d}"))
def processed_on_attempt(attempt, webhook_receiver, journey):
    tries = webhook_receiver.wait_for(
        lambda _: (found := _deliveries_of_new_contact(webhook_receiver, journey)) and found[-1].verdict == "processed"
        and found, timeout=WEBHOOK_RETRY_SECONDS, description="the new contact processed")
    assert [t.status for t in tries] == [503] * (attempt - 1) + [200], webhook_receiver.report()
    journey.notes["event_id"] = tries[-1].delivery_id


@then("the CRM reports no failed delivery for it")
def no_failure_reported(crm_api, journey):
    failed = [e for e in crm_api.events(type="webhook.delivery.failed") if e["data"]["event_id"] == journey.notes["event_id"]]
    assert failed == [], failed


@then("the partner acknowledges both deliveries and processes the new contact once")
def processed_once(webhook_receiver, journey):
    tries = webhook_receiver.wait_for(
        lambda _: (found := _deliveries_of_new_contact(webhook_receiver, journey)) and len(found) >= 2 and found,
        description="the delivery twice")
    assert len({t.delivery_id for t in tries}) == 1, "the two deliveries must be the same delivery"
    assert sorted(t.verdict for t in tries) == ["duplicate", "processed"], webhook_receiver.report()
    assert all(t.status == 200 for t in tries), webhook_receiver.report()
    assert list(webhook_receiver.processed).count(tries[0].delivery_id) == 1


@when(parsers.parse("someone sends the partner a contact event that is {problem}"))
def forged_delivery(problem, webhook_receiver, journey):
    journey.notes["forged_status"] = webhook_receiver.send_forged(problem)


@then("the partner refuses it as unauthorised and processes nothing")
def forged_refused(webhook_receiver, journey):
    assert journey.notes["forged_status"] == 401, journey.notes["forged_status"]
    assert webhook_receiver.processed == {}, webhook_receiver.processed
