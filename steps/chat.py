"""Chat: the customer talks to the bot in the website's chat widget (their own browser context); the chat
system, the CRM and the helpdesk agree on what the bot did (ChatSession, Ticket). Handing the chat to an agent:
the chat_handover area."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import needs
from deskcheck.names import PERSONA, VISITOR, phrase
from deskcheck.records import ChatSession
from fixtures.agreement import expect_value
from fixtures.eventually import eventually
from steps._chat import chatting_customer, conversation, customer_widget

# the chat system's ticket requests to the helpdesk, as the controls port names that edge
HELPDESK_EDGE = "chat->helpdesk.tickets"


def _expect_bot_said(session: ChatSession, what: str, said: bool) -> None:
    if not said:
        raise AssertionError(f"the chat system's transcript of chat {session.id} should have the bot say {what}: "
                             f"the bot said {session.said_by('bot')}")


# --- given ----------------------------------------------------------------------------------------

@given(parsers.parse('a customer "{name}" with a refund request "{subject}" updated by an agent with "{update}"'))
@needs("helpdesk")
def customer_with_refund_request(name, subject, update, personas, helpdesk, journey):
    """Set-up: a new CRM customer with that full name, and in the helpdesk an email ticket in the refund
    category with that subject for them, on which an agent (Sam Rivera) replied publicly with the update text."""
    persona = personas.customer(name)
    ticket = helpdesk.create_ticket(subject, "email", category="refund", contact_id=persona.id,
                                    requester_email=persona.extra["email"], requester_name=persona.full_name)
    helpdesk.comment(ticket.id, update, "Sam Rivera", author_type="agent", channel="email")
    journey.notes["ticket"] = ticket.id


@given("the helpdesk answers the chat bot with an empty body")
@needs("backend_faults")
def helpdesk_answers_nothing(controls):
    """Set-up: every ticket request the chat system makes to the helpdesk gets an empty answer (HTTP 200
    with no body), for the rest of the scenario."""
    controls.add_fault(HELPDESK_EDGE, "null_body")


@given("the helpdesk is down for the chat bot")
@needs("backend_faults")
def helpdesk_down_for_bot(controls):
    """Set-up: the helpdesk answers every ticket request from the chat system with HTTP 500, until "the
    helpdesk comes back"."""
    controls.add_fault(HELPDESK_EDGE, "http_500")


@when("the helpdesk comes back")
@needs("backend_faults")
def helpdesk_comes_back(controls):
    """Ends every injected fault: the helpdesk answers the chat system normally again."""
    controls.clear_faults()


# --- the customer in the widget -------------------------------------------------------------------

@when(phrase("{customer:Visitor} opens the chat on the website"))
@needs("chat_bot")
def customer_opens_chat(customer, customers, journey):
    """In the customer's own browser: opens the website's chat widget and waits for the bot's greeting.
    The scenario follows that chat from now on."""
    widget = customers.open_chat(customer)
    journey.notes.setdefault("widgets", {})[customer] = widget
    journey.notes.setdefault("conversations", {})[customer] = widget.conversation_id()


@when(parsers.re(rf'(?P<customer>{VISITOR}) writes "(?P<text>[^"]+)"$'))
def customer_writes(customer, text, journey):
    """In the customer's chat widget: sends the message and sees it in the conversation."""
    customer_widget(journey, customer).send(text)


@when(parsers.re(rf"(?P<customer>{PERSONA}) gives (?:her|his|their) (?P<what>email address|customer id) in the chat$"))
def customer_identifies(customer, what, personas, journey):
    """In the customer's chat widget: sends their email address or their customer id (the CRM account
    number), as the bot asks before it looks into an account."""
    persona = personas[customer]
    said = persona.extra["email"] if what == "email address" else persona.account_number
    customer_widget(journey, customer).send(said)


# --- what the bot answered ---------------------------------------------------------------------------

