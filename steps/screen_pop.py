"""Screen pop: the console shows who is calling; the CRM records how it matched."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import checks_if_offered, needs
from deskcheck.names import PERSON, phrase
from fixtures.agreement import expect_value
from fixtures.eventually import eventually
from fixtures.personas import BILLING_STATUSES
from steps._tables import field_rows, no_value

#: the contact record's field labels on screen -> the Contact record's fields ("balance" is in the 360 view)
FIELD_OF_LABEL = {"Phone": "phone", "Email": "email", "Account number": "account_number",
                  "Date of birth": "date_of_birth", "Tax ID": "tax_id", "Balance": "balance"}


#: the record's fields a screen-pop table may list -> how the console shows them, read from the CRM's Contact
SHOWN_FROM_CRM = {
    "Name": lambda c: c.full_name,
    "Phone": lambda c: c.phone, "Email": lambda c: c.email, "Account number": lambda c: c.account_number,
    "Date of birth": lambda c: c.date_of_birth, "Tax ID": lambda c: c.tax_id,
    "Open cases": lambda c: str(len(c.three_sixty.open_cases)) if c.three_sixty else None,
    "Recent orders": lambda c: str(len(c.three_sixty.recent_orders)) if c.three_sixty else None,
    "Billing status": lambda c: {v: k for k, v in BILLING_STATUSES.items()}.get(c.three_sixty.billing_status)
    if c.three_sixty else None,
    "Balance": lambda c: None if not c.three_sixty or c.three_sixty.balance is None else f"${c.three_sixty.balance:,.2f}",
}
NOT_RECORDED = "Not recorded"  # what the console shows for an empty field


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _field(label: str) -> str:
    try:
        return FIELD_OF_LABEL[label]
    except KeyError:
        raise KeyError(f"no contact field shown as {label!r}; known: {', '.join(FIELD_OF_LABEL)}") from None


def _value(contact, field: str):
    """A field of a CRM contact record, the balance from its 360 view."""
    if field == "balance":
        return contact.three_sixty.balance if contact.three_sixty else None
    return getattr(contact, field)


def _screen_pop(crm, journey, agent_username: str | None = None, who: str = "the agent"):
    """The CRM's record of how it matched the caller for the call (for one agent, when given)."""
    call_id = journey.require_call()
    pops = eventually(lambda: crm.screen_pops(call_id),
                      until=lambda found: any(agent_username in (None, p.agent) for p in found),
                      description=f"the CRM's screen pop of call {call_id} for {who}")
    return next(p for p in pops if agent_username in (None, p.agent))


def _call_log_links(crm, journey, who: str, contact_id, chosen_by: str | None = None):
    """Waits until the CRM call log of the call is linked to the contact (chosen by whom, when given)."""
    call_id = journey.require_call()
    chooser = f", chosen by the {chosen_by}" if chosen_by else ""
    return eventually(lambda: crm.call_log(call_id),
                      until=lambda log: log is not None and log.contact_id == contact_id
                      and (chosen_by is None or log.contact_chosen_by == chosen_by),
                      description=f"the CRM call log of call {call_id} linked to {who} (contact {contact_id}){chooser}",
                      describe=lambda log: "no call log yet" if log is None
                      else log.describe("status", "contact_id", "contact_chosen_by"))


def _popped_contact(crm, journey):
    """The CRM contact the call is linked to (the one the console popped)."""
    call_id = journey.require_call()
    log = eventually(lambda: crm.call_log(call_id), until=lambda log: log is not None and log.contact_id is not None,
                     description=f"the CRM call log of call {call_id} linked to a contact",
                     describe=lambda log: "no call log yet" if log is None else log.describe("status", "contact_id"))
    return crm.contact(log.contact_id)


def _seen_by(name, actors, crm, contact_id):
    """The contact as the CRM shows it to the actor (their role's field visibility applies)."""
    user = actors.user(name)
    return crm.as_user(user.username, user.password).contact(contact_id)


@given(parsers.parse('two customers "{first}" and "{second}" who share one phone number'))
def two_customers_share_a_number(first, second, personas):
    """Set-up in the CRM: creates two customers (full names) with the same fresh phone number."""
    shared = personas.customer(first)
    personas.customer(second, phone=shared.phone)


@given("a caller whose number is not in the CRM")
def unknown_caller(personas, crm):
    """Set-up: a fresh phone number, "the unknown caller"; checks no CRM contact has that number."""
    caller = personas.unknown_caller()
    found = crm.find_contacts(phone=caller.phone)
    expect_value(f"the CRM contacts with the number {caller.phone}", [], "the CRM", [c.full_name for c in found])


