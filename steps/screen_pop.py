"""Screen pop: the console shows who is calling; the CRM records how it matched."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from fixtures.eventually import eventually

UI_FIELD_TO_API = {"Phone": "phone", "Email": "email", "Account number": "account_number",
                   "Date of birth": "date_of_birth", "Tax ID": "tax_id", "Balance": "billing.balance"}


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@given(parsers.parse('two customers "{first}" and "{second}" who share one phone number'))
def two_customers_share_a_number(first, second, personas):
    shared = personas.customer(first)
    personas.customer(second, phone=shared.phone)


@given("a caller whose number is not in the CRM")
def unknown_caller(personas, crm_api):
    caller = personas.unknown_caller()
    assert crm_api.contacts(phone=caller.phone) == [], f"{caller.phone} unexpectedly matches a CRM contact"


@given(parsers.parse('a customer "{name}" whose phone was entered as "{phone_format}"'))
def customer_with_formatted_phone(name, phone_format, personas):
    personas.customer(name, phone_format=phone_format)


@given(parsers.parse('a customer "{name}" with a date of birth, a tax id and a balance on file'))
def customer_with_sensitive_fields(name, personas):
    personas.customer(name, date_of_birth="1984-03-12", tax_id="TX-000-11-2222", billing_status="Current",
                      balance=310.25)


@when(parsers.parse("{caller} calls the support line from {other}'s phone and the IVR verifies {owner}'s account"))
def call_with_ivr_verified_account(caller, other, owner, personas, cti_api, journey):
    account = personas[owner].account_number
    journey.track_call(cti_api.simulate_call(
        from_number=personas[other].phone, queue="support",
        attributes={"account_number": account, "verified": True, "ivr_path": "main>billing>verify", "reason": "billing"}))


@when(parsers.parse('{agent} chooses "{full_name}" in the screen pop'))
def agent_chooses_contact(agent, full_name, desktop):
    desktop.console(agent).screen_pop.choose(full_name)


@when(parsers.parse('{agent} creates the contact "{full_name}" from the screen pop'))
def agent_creates_contact(agent, full_name, desktop, personas, crm_api):
    first, _, last = full_name.partition(" ")
    desktop.console(agent).screen_pop.create_contact(first, last)
    phone = personas["the unknown caller"].phone
    created = eventually(lambda: crm_api.contacts(phone=phone), until=lambda found: len(found) == 1,
                         description=f"the new contact with {phone} in the CRM")[0]
    personas.register(created)


@then(parsers.re(r"the console shows (?P<who>\w+)'s contact record(?: with (?P<cases>\d+) open cases?)?$"))
def console_shows_record(who, cases, personas, desktop, journey, crm_api):
    persona = personas[who]
    record = desktop.console(journey.desk_agent).contact_record
    record.expect_contact(persona.full_name)
    if cases is not None:
        record.expect_open_cases(int(cases))
        assert len(crm_api.contact(persona.id)["three_sixty"]["open_cases"]) == int(cases)


@then(parsers.parse('the 360 panel shows {orders:d} recent order and billing status "{status}"'))
def panel_360_shows(orders, status, personas, desktop, journey, crm_api):
    record = desktop.console(journey.desk_agent).contact_record
    record.expect_recent_orders(orders)
    record.expect_billing_status(status)
    popped = _pops(crm_api, journey.require_call())[0]["contacts"][0]
    contact = crm_api.contact(popped["id"])
    assert len(contact["three_sixty"]["recent_orders"]) == orders
    assert contact["three_sixty"]["billing"]["status"].replace("_", " ").capitalize() == status


@then(parsers.parse("the console says {count:d} contacts match the number and offers both"))
def console_offers_choices(count, desktop, journey, personas, crm_api):
    pop = desktop.console(journey.desk_agent).screen_pop
    pop.expect_match_count(count)
    result = eventually(lambda: _pops(crm_api, journey.require_call()), until=lambda pops: pops,
                        description="the CRM's screen pop for the call")[0]
    assert result["match"] == "multiple" and len(result["contacts"]) == count, result
    pop.expect_choices(sorted(c["first_name"] + " " + c["last_name"] for c in result["contacts"]))


@then(parsers.parse("the CRM call log links the call to {who} as the agent's choice"))
def crm_links_choice(who, personas, crm_api, journey):
    eventually(lambda: crm_api.activity(journey.require_call()),
               until=lambda a: a["contact_id"] == personas[who].id and a.get("contact_chosen_by") == "agent",
               description=f"the call linked to {who} by the agent")


@then("the console offers a new contact form with the caller's number")
def console_offers_new_contact(desktop, journey, personas, crm_api):
    desktop.console(journey.desk_agent).screen_pop.expect_new_contact_form(personas["the unknown caller"].phone)
    result = eventually(lambda: _pops(crm_api, journey.require_call()), until=lambda pops: pops,
                        description="the CRM's screen pop for the call")[0]
    assert result["match"] == "none", result


@then(parsers.parse("the CRM has {full_name} with the caller's number, linked to the call"))
def crm_has_created_contact(full_name, personas, crm_api, journey):
    contact = crm_api.contact(personas[full_name].id)
    assert f"{contact['first_name']} {contact['last_name']}" == full_name, contact
    assert contact["phone"] == personas["the unknown caller"].phone, contact
    eventually(lambda: crm_api.activity(journey.require_call()), until=lambda a: a["contact_id"] == contact["id"],
               description=f"the call linked to {full_name}")


@then(parsers.parse("the console shows {who}'s contact record, verified by the IVR"))
def console_shows_verified(who, personas, desktop, journey):
    console = desktop.console(journey.desk_agent)
    console.contact_record.expect_contact(personas[who].full_name)
    console.screen_pop.expect_ivr_verified(personas[who].account_number)


@then(parsers.parse("the CRM screen pop matched {who} by account number"))
def crm_matched_by_account(who, personas, crm_api, journey):
    result = eventually(lambda: _pops(crm_api, journey.require_call()), until=lambda pops: pops,
                        description="the CRM's screen pop for the call")[0]
    assert result["matched_by"] == "account" and [c["id"] for c in result["contacts"]] == [personas[who].id], result
    eventually(lambda: crm_api.activity(journey.require_call()), until=lambda a: a["contact_id"] == personas[who].id,
               description=f"the call linked to {who}")


@then(parsers.parse('the record shows "{shown}" and hides "{hidden}"'))
def record_shows_and_hides(shown, hidden, desktop, journey):
    record = desktop.console(journey.desk_agent).contact_record
    for label in _names(shown):
        record.expect_balance_shown() if label == "Balance" else record.expect_field_shown(label)
    for label in _names(hidden):
        record.expect_balance_hidden() if label == "Balance" else record.expect_field_hidden(label)


@then(parsers.parse('the CRM API hides "{hidden}" from {name} too'))
def crm_api_hides(hidden, name, actors, crm_api, personas, journey):
    user = actors.user(name)
    as_user = crm_api.as_user(user.username, user.password)
    contact = as_user.contact(personas["Ines"].id)
    for label in _names(hidden):
        key = UI_FIELD_TO_API[label]
        if key == "billing.balance":
            assert "balance" not in contact["three_sixty"]["billing"], contact["three_sixty"]
        else:
            assert key not in contact, f"{key} visible to {name}: {contact}"
        assert key in contact["hidden_fields"], contact["hidden_fields"]


@then(parsers.parse("{agent}'s console shows {who}'s contact record with the transfer note \"{note}\" from {sender}"))
def console_shows_transfer_pop(agent, who, note, sender, desktop, personas, actors, crm_api, journey):
    console = desktop.console(agent)
    console.screen_pop.expect_transfer_note(actors.user(sender).name, note)
    console.contact_record.expect_contact(personas[who].full_name)
    username = actors.user(agent).username
    pops = eventually(lambda: _pops(crm_api, journey.require_call()),
                      until=lambda found: any(p.get("agent") == username for p in found),
                      description=f"a screen pop for {agent} in the CRM")
    mine = next(p for p in pops if p.get("agent") == username)
    assert mine["matched_by"] == "interaction" and mine["contacts"][0]["id"] == personas[who].id, mine


def _pops(crm_api, interaction_id: str) -> list[dict]:
    body = crm_api.screenpops(interaction_id)
    return body["screenpops"] if isinstance(body, dict) else body