@then(phrase('the bot tells {customer:Persona} her refund request is open with the update "{update}"'))
@needs("chat_bot")
def bot_tells_refund(customer, update, journey, chat):
    """In the customer's chat widget: the bot names the refund ticket and gives the agent's latest update.
    The chat system's transcript has the bot saying the ticket is open with that update."""
    ticket = journey.notes["ticket"]
    customer_widget(journey, customer).expect_reply(f"Your refund request {ticket}")
    customer_widget(journey, customer).expect_reply(f"Latest update: {update}")
    session = conversation(chat, journey, customer)
    _expect_bot_said(session, f"that refund request {ticket} is open, with the update {update!r}",
                     any(ticket in s and "is open" in s and update in s for s in session.said_by("bot")))


@then(parsers.re(rf'the bot tells (?P<customer>{PERSONA}) (?:her|his) latest order is "(?P<status>\w+)"$'))
@needs("chat_bot")
def bot_tells_order(customer, status, journey, chat, crm, personas):
    """In the customer's chat widget: the bot gives the number and status (e.g. "shipped") of the latest
    order; the CRM has that order with that status, and the chat system's transcript has the same answer."""
    orders = crm.contact(personas[customer].id).three_sixty.recent_orders
    if not orders:
        raise AssertionError(f"the CRM should have a recent order for {customer}: it has none")
    order = orders[0]
    answer = f"Your latest order {order.number} is {status}."
    customer_widget(journey, customer).expect_reply(answer)
    expect_value(f"the status of {customer}'s latest order {order.number}", status, "the CRM", order.status)
    session = conversation(chat, journey, customer)
    _expect_bot_said(session, repr(answer), answer in session.said_by("bot"))


@then(parsers.re(rf"the chat system found (?P<customer>{PERSONA}) in the CRM by (?:her|his) (?P<by>email|customer id)$"))
@needs("chat_bot", "event_stream")
def chat_authenticated(customer, by, journey, chat, personas, events):
    """Checks the chat system identified the customer as their CRM contact, and announced that it did so by
    the email address or by the customer id."""
    session = conversation(chat, journey, customer)
    expect_value(f"the CRM contact chat {session.id} identified", personas[customer].id, "the chat system",
                 session.contact_id)
    events.wait_for("chat.authenticated", conversation_id=session.id, contact_id=personas[customer].id,
                    by="email" if by == "email" else "customer_id")


@then(phrase("the helpdesk recorded that {customer:Persona} read her refund status in the chat"))
@needs("chat_bot", "event_stream")
def helpdesk_status_read(customer, journey, chat, events):
    """Checks the helpdesk announced that the refund ticket's status was read, in the chat, as part of this
    chat's journey (same correlation id)."""
    session = conversation(chat, journey, customer)
    events.wait_for("ticket.status_read", system="helpdesk", ticket=journey.notes["ticket"], via="chat",
                    correlation_id=session.correlation_id)


@then(parsers.parse('the bot answers "{answer}" citing "{source}"'))
@needs("chat_bot")
def bot_cites(answer, source, journey, chat):
    """In the customer's chat widget: the bot's answer contains the text and links its knowledge article
    ("<id> <title>", e.g. "KB-101 Resetting your router"). The chat system's last message is that answer,
    citing that article."""
    widget = customer_widget(journey, chatting_customer(journey))
    widget.expect_reply(answer)
    widget.expect_source(source)
    session = conversation(chat, journey)
    last = session.last_message
    expect_value(f"the last message of chat {session.id} (from, answer given, article cited)",
                 ("bot", True, source), "the chat system",
                 (last.sender, answer in last.text, str(last.source) if last.source else None) if last else None)


@then(parsers.parse('the chat system recorded a knowledge answer from "{article}"'))
@needs("chat_bot", "event_stream")
def chat_knowledge_event(article, journey, chat, events):
    """Checks the chat system's transcript has a bot answer citing the knowledge article (its id, e.g.
    "KB-101"), and that the chat system announced that answer as a knowledge answer."""
    session = conversation(chat, journey)
    cited = [m for m in session.transcript if m.source is not None and m.source.id == article]
    if not cited:
        raise AssertionError(f"the bot should cite {article} in chat {session.id}: it cited "
                             f"{[str(m.source) for m in session.transcript if m.source] or 'nothing'}")
    events.wait_for("chat.bot.replied", conversation_id=session.id, intent="Knowledge answer", text=cited[-1].text)