@given(parsers.parse('a customer "{name}" whose phone was entered as "{phone_format}"'))
def customer_with_formatted_phone(name, phone_format, personas):
    """Set-up in the CRM: creates the customer with a fresh number stored in the given format:
    "E.164", "international with spaces", "national with brackets", "dotted" or "dashes"."""
    personas.customer(name, phone_format=phone_format)


@given(parsers.parse('a customer "{name}" with a date of birth, a tax id and a balance on file'))
def customer_with_sensitive_fields(name, personas):
    """Set-up in the CRM: creates the customer with a date of birth, a tax id and a current balance of 310.25."""
    personas.customer(name, date_of_birth="1984-03-12", tax_id="TX-000-11-2222", billing_status="Current",
                      balance=310.25)


@when(phrase("{caller:Persona} calls the support line from {other:Persona}'s phone and the IVR verifies {owner:Persona}'s account"))
@needs("call_simulator")
def call_with_ivr_verified_account(caller, other, owner, personas, telephony, journey):
    """The caller rings the support line from another customer's phone; the IVR has verified the
    account number of the owner (billing reason), which the call carries to the CTI as IVR context."""
    account = personas[owner].account_number
    journey.track_call(telephony.place_call(
        from_number=personas[other].phone, queue="support",
        attributes={"account_number": account, "verified": True, "ivr_path": "main>billing>verify", "reason": "billing"}))


@when(phrase('{agent:Actor} chooses "{full_name}" in the screen pop'))
def agent_chooses_contact(agent, full_name, desktop):
    """In the agent's console screen pop listing several matches: picks the contact by full name."""
    desktop.console(agent).screen_pop.choose(full_name)


@when(phrase('{agent:Actor} creates the contact "{full_name}" from the screen pop'))
def agent_creates_contact(agent, full_name, desktop, personas, crm):
    """In the console's new-contact form (offered for an unknown number): enters the first and last
    name and saves; waits until the CRM has exactly one contact with the caller's number, which
    becomes a persona of the scenario."""
    first, _, last = full_name.partition(" ")
    desktop.console(agent).screen_pop.create_contact(first, last)
    phone = personas["the unknown caller"].phone
    created = eventually(lambda: crm.find_contacts(phone=phone), until=lambda found: len(found) == 1,
                         description=f"exactly one contact with {phone} in the CRM")[0]
    personas.register(created)


@then(parsers.re(rf"the console shows (?P<who>{PERSON})'s contact record(?: with (?P<cases>\d+) open cases?)?$"))
def console_shows_record(who, cases, personas, desktop, journey, crm):
    """On the console of the agent at the desk: the contact record shows the customer's full name
    (and, when given, that many open cases). The CRM holds that contact under the same name (with
    the same number of open cases)."""
    persona = personas[who]
    record = desktop.console(journey.desk_agent).contact_record
    record.expect_contact(persona.full_name)
    contact = crm.contact(persona.id)
    expect_value(f"the name of {who}'s CRM contact {persona.id}", persona.full_name, "the CRM", contact.full_name)
    if cases is not None:
        record.expect_open_cases(int(cases))
        expect_value(f"the open cases of {who}", int(cases), "the CRM's 360 view",
                     len(contact.three_sixty.open_cases) if contact.three_sixty else None)


@then(parsers.parse('the 360 panel shows {orders:d} recent order and billing status "{status}"'))
def panel_360_shows(orders, status, desktop, journey, crm):
    """On the console's 360 panel: the number of recent orders and the billing status ("Current",
    "Overdue" or "Pending payment"). The CRM's 360 view of the contact the call is linked to has the
    same number of recent orders and the same billing status."""
    if status not in BILLING_STATUSES:
        raise ValueError(f"unknown billing status {status!r}; known: {', '.join(BILLING_STATUSES)}")
    record = desktop.console(journey.desk_agent).contact_record
    record.expect_recent_orders(orders)
    record.expect_billing_status(status)
    contact = _popped_contact(crm, journey)
    view = contact.three_sixty
    expect_value(f"the recent orders of {contact.full_name}", orders, "the CRM's 360 view",
                 len(view.recent_orders) if view else None)
    expect_value(f"the billing status of {contact.full_name}", BILLING_STATUSES[status], "the CRM's 360 view",
                 view.billing_status if view else None)


def _caller_contacts(crm, cti, journey):
    """The CRM's contacts with the number the scenario's call comes from (the CTI's caller number)."""
    return crm.find_contacts(phone=cti.interaction(journey.require_call()).from_number)


