"""Chat: the customer talks to the bot in the web widget (their own browser context); the agent takes
the chat over in the softphone's chat panel; chat, cti, crm and helpdesk agree on what happened."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from fixtures.eventually import eventually
from pages.chat_widget import ChatWidget


def _widget(journey, customer: str) -> ChatWidget:
    return journey.notes["widgets"][customer]


def _conversation(chat_api, journey, customer: str) -> dict:
    return chat_api.conversation(journey.notes["conversations"][customer])


def _bot_said(conversation: dict) -> list[str]:
    return [m["text"] for m in conversation["messages"] if m["from"] == "bot"]


def _chat_call(cti_api, journey) -> dict:
    return cti_api.interaction(journey.require_call())


# --- given ----------------------------------------------------------------------------------------

@given(parsers.parse('a customer "{name}" with a refund request "{subject}" updated by an agent with "{update}"'))
def customer_with_refund_request(name, subject, update, personas, helpdesk_api, journey):
    persona = personas.customer(name)
    ticket = helpdesk_api.create_ticket(subject, "email", category="refund", contact_id=persona.id,
                                    requester_email=persona.extra["email"], requester_name=persona.full_name)
    helpdesk_api.comment(ticket["id"], update, "Sam Rivera", author_type="agent", channel="email")
    journey.notes["ticket"] = ticket["id"]


@given("the helpdesk answers the chat bot with an empty body")
def helpdesk_answers_nothing(sandbox_admin_api):
    sandbox_admin_api.add_fault("chat->helpdesk.tickets", "null_body")


@given("the helpdesk is down for the chat bot")
def helpdesk_down_for_bot(sandbox_admin_api):
    """The helpdesk answers every ticket request from the chat system with HTTP 500, until it comes back."""
    sandbox_admin_api.add_fault("chat->helpdesk.tickets", "http_500")


@when("the helpdesk comes back")
def helpdesk_comes_back(sandbox_admin_api):
    sandbox_admin_api.clear_faults()


# --- the customer in the widget -------------------------------------------------------------------

@when(parsers.parse("{customer} opens the chat on the website"))
def customer_opens_chat(customer, customers, target, journey):
    widget = ChatWidget(customers.page(customer)).open(target.url("chat"))
    journey.notes.setdefault("widgets", {})[customer] = widget
    journey.notes.setdefault("conversations", {})[customer] = widget.conversation_id()


@when(parsers.re(r'(?P<customer>\w+) writes "(?P<text>[^"]+)"$'))
def customer_writes(customer, text, journey):
    _widget(journey, customer).send(text)


@when(parsers.re(r"(?P<customer>\w+) gives (?:her|his|their) (?P<what>email address|customer id) in the chat$"))
def customer_identifies(customer, what, personas, journey):
    persona = personas[customer]
    _widget(journey, customer).send(persona.extra["email"] if what == "email address" else persona.account_number)


# --- what the bot answered ---------------------------------------------------------------------------

@then(parsers.parse('the bot tells {customer} her refund request is open with the update "{update}"'))
def bot_tells_refund(customer, update, journey, chat_api):
    ticket = journey.notes["ticket"]
    _widget(journey, customer).expect_reply(f"Your refund request {ticket}")
    _widget(journey, customer).expect_reply(f"Latest update: {update}")
    said = _bot_said(_conversation(chat_api, journey, customer))
    assert any(ticket in s and "is open" in s and update in s for s in said), said


@then(parsers.re(r'the bot tells (?P<customer>\w+) (?:her|his) latest order is "(?P<status>\w+)"$'))
def bot_tells_order(customer, status, journey, chat_api, crm_api, personas):
    order = crm_api.contact(personas[customer].id)["three_sixty"]["recent_orders"][0]
    _widget(journey, customer).expect_reply(f"Your latest order {order['number']} is {status}.")
    assert order["status"] == status, order
    assert f"Your latest order {order['number']} is {status}." in _bot_said(_conversation(chat_api, journey, customer))


@then(parsers.re(r"the chat system found (?P<customer>\w+) in the CRM by (?:her|his) (?P<by>email|customer id)$"))
def chat_authenticated(customer, by, journey, chat_api, personas, events):
    conversation = _conversation(chat_api, journey, customer)
    assert (conversation["contact"] or {}).get("id") == personas[customer].id, conversation["contact"]
    events.wait_for("chat.authenticated", conversation_id=conversation["id"], contact_id=personas[customer].id,
                    by="email" if by == "email" else "customer_id")


@then(parsers.parse("the helpdesk recorded that {customer} read her refund status in the chat"))
def helpdesk_status_read(customer, journey, chat_api, events):
    conversation = _conversation(chat_api, journey, customer)
    events.wait_for("ticket.status_read", system="helpdesk", ticket=journey.notes["ticket"], via="chat",
                    correlation_id=conversation["correlation_id"])


@then(parsers.parse('the bot answers "{answer}" citing "{source}"'))
def bot_cites(answer, source, journey, chat_api):
    customer = next(iter(journey.notes["widgets"]))
    widget = _widget(journey, customer)
    widget.expect_reply(answer)
    widget.expect_source(source)
    last = _conversation(chat_api, journey, customer)["messages"][-1]
    assert answer in last["text"] and f"{last['source']['id']} {last['source']['title']}" == source, last


@then(parsers.parse('the chat system recorded a knowledge answer from "{article}"'))
def chat_knowledge_event(article, journey, chat_api, events):
    conversation = _conversation(chat_api, journey, next(iter(journey.notes["widgets"])))
    events.wait_for("chat.bot.replied", conversation_id=conversation["id"], intent="Knowledge answer",
                    where=lambda e: e["data"].get("source", {}).get("id") == article)


@then("the bot says it cannot see her refund details right now and offers a person")
def bot_falls_back(journey, chat_api):
    customer = next(iter(journey.notes["widgets"]))
    _widget(journey, customer).expect_reply("Sorry, I can't see your refund details right now.")
    last = _conversation(chat_api, journey, customer)["messages"][-1]
    assert last.get("fallback") is True and "talk to a person" in last["text"], last


@then("the chat system recorded a fallback because the helpdesk gave nothing")
def chat_fallback_event(journey, chat_api, events):
    conversation = _conversation(chat_api, journey, next(iter(journey.notes["widgets"])))
    events.wait_for("chat.fallback", conversation_id=conversation["id"], backend="helpdesk")


@then("the bot says it could not find an account and asks again")
def bot_asks_again(journey, chat_api):
    customer = next(iter(journey.notes["widgets"]))
    _widget(journey, customer).expect_reply("I couldn't find an account with that.")
    assert _conversation(chat_api, journey, customer)["awaiting"] == "identity"


@then("the chat system has not identified the customer")
def chat_not_identified(journey, chat_api, events):
    conversation = _conversation(chat_api, journey, next(iter(journey.notes["widgets"])))
    assert conversation["contact"] is None, conversation["contact"]
    events.wait_for("chat.authentication.failed", conversation_id=conversation["id"])


@then(parsers.parse('the bot confirms a support request with priority "{priority}"'))
def bot_confirms_ticket(priority, journey, chat_api):
    customer = next(iter(journey.notes["widgets"]))
    text = _widget(journey, customer).expect_reply_matching(rf"I've raised support request T-\d+ for you \(priority {priority}\)")
    journey.notes["ticket"] = _conversation(chat_api, journey, customer)["ticket_id"]
    assert journey.notes["ticket"] in text, (journey.notes["ticket"], text)


@then("the bot says the support request is queued until the helpdesk is back")
def bot_says_queued(journey, chat_api, events):
    customer = next(iter(journey.notes["widgets"]))
    _widget(journey, customer).expect_reply_matching(r"your support request is queued: it will be created as soon")
    conversation = _conversation(chat_api, journey, customer)
    assert conversation.get("ticket_id") is None, conversation.get("ticket_id")
    events.wait_for("chat.ticket.queued", system="chat", conversation_id=conversation["id"])


@then(parsers.parse("the helpdesk has no ticket from {customer}'s chat yet"))
def no_ticket_yet(customer, journey, helpdesk_api):
    assert helpdesk_api.tickets(source_ref=journey.notes["conversations"][customer]) == []


@then(parsers.parse("the helpdesk creates exactly one chat ticket for {customer} from that chat, with the chatbot tags"))
def one_ticket_created_later(customer, journey, helpdesk_api, personas, events):
    source = journey.notes["conversations"][customer]
    tickets = eventually(lambda: helpdesk_api.tickets(source_ref=source), until=lambda found: found,
                         description="the queued support request created in the helpdesk")
    ticket = tickets[0]
    assert ticket["channel"] == "chat" and ticket["contact_id"] == personas[customer].id, ticket
    assert "chatbot" in ticket["tags"], ticket
    events.wait_for("ticket.created", system="helpdesk", source_ref=source)
    # the outbox may have resent it: still one ticket, and one creation event
    assert len(helpdesk_api.tickets(source_ref=source)) == 1
    assert len(events.of_type("ticket.created", where=lambda e: e["data"].get("source_ref") == source)) == 1


@then(parsers.parse('the helpdesk has that chat ticket for {customer} with priority "{priority}", category '
                    '"{category}" and the chatbot tags'))
def helpdesk_chat_ticket(customer, priority, category, journey, helpdesk_api, personas):
    ticket = helpdesk_api.ticket(journey.notes["ticket"])
    assert (ticket["channel"], ticket["priority"], ticket["category"]) == ("chat", priority, category), ticket
    assert ticket["contact_id"] == personas[customer].id and "chatbot" in ticket["tags"], ticket
    assert ticket["source_ref"] == journey.notes["conversations"][customer], ticket


@then("the ticket's description holds the chat transcript")
def ticket_holds_transcript(journey, helpdesk_api):
    ticket = helpdesk_api.ticket(journey.notes["ticket"])
    assert "You: Please raise a support request" in ticket["description"], ticket["description"]


@then(parsers.parse('the bot confirms the visit is moved to "{date}"'))
def bot_confirms_visit(date, journey, chat_api):
    customer = next(iter(journey.notes["widgets"]))
    _widget(journey, customer).expect_reply(f"Done: your service visit is moved to {date}.")
    assert "Reschedule a service" in _conversation(chat_api, journey, customer)["intent_path"]


@then(parsers.parse('the chat system recorded the visit for {customer} moved to "{date}"'))
def chat_visit_event(customer, date, journey, chat_api, events, personas):
    conversation = _conversation(chat_api, journey, customer)
    events.wait_for("chat.service_rescheduled", conversation_id=conversation["id"], contact_id=personas[customer].id,
                    date=date)


# --- the hand-over to an agent -------------------------------------------------------------------------

@then(parsers.parse("{agent}'s softphone offers a chat from {customer_name}"))
def softphone_offers_chat(agent, customer_name, desktop, cti_api, actors, journey):
    desktop.console(agent).softphone.chat.expect_offered(customer_name)
    username = actors.user(agent).username
    conversation_id = next(iter(journey.notes["conversations"].values()))
    offered = eventually(lambda: [i for i in cti_api.interactions(agent=username)
                                  if i["channel"] == "chat" and i["attributes"]["conversation_id"] == conversation_id],
                         until=lambda found: found and found[0]["state"] == "offered",
                         description=f"the chat offered to {agent} in the CTI")[0]
    journey.track_call(offered)


@when(parsers.parse("{agent} accepts the chat"))
def agent_accepts_chat(agent, desktop, cti_api, journey):
    desktop.console(agent).softphone.chat.accept()
    eventually(lambda: _chat_call(cti_api, journey), until=lambda i: i["state"] == "connected",
               description="the chat connected in the CTI")


@then(parsers.parse('{agent}\'s chat panel shows the transcript with "{text}"'))
def chat_panel_transcript(agent, text, desktop, cti_api, journey):
    desktop.console(agent).softphone.chat.expect_message(text)
    assert any(text in m["text"] for m in _chat_call(cti_api, journey)["attributes"]["transcript"])


@then(parsers.parse('{agent}\'s chat panel shows the intent path "{path}" and a "{sentiment}" sentiment'))
def chat_panel_context(agent, path, sentiment, desktop, cti_api, journey):
    desktop.console(agent).softphone.chat.expect_context(path, sentiment)
    attributes = _chat_call(cti_api, journey)["attributes"]
    assert " > ".join(attributes["intent_path"]) == path and attributes["sentiment"]["label"] == sentiment, attributes


@then(parsers.parse("{customer} sees that {agent} joined the chat"))
def customer_sees_agent(customer, agent, journey, chat_api):
    _widget(journey, customer).expect_reply(f"{agent} joined the chat")
    eventually(lambda: _conversation(chat_api, journey, customer), until=lambda c: c["state"] == "with_agent",
               description="the conversation with an agent in the chat system")


@when(parsers.parse('{agent} replies "{text}"'))
def agent_replies(agent, text, desktop):
    desktop.console(agent).softphone.chat.reply(text)


@then(parsers.parse("{customer} sees {agent}'s reply \"{text}\""))
def customer_sees_reply(customer, agent, text, journey, chat_api):
    _widget(journey, customer).expect_reply(text)
    eventually(lambda: _conversation(chat_api, journey, customer),
               until=lambda c: any(m["from"] == "agent" and m["text"] == text and m["name"] == agent for m in c["messages"]),
               description="the agent's reply in the chat system")


@when(parsers.parse('{agent} ends the chat and completes the wrap-up with "{code}"'))
def agent_ends_chat(agent, code, desktop):
    softphone = desktop.console(agent).softphone
    softphone.chat.end()
    softphone.wrap_up.choose_disposition(code)
    softphone.wrap_up.done()


@then(parsers.parse('the CRM has a completed chat for {customer} with the transcript, the intent path and a '
                    '"{sentiment}" sentiment'))
def crm_has_chat(customer, sentiment, crm_api, journey, personas):
    log = eventually(lambda: crm_api.activity(journey.require_call()), until=lambda a: a["status"] == "completed",
                     description="the completed chat in the CRM")
    attributes = log["attributes"]
    assert log["type"] == "chat" and log["contact_id"] == personas[customer].id, log
    assert attributes["sentiment"]["label"] == sentiment and attributes["intent_path"], attributes
    assert any(m["from"] == "agent" for m in attributes["transcript"]), attributes["transcript"]


@then(parsers.parse("{customer}'s timeline in {agent}'s console shows the chat with its intent path"))
def timeline_shows_chat(customer, agent, desktop, crm_api, journey, personas):
    record = desktop.console(agent).contact_record
    record.expect_contact(personas[customer].full_name)
    record.expect_timeline_entry("Chat · completed · RESOLVED")
    path = " > ".join(crm_api.activity(journey.require_call())["attributes"]["intent_path"])
    record.expect_timeline_entry(f"Intent path: {path}")