@then("the bot says it cannot see her refund details right now and offers a person")
@needs("chat_bot")
def bot_falls_back(journey, chat):
    """In the customer's chat widget: the bot says it cannot see the refund details right now. The chat
    system's last message is the bot's fallback, offering to talk to a person."""
    widget = customer_widget(journey, chatting_customer(journey))
    widget.expect_reply("Sorry, I can't see your refund details right now.")
    session = conversation(chat, journey)
    last = session.last_message
    expect_value(f"the last message of chat {session.id} (a fallback, offers a person)", (True, True),
                 "the chat system", (last.fallback, "talk to a person" in last.text) if last else None)


@then("the chat system recorded a fallback because the helpdesk gave nothing")
@needs("chat_bot", "event_stream")
def chat_fallback_event(journey, chat, events):
    """Checks the chat system announced a fallback in this chat, naming the helpdesk as the system that gave
    nothing."""
    events.wait_for("chat.fallback", conversation_id=conversation(chat, journey).id, backend="helpdesk")


@then("the bot says it could not find an account and asks again")
@needs("chat_bot")
def bot_asks_again(journey, chat):
    """In the customer's chat widget: the bot says it could not find an account; the chat system is still
    waiting for the customer's email address or customer id."""
    customer_widget(journey, chatting_customer(journey)).expect_reply("I couldn't find an account with that.")
    session = conversation(chat, journey)
    expect_value(f"what the bot of chat {session.id} waits for", "identity", "the chat system", session.awaiting)


@then("the chat system has not identified the customer")
@needs("chat_bot", "event_stream")
def chat_not_identified(journey, chat, events):
    """Checks the chat system has no CRM contact for this chat, and announced that identifying the customer
    failed."""
    session = conversation(chat, journey)
    expect_value(f"the CRM contact chat {session.id} identified", None, "the chat system", session.contact_id)
    events.wait_for("chat.authentication.failed", conversation_id=session.id)


@then(parsers.parse('the bot confirms a support request with priority "{priority}"'))
@needs("chat_bot")
def bot_confirms_ticket(priority, journey, chat):
    """In the customer's chat widget: the bot confirms the support request it raised, with its ticket number
    and priority ("normal" or "high"). The chat system links the chat to that ticket, which the scenario
    follows from now on."""
    text = customer_widget(journey, chatting_customer(journey)).expect_reply_matching(
        rf"I've raised support request T-\d+ for you \(priority {priority}\)")
    session = conversation(chat, journey)
    if not session.ticket_id or session.ticket_id not in text:
        raise AssertionError(f"the bot's confirmation {text!r} should name the ticket chat {session.id} is linked "
                             f"to: the chat system links it to {session.ticket_id!r}")
    journey.notes["ticket"] = session.ticket_id


@then("the bot says the support request is queued until the helpdesk is back")
@needs("chat_bot", "event_stream")
def bot_says_queued(journey, chat, events):
    """In the customer's chat widget: the bot says the support request is queued until the helpdesk answers
    again. The chat system has no ticket for the chat yet, and announced the queued request."""
    customer_widget(journey, chatting_customer(journey)).expect_reply_matching(
        r"your support request is queued: it will be created as soon")
    session = conversation(chat, journey)
    expect_value(f"the ticket of chat {session.id}", None, "the chat system", session.ticket_id)
    events.wait_for("chat.ticket.queued", system="chat", conversation_id=session.id)


@then(phrase("the helpdesk has no ticket from {customer:Persona}'s chat yet"))
@needs("helpdesk")
def no_ticket_yet(customer, journey, helpdesk):
    """Checks the helpdesk has no ticket raised from the customer's chat."""
    conversation_id = journey.notes["conversations"][customer]
    expect_value(f"the helpdesk tickets raised from chat {conversation_id}", [], "the helpdesk",
                 [t.describe() for t in helpdesk.tickets(source_ref=conversation_id)])


