"""Events: journeys as ordered, schema-valid events sharing one correlation id; signed webhooks.

Steps read :class:`deskcheck.records.Event` records: from the scenario's recorder (``events``, fed by the
target's live event feed), from the event-source port (``event_source``) and from the partner's webhook
receiver. Only the schema checks look at the JSON a system sent.
"""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import needs
from deskcheck.names import phrase
from deskcheck.records import Event
from fixtures.agreement import expect_value
from fixtures.eventually import eventually
from deskcheck.records.cti import state_label

CONTACT_EVENTS = ["contact.created", "contact.updated"]
WEBHOOK_BACKOFF_SECONDS = (0.2, 0.4, 0.8, 1.6)  # the contract's pauses between the five attempts
WEBHOOK_RETRY_SECONDS = 10  # five attempts with 0.2 + 0.4 + 0.8 + 1.6 s pauses, plus slack
WEBHOOK_ATTEMPTS = 5  # the contract's attempts before a delivery is reported as failed


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _identity(event: Event) -> tuple:
    """What makes two copies of an event the same event: who sent it, its id, place, type, time, journey, facts."""
    return event.system, event.id, event.seq, event.type, event.at, event.correlation_id, event.data


# --- journeys --------------------------------------------------------------------------------------

@then("the call's events arrive in this order, each with the call's correlation id:")
@needs("event_stream")
def journey_in_order(datatable, events, journey):
    """Reads the events every system announced during the scenario. For each system in the table (e.g. cti,
    crm), its events carrying the call's correlation id must include the listed event types in the listed
    order (other events may come between). Order is checked per system, since systems run side by side;
    waits for late events. The table has two columns: system and event (e.g. "cti | interaction.queued").
    Needs a call placed earlier in the scenario."""
    header, *rows = datatable
    assert [h.strip() for h in header] == ["system", "event"], \
        f"the table needs the columns 'system' and 'event', not {header}"
    correlation_id = journey.correlation_id
    assert correlation_id, "the call has no correlation id: a step placing a call must come first"
    journey.notes["journey_types"] = [row[1].strip() for row in rows]
    for system in dict.fromkeys(row[0].strip() for row in rows):
        wanted = [row[1].strip() for row in rows if row[0].strip() == system]
        eventually(lambda: events.assert_in_order(wanted, correlation_id=correlation_id, system=system),
                   description=f"the {system}'s events of the call in the order {' -> '.join(wanted)}")


@then("every event of the call matches its JSON Schema")
@needs("event_stream")
def call_events_valid(events, event_schemas, journey):
    """Checks every event carrying the call's correlation id against the JSON Schemas kept in the repo
    (schemas/events/): the envelope, and the event type's own schema. The event types listed in the
    journey table just before must each have a schema; other events of the call (systems add new ones) are
    checked against their schema when the repo has one, else against the envelope only."""
    missing = [t for t in journey.notes.get("journey_types", []) if not event_schemas.has(t)]
    assert not missing, f"no JSON Schema in schemas/events/ for the event types {missing}"
    found = events.for_correlation(journey.correlation_id)
    assert found, f"no system announced an event with the call's correlation id {journey.correlation_id}"
    for event in found:
        event_schemas.validate(event, require_type_schema=False)


@then(phrase("every event about {agent:Actor} matches its JSON Schema"))
@needs("event_stream")
def agent_events_valid(agent, events, event_schemas, actors):
    """Checks every event naming the agent (their state changes, presence, calls offered to them) against the
    JSON Schemas kept in the repo; there must be at least one, and the schemas for agent.state_changed and
    presence.changed must exist. The agent is a first name from the crew (e.g. Maya)."""
    found = events.about_user(actors.user(agent).username)
    assert found, f"no system announced an event about {agent}"
    for event_type in ("agent.state_changed", "presence.changed"):
        assert event_schemas.has(event_type), f"no JSON Schema in schemas/events/ for {event_type}"
    for event in found:
        event_schemas.validate(event, require_type_schema=False)


@then(phrase('the CTI announced {agent:Actor}\'s states in order: "{states}"'))
@needs("event_stream")
def states_announced(agent, states, events, actors):
    """Reads the CTI's agent.state_changed events for the agent during the scenario: the states, worded as the
    softphone shows them, must include the listed ones in this order (comma-separated, e.g. "Ringing, Not
    ready (Missed)"); others may come between. Waits for late events."""
    username = actors.user(agent).username
    wanted = _names(states)

    def announced():
        labels = [state_label(e.value("state"), e.value("reason"))
                  for e in events.of_type("agent.state_changed", system="cti", username=username)]
        position = 0
        for label in labels:
            if position < len(wanted) and label == wanted[position]:
                position += 1
        assert position == len(wanted), f"the CTI announced {agent}'s states {labels}; expected {wanted} in that order"
        return labels

    eventually(announced, description=f"{agent}'s state changes announced by the CTI")