@then(parsers.parse("the console says {count:d} contacts match the number and offers both"))
@checks_if_offered("screen_pop_audit")
def console_offers_choices(count, desktop, journey, crm, cti, optional_checks):
    """On the console's screen pop: says how many contacts match the caller's number and offers each
    by full name; the CRM has exactly that many contacts with the number the CTI has the call from, and
    the names offered are theirs. Where the CRM records its screen pops (screen_pop_audit), its pop of the
    call matched "multiple" with those contacts."""
    pop_widget = desktop.console(journey.desk_agent).screen_pop
    pop_widget.expect_match_count(count)
    matching = _caller_contacts(crm, cti, journey)
    expect_value("the CRM's contacts with the caller's number", count, "the CRM", len(matching))
    pop_widget.expect_choices(sorted(c.full_name for c in matching))

    def matched_multiple() -> None:
        pop = _screen_pop(crm, journey)
        expect_value(f"how the CRM's screen pop of call {pop.call_id} matched (match, contacts)",
                     ("multiple", sorted(str(c.id) for c in matching)), "the CRM",
                     (pop.match, sorted(str(i) for i in pop.contact_ids)))
    optional_checks.check("screen_pop_audit", "the CRM's own record that its screen pop matched several contacts",
                          matched_multiple)


@then(phrase("the CRM call log links the call to {who:Person} as the agent's choice"))
def crm_links_choice(who, personas, crm, journey):
    """Checks the CRM call log of the call is linked to the customer's contact, marked as chosen by the agent."""
    _call_log_links(crm, journey, who, personas[who].id, chosen_by="agent")


@then("the console offers a new contact form with the caller's number")
@checks_if_offered("screen_pop_audit")
def console_offers_new_contact(desktop, journey, personas, crm, cti, optional_checks):
    """On the console's screen pop: a new-contact form with the unknown caller's number filled in; the
    CRM has no contact with the number the CTI has the call from. Where the CRM records its screen pops
    (screen_pop_audit), its pop of the call matched no contact."""
    desktop.console(journey.desk_agent).screen_pop.expect_new_contact_form(personas["the unknown caller"].phone)
    expect_value("the CRM's contacts with the caller's number", [], "the CRM",
                 [c.full_name for c in _caller_contacts(crm, cti, journey)])

    def matched_none() -> None:
        pop = _screen_pop(crm, journey)
        expect_value(f"how the CRM's screen pop of call {pop.call_id} matched", "none", "the CRM", pop.match)
    optional_checks.check("screen_pop_audit", "the CRM's own record that its screen pop matched no contact",
                          matched_none)


@then(phrase("the CRM has {full_name:FullName} with the caller's number, linked to the call"))
def crm_has_created_contact(full_name, personas, crm, journey):
    """Checks the CRM contact created from the screen pop has that full name and the unknown caller's
    number, and that the call's CRM call log is linked to it."""
    contact = crm.contact(personas[full_name].id)
    expect_value(f"the name of CRM contact {contact.id}", full_name, "the CRM", contact.full_name)
    expect_value(f"the phone of {full_name}", personas["the unknown caller"].phone, "the CRM", contact.phone)
    _call_log_links(crm, journey, full_name, contact.id)


@then(phrase("the console shows {who:Persona}'s contact record with:"))
def console_shows_record_fields(who, datatable, personas, desktop, journey, crm):
    """On the console of the agent at the desk: the customer's contact record, with each field the data table
    lists shown as the CRM holds it. The table's "field" column names fields as the console labels them: Name,
    Phone, Email, Account number, Date of birth, Tax ID, Open cases, Recent orders, Billing status, Balance. An
    optional "value" column says what both the screen and the CRM must show ("none" or an empty cell: nothing
    recorded; "Balance" as shown, e.g. $310.25); without it, the screen must show the CRM's own value (a fresh
    phone number, say)."""
    persona = personas[who]
    record = desktop.console(journey.desk_agent).contact_record
    record.expect_contact(persona.full_name)
    contact = crm.contact(persona.id)
    for field, value in field_rows(datatable, SHOWN_FROM_CRM):
        in_crm = SHOWN_FROM_CRM[field](contact)
        if value is not None:
            expect_value(f"{who}'s {field}", None if no_value(value) else value, "the CRM", in_crm)
        shown = in_crm if in_crm is not None else NOT_RECORDED
        if field == "Open cases":
            record.expect_open_cases(int(shown))
        elif field == "Recent orders":
            record.expect_recent_orders(int(shown))
        elif field == "Billing status":
            record.expect_billing_status(shown)
        elif field == "Balance":
            record.expect_balance(shown)
        elif field != "Name":  # the name is the record's heading, checked above
            record.expect_field_value(field, shown)