@then(phrase("the helpdesk creates exactly one chat ticket for {customer:Persona} from that chat, with the chatbot tags"))
@needs("helpdesk", "event_stream")
def one_ticket_created_later(customer, journey, helpdesk, personas, events):
    """Waits until the helpdesk has the ticket raised from the customer's chat, then checks it is a chat
    ticket for the customer's CRM contact tagged "chatbot", and that the helpdesk created it exactly once
    (one ticket, one creation announced), however often the chat system resent the request."""
    source = journey.notes["conversations"][customer]
    tickets = eventually(lambda: helpdesk.tickets(source_ref=source), until=lambda found: found,
                         description=f"the queued support request of chat {source} created in the helpdesk")
    ticket = tickets[0]
    expect_value(f"helpdesk ticket {ticket.id} (channel, contact, tagged chatbot)",
                 ("chat", personas[customer].id, True), "the helpdesk",
                 (ticket.channel, ticket.contact_id, "chatbot" in ticket.tags))
    events.wait_for("ticket.created", system="helpdesk", source_ref=source)
    expect_value(f"the helpdesk tickets raised from chat {source}", 1, "the helpdesk",
                 len(helpdesk.tickets(source_ref=source)))
    expect_value(f"the creations of a ticket from chat {source} announced", 1, "the helpdesk",
                 len(events.of_type("ticket.created", source_ref=source)))


@then(phrase('the helpdesk has that chat ticket for {customer:Persona} with priority "{priority}", category '
                    '"{category}" and the chatbot tags'))
@needs("helpdesk")
def helpdesk_chat_ticket(customer, priority, category, journey, helpdesk, personas):
    """Checks the helpdesk ticket the bot confirmed: a chat ticket with that priority and category (e.g.
    "refund", "order"), for the customer's CRM contact, tagged "chatbot", raised from the customer's chat."""
    ticket = helpdesk.ticket(journey.notes["ticket"])
    expect_value(f"helpdesk ticket {ticket.id} (channel, priority, category, contact, tagged chatbot, raised from)",
                 ("chat", priority, category, personas[customer].id, True, journey.notes["conversations"][customer]),
                 "the helpdesk", (ticket.channel, ticket.priority, ticket.category, ticket.contact_id,
                                  "chatbot" in ticket.tags, ticket.source_ref))


@then("the ticket's description holds the chat transcript")
@needs("helpdesk")
def ticket_holds_transcript(journey, helpdesk):
    """Checks the helpdesk ticket was opened with the chat's transcript: its first message (the ticket's
    description) has the customer's lines, e.g. "You: Please raise a support request"."""
    ticket = helpdesk.ticket(journey.notes["ticket"])
    opened_with = ticket.comments[0].body if ticket.comments else ""
    if "You: Please raise a support request" not in opened_with:
        raise AssertionError(f"helpdesk ticket {ticket.id} should open with the chat transcript: it opens with "
                             f"{opened_with!r}")


@then(parsers.parse('the bot confirms the visit is moved to "{date}"'))
@needs("chat_bot")
def bot_confirms_visit(date, journey, chat):
    """In the customer's chat widget: the bot confirms the service visit is moved to the date (YYYY-MM-DD);
    the chat system's intent path has "Reschedule a service"."""
    customer_widget(journey, chatting_customer(journey)).expect_reply(f"Done: your service visit is moved to {date}.")
    session = conversation(chat, journey)
    if "Reschedule a service" not in session.intent_path:
        raise AssertionError(f"the intent path of chat {session.id} should have 'Reschedule a service': "
                             f"it is {list(session.intent_path)}")


@then(phrase('the chat system recorded the visit for {customer:Persona} moved to "{date}"'))
@needs("chat_bot", "event_stream")
def chat_visit_event(customer, date, journey, chat, events, personas):
    """Checks the chat system announced the customer's service visit moved to the date (YYYY-MM-DD), for
    their CRM contact."""
    session = conversation(chat, journey, customer)
    events.wait_for("chat.service_rescheduled", conversation_id=session.id, contact_id=personas[customer].id, date=date)