@then(phrase('the CRM announced {agent:Actor}\'s presence "{status}" with the reason "{reason}", set from the CTI'))
@needs("event_stream")
def presence_announced(agent, status, reason, events, actors):
    """Waits for the CRM's presence.changed event for the agent with this status (Online, Busy, Offline) and
    reason (e.g. Lunch), marked as set from the CTI."""
    events.wait_for("presence.changed", system="crm", username=actors.user(agent).username,
                    status=status, reason=reason, source="cti")


# --- webhooks ---------------------------------------------------------------------------------------

@given("a partner system subscribed to the CRM's contact events")
@needs("event_stream")
def partner_subscribed(webhook_receiver, webhook_subscriptions, event_source, journey):
    """Set-up: starts a partner system (a webhook receiver on this machine that checks every delivery's
    signature) and subscribes it in the CRM to contact.created and contact.updated, with a shared secret.
    The subscription is removed when the scenario ends."""
    journey.notes["webhook"] = webhook_subscriptions.subscribe(event_source, webhook_receiver, CONTACT_EVENTS,
                                                               system="crm")


@given("the partner system is down")
def partner_down(webhook_receiver):
    """Set-up: the partner system answers every delivery with 503 (unavailable)."""
    webhook_receiver.down = True


@given(parsers.parse("the partner system fails the next {count:d} deliveries"))
def partner_fails(count, webhook_receiver):
    """Set-up: the partner system answers the next N deliveries with 503 (unavailable), then accepts again."""
    webhook_receiver.fail_next(count)


@given("the CRM delivers every event twice")
@needs("backend_faults")
def crm_duplicates(backend_faults):
    """Set-up: a backend fault makes the CRM deliver each of its events twice (same delivery id), as a
    real network retry can."""
    backend_faults.fail("event deliveries", "duplicate_event")


@when(parsers.parse('a customer "{name}" is added to the CRM'))
def customer_added(name, personas, journey):
    """Creates the customer as a new CRM contact (first and last name, a fresh phone number, an email)."""
    journey.notes["contact"] = personas.customer(name)


def _deliveries_of_new_contact(receiver, journey):
    contact_id = journey.notes["contact"].id
    return receiver.for_event(lambda e: e.type == "contact.created" and e.has(id=contact_id))


@then("the partner receives the new contact, signed with the shared secret")
def partner_receives(webhook_receiver, journey):
    """Waits until the partner system has processed the contact.created delivery for the new contact: its
    signature checked out (the partner refuses anything else), it was answered 200, and the delivery id is the
    event's id."""
    delivered = webhook_receiver.wait_for(
        lambda _: [d for d in _deliveries_of_new_contact(webhook_receiver, journey) if d.verdict == "processed"],
        description="the new contact processed by the partner")
    delivery = delivered[0]
    expect_value("the partner's answer to the delivery of the new contact", 200, "the partner", delivery.status)
    expect_value("the event type in the delivery's headers", "contact.created", "the delivery", delivery.event_type)
    expect_value("the delivery id of the new contact's delivery", delivery.event.id, "the delivery",
                 delivery.delivery_id)
    journey.notes["delivered"] = delivery.event


@then("the delivered event matches its JSON Schema")
@needs("event_stream")
def delivered_event_valid(journey, event_schemas, events):
    """Checks the event the partner received against its JSON Schema (schemas/events/contact.created.json and
    the envelope), then that the CRM's own event stream announced the very same event (same id, seq, time,
    correlation id and facts)."""
    delivered = journey.notes["delivered"]
    event_schemas.validate(delivered)
    streamed = events.wait_for("contact.created", system="crm", id=delivered.value("id"))
    expect_value(f"the contact.created event of contact {delivered.value('id')} as the partner received it",
                 _identity(streamed), "the partner's delivery", _identity(delivered))