@then(phrase("the console shows {who:Person}'s contact record, verified by the IVR"))
def console_shows_verified(who, personas, desktop, journey, crm):
    """On the console: the contact record of the customer, and the screen pop says the IVR verified
    their account number. The CRM call log of the call is linked to that customer."""
    console = desktop.console(journey.desk_agent)
    console.contact_record.expect_contact(personas[who].full_name)
    console.screen_pop.expect_ivr_verified(personas[who].account_number)
    _call_log_links(crm, journey, who, personas[who].id)


@then(phrase("the CRM screen pop matched {who:Person} by account number"))
@checks_if_offered("screen_pop_audit")
def crm_matched_by_account(who, personas, crm, journey, optional_checks):
    """Checks the CRM finds exactly that customer by the account number the IVR verified, and that the
    call's CRM call log is linked to them (not to whoever owns the number calling). Where the CRM records
    its screen pops (screen_pop_audit), its pop of the call matched exactly that customer by account number."""
    persona = personas[who]
    expect_value(f"the CRM's contacts with {who}'s account number {persona.account_number}", [persona.id], "the CRM",
                 [c.id for c in crm.find_contacts(account_number=persona.account_number)])
    _call_log_links(crm, journey, who, persona.id)

    def matched_by_account() -> None:
        pop = _screen_pop(crm, journey)
        expect_value(f"how the CRM's screen pop of call {pop.call_id} matched (by, contacts)",
                     ("account", (persona.id,)), "the CRM", (pop.matched_by, pop.contact_ids))
    optional_checks.check("screen_pop_audit", f"the CRM's own record that its screen pop matched {who} by account "
                          "number", matched_by_account)


@then(parsers.parse('the record shows "{shown}" and hides "{hidden}"'))
def record_shows_and_hides(shown, hidden, desktop, journey, actors, crm):
    """On the console's contact record: each field listed as shown is visible and each listed as
    hidden is not (comma-separated labels: Phone, Email, Account number, Date of birth, Tax ID,
    Balance). The CRM, asked as the agent at the desk, hides none of the fields shown."""
    record = desktop.console(journey.desk_agent).contact_record
    for label in _names(shown):
        record.expect_balance_shown() if label == "Balance" else record.expect_field_shown(label)
    for label in _names(hidden):
        record.expect_balance_hidden() if label == "Balance" else record.expect_field_hidden(label)
    contact = _seen_by(journey.desk_agent, actors, crm, _popped_contact(crm, journey).id)
    wanted = [_field(label) for label in _names(shown)]
    expect_value(f"the fields of {contact.full_name} the CRM hides from {journey.desk_agent} among {wanted}", [],
                 "the CRM", [f for f in wanted if f in contact.hidden_fields])


@then(phrase('the CRM API hides "{hidden}" from {name:Actor} too'))
def crm_api_hides(hidden, name, actors, crm, journey):
    """Asks the CRM, as that actor (their own login, their role's field visibility), for the contact the
    call popped: each hidden field (comma-separated labels as on screen: Date of birth, Tax ID, Balance)
    comes back without a value and is listed as hidden."""
    contact = _seen_by(name, actors, crm, _popped_contact(crm, journey).id)
    for label in _names(hidden):
        field = _field(label)
        expect_value(f"the {label} of {contact.full_name} as {name} sees it", None, "the CRM", _value(contact, field))
        expect_value(f"whether the CRM lists {label} as hidden from {name}", True, "the CRM",
                     field in contact.hidden_fields)


@then(phrase("{agent:Actor}'s console shows {who:Person}'s contact record with the transfer note \"{note}\" from {sender:Actor}"))
@needs("screen_pop_audit")
def console_shows_transfer_pop(agent, who, note, sender, desktop, personas, actors, crm, journey):
    """On the receiving agent's console: the screen pop shows the sending agent's name and the transfer
    note, and the customer's contact record is open. The CRM's screen pop for that agent matched the
    customer by the call itself (carried over from the transfer, not looked up by number again)."""
    console = desktop.console(agent)
    console.screen_pop.expect_transfer_note(actors.user(sender).name, note)
    console.contact_record.expect_contact(personas[who].full_name)
    pop = _screen_pop(crm, journey, actors.user(agent).username, agent)
    first_contact = pop.contact_ids[0] if pop.contact_ids else None
    expect_value(f"how the CRM's screen pop for {agent} matched (by, first contact)",
                 ("interaction", personas[who].id), "the CRM", (pop.matched_by, first_contact))
