"""Field permissions on writes: a role may not change a contact field it may not see (the CRM refuses, and
the value stays); a role that may see it can change it. Writes go through the CRM port as the actor's own
login, so the CRM's own rules apply, not the page's."""
from __future__ import annotations

from pytest_bdd import parsers, then, when

from deskcheck.ports import Refused
from fixtures.agreement import expect_value

#: the contact fields a role may be kept from, by their labels on screen -> the Contact record's fields
RESTRICTED_FIELDS = {"Date of birth": "date_of_birth", "Tax ID": "tax_id", "Balance": "balance"}


def _field(label: str) -> str:
    if label not in RESTRICTED_FIELDS:
        raise KeyError(f"{label!r} is not a restricted contact field; they are: {', '.join(RESTRICTED_FIELDS)}")
    return RESTRICTED_FIELDS[label]


def _value(contact, field: str):
    """A field of a CRM contact record; the balance is in its 360 view."""
    if field == "balance":
        return contact.three_sixty.balance if contact.three_sixty else None
    return getattr(contact, field)


@when(parsers.parse('{name} changes {who}\'s "{label}" to "{value}" through the CRM API with their own login'))
def change_field_as(name, who, label, value, actors, crm, personas, journey):
    """Through the CRM's API, signed in as the actor (Tia the trainee, Maya the agent, Sam the supervisor),
    not as the integration: changes one restricted field of the customer's contact ("Date of birth",
    "Tax ID" or "Balance") to the value. Remembers the value before (as the integration sees it) and the
    CRM's refusal, if it refuses."""
    field, user = _field(label), actors.user(name)
    contact_id = personas[who].id
    before = crm.contact(contact_id)
    journey.notes["field_before"] = (field, _value(before, field))
    as_actor = crm.as_user(user.username, user.password)
    journey.notes["refusal"] = None
    try:
        if field == "balance":  # part of the billing summary, kept with its status
            status = before.three_sixty.billing_status if before.three_sixty else "current"
            as_actor.set_billing(contact_id, status, float(value))
        else:
            as_actor.update_contact(contact_id, **{field: value})
    except Refused as refusal:
        journey.notes["refusal"] = refusal


@then(parsers.parse('the CRM refuses {name}\'s change of "{label}"'))
def crm_refused(name, label, journey):
    """Checks the CRM refused the actor's change of that field as forbidden to their role (403), not as
    bad input."""
    refusal = journey.notes.get("refusal")
    assert refusal is not None, f"the CRM accepted {name}'s change of {label}, a field {name}'s role may not see"
    expect_value(f"the CRM's answer to {name}'s change of {label}", 403, "the CRM", refusal.status)


@then(parsers.parse('{who}\'s "{label}" is unchanged in the CRM'))
def field_unchanged(who, label, crm, personas, journey):
    """Reads the customer's contact as the integration (every field visible) and checks the field has the
    value it had before the refused change."""
    field, before = journey.notes["field_before"]
    assert field == _field(label), f"the scenario changed {field}, not {label}"
    expect_value(f"{who}'s {label} after the refused change", before, "the CRM",
                 _value(crm.contact(personas[who].id), field))


@then(parsers.parse('the CRM has {who}\'s "{label}" as "{value}"'))
def field_now(who, label, value, crm, personas, journey):
    """Checks the CRM accepted the change: no refusal, and the customer's field (read as the integration)
    has the new value."""
    refusal = journey.notes.get("refusal")
    assert refusal is None, f"the CRM refused the change of {who}'s {label}: {refusal}"
    field = _field(label)
    now = _value(crm.contact(personas[who].id), field)
    expect_value(f"{who}'s {label}", float(value) if field == "balance" else value, "the CRM", now)