@then(parsers.parse("the CRM tries the delivery {attempts:d} times with growing pauses"))
def retried_with_backoff(attempts, webhook_receiver, journey):
    """Waits for the given number of delivery attempts of the new contact at the partner (all answered 503),
    all with the same delivery id, and checks the pauses between them: together at least 90 % of the
    contract's back-off (0.2 + 0.4 + 0.8 + 1.6 s), and the last pause more than twice the first."""
    tries = webhook_receiver.wait_for(
        lambda _: (found := _deliveries_of_new_contact(webhook_receiver, journey)) and len(found) >= attempts and found,
        timeout=WEBHOOK_RETRY_SECONDS, description=f"{attempts} delivery attempts")
    assert len(tries) == attempts and all(t.status == 503 for t in tries), \
        f"expected {attempts} attempts, each answered 503; the partner saw:\n{webhook_receiver.report()}"
    assert len({t.delivery_id for t in tries}) == 1, "every attempt must carry the same delivery id"
    # Arrival times carry network jitter of a loaded machine, so neighbouring pauses (0.2 s apart)
    # are not compared; the whole back-off and its growth from first to last pause are.
    pauses = [later.at - earlier.at for earlier, later in zip(tries, tries[1:])]
    assert sum(pauses) >= 0.9 * sum(WEBHOOK_BACKOFF_SECONDS), f"pauses {pauses} shorter than {WEBHOOK_BACKOFF_SECONDS}"
    assert pauses[-1] > 2 * pauses[0], f"pauses do not grow: {pauses}"
    journey.notes["event_id"] = tries[0].delivery_id


@then(parsers.parse('the CRM reports the failed delivery as a "{event_type}" event'))
@needs("event_stream")
def failure_reported(event_type, events, event_schemas, journey):
    """Waits for the CRM's event of this type (e.g. webhook.delivery.failed) about the failed delivery: it
    names the partner's webhook, counts the contract's 5 attempts, and matches its JSON Schema."""
    failed = events.wait_for(event_type, system="crm", event_id=journey.notes["event_id"],
                             timeout=WEBHOOK_RETRY_SECONDS)
    expect_value("the webhook named by the failed-delivery report", journey.notes["webhook"].id, "the CRM",
                 failed.value("webhook_id"))
    expect_value("the attempts counted by the failed-delivery report", WEBHOOK_ATTEMPTS, "the CRM",
                 failed.value("attempts"))
    event_schemas.validate(failed)


@then(parsers.parse("the partner processes the new contact on attempt {attempt:d}"))
def processed_on_attempt(attempt, webhook_receiver, journey):
    """Waits until the partner has processed the new contact's delivery, and checks it took exactly this many
    attempts: every earlier one answered 503, the last 200."""
    tries = webhook_receiver.wait_for(
        lambda _: (found := _deliveries_of_new_contact(webhook_receiver, journey)) and found[-1].verdict == "processed"
        and found, timeout=WEBHOOK_RETRY_SECONDS, description="the new contact processed")
    expect_value("the partner's answers to the delivery attempts of the new contact", [503] * (attempt - 1) + [200],
                 "the partner", [t.status for t in tries])
    journey.notes["event_id"] = tries[-1].delivery_id


@then("the CRM reports no failed delivery for it")
@needs("event_stream")
def no_failure_reported(event_source, journey):
    """Reads the CRM's webhook.delivery.failed events: none may be about the new contact's delivery."""
    failed = [e.describe() for e in event_source.events("crm", type="webhook.delivery.failed")
              if e.has(event_id=journey.notes["event_id"])]
    expect_value(f"the CRM's failed-delivery reports for event {journey.notes['event_id']}", [], "the CRM", failed)


@then("the partner acknowledges both deliveries and processes the new contact once")
def processed_once(webhook_receiver, journey):
    """Waits for two deliveries of the new contact at the partner: both carry the same delivery id and were
    answered 200; the partner processed one and recognised the other as a duplicate."""
    tries = webhook_receiver.wait_for(
        lambda _: (found := _deliveries_of_new_contact(webhook_receiver, journey)) and len(found) >= 2 and found,
        description="the delivery twice")
    assert len({t.delivery_id for t in tries}) == 1, "the two deliveries must be the same delivery"
    expect_value("what the partner made of the two deliveries", ["duplicate", "processed"], "the partner",
                 sorted(t.verdict for t in tries))
    expect_value("the partner's answers to the two deliveries", [200, 200], "the partner", [t.status for t in tries])
    expect_value(f"the times the partner processed delivery {tries[0].delivery_id}", 1, "the partner",
                 list(webhook_receiver.processed).count(tries[0].delivery_id))


@when(parsers.parse("someone sends the partner a contact event that is {problem}"))
def forged_delivery(problem, webhook_receiver, journey):
    """Posts a contact event to the partner the way an impostor would; the problem is one of: unsigned,
    signed with the wrong secret, altered after signing."""
    journey.notes["forged_status"] = webhook_receiver.send_forged(problem)


@then("the partner refuses it as unauthorised and processes nothing")
def forged_refused(webhook_receiver, journey):
    """The partner answered the forged delivery 401 (unauthorised) and processed no delivery at all."""
    expect_value("the partner's answer to the forged delivery", 401, "the partner", journey.notes["forged_status"])
    expect_value("the deliveries the partner processed", [], "the partner", list(webhook_receiver.processed))
