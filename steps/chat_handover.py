"""Chat hand-over: the bot hands the chat to an agent, who takes it in the softphone's chat panel; the CTI
and the CRM keep the bot's context (the ``chat`` part of the Interaction and of the CallLog)."""
from __future__ import annotations

from pytest_bdd import then, when

from deskcheck.capabilities import needs
from deskcheck.names import phrase
from fixtures.agreement import expect_value
from fixtures.eventually import eventually
from steps._chat import conversation, customer_widget


def _chat_call(cti, journey):
    return cti.interaction(journey.require_call())


@then(phrase("{agent:Actor}'s softphone offers a chat from {customer_name:FullName}"))
def softphone_offers_chat(agent, customer_name, desktop, cti, actors, journey):
    """In the agent's softphone: an incoming chat from the customer (full name) is offered. The CTI has the
    chat from the customer's conversation offered to the agent; the scenario follows it from now on."""
    desktop.console(agent).softphone.chat.expect_offered(customer_name)
    username = actors.user(agent).username
    conversation_id = next(iter(journey.notes["conversations"].values()))

    def chats_of_conversation():
        return [i for i in cti.interactions(agent=username)
                if i.channel == "chat" and i.chat is not None and i.chat.conversation_id == conversation_id]

    offered = eventually(chats_of_conversation, until=lambda found: found and found[0].state == "offered",
                         description=f"the chat of conversation {conversation_id} offered to {agent} in the CTI")
    journey.track_call(offered[0])


@when(phrase("{agent:Actor} accepts the chat"))
def agent_accepts_chat(agent, desktop, cti, journey):
    """In the agent's softphone: accepts the offered chat, and waits until the CTI has it connected."""
    desktop.console(agent).softphone.chat.accept()
    eventually(lambda: _chat_call(cti, journey), until=lambda i: i.state == "connected",
               description=f"the chat {journey.require_call()} connected in the CTI")


@then(phrase('{agent:Actor}\'s chat panel shows the transcript with "{text}"'))
def chat_panel_transcript(agent, text, desktop, cti, journey):
    """In the agent's softphone chat panel: the transcript has a message containing the text; so does the
    transcript the CTI chat carries."""
    desktop.console(agent).softphone.chat.expect_message(text)
    call = _chat_call(cti, journey)
    messages = [m.text for m in call.chat.transcript] if call.chat else []
    if not any(text in m for m in messages):
        raise AssertionError(f"the transcript of the CTI chat {call.id} should have a message with {text!r}: "
                             f"it has {messages}")


@then(phrase('{agent:Actor}\'s chat panel shows the intent path "{path}" and a "{sentiment}" sentiment'))
def chat_panel_context(agent, path, sentiment, desktop, cti, journey):
    """In the agent's softphone chat panel: the bot's intent path (steps joined by " > ") and the customer's
    sentiment ("positive", "neutral" or "negative"); the CTI chat carries the same."""
    desktop.console(agent).softphone.chat.expect_context(path, sentiment)
    call = _chat_call(cti, journey)
    expect_value(f"the intent path and sentiment of the CTI chat {call.id}", (path, sentiment), "the CTI",
                 (" > ".join(call.chat.intent_path), call.chat.sentiment) if call.chat else None)


@then(phrase("{customer:Visitor} sees that {agent:Actor} joined the chat"))
@needs("chat_bot")
def customer_sees_agent(customer, agent, journey, chat):
    """In the customer's chat widget: "<agent> joined the chat"; the chat system has the chat with an agent."""
    customer_widget(journey, customer).expect_reply(f"{agent} joined the chat")
    eventually(lambda: conversation(chat, journey, customer), until=lambda c: c.state == "with_agent",
               description=f"{customer}'s chat with an agent in the chat system")


@when(phrase('{agent:Actor} replies "{text}"'))
def agent_replies(agent, text, desktop):
    """In the agent's softphone chat panel: sends the reply and sees it in the transcript."""
    desktop.console(agent).softphone.chat.reply(text)


@then(phrase("{customer:Visitor} sees {agent:Actor}'s reply \"{text}\""))
@needs("chat_bot")
def customer_sees_reply(customer, agent, text, journey, chat):
    """In the customer's chat widget: the agent's reply; the chat system's transcript has it from the agent,
    under the agent's name."""
    customer_widget(journey, customer).expect_reply(text)
    eventually(lambda: conversation(chat, journey, customer),
               until=lambda c: any(m.sender == "agent" and m.text == text and m.name == agent for m in c.transcript),
               description=f"{agent}'s reply {text!r} in the chat system")


@when(phrase('{agent:Actor} ends the chat and completes the wrap-up with "{code}"'))
def agent_ends_chat(agent, code, desktop):
    """In the agent's softphone: ends the chat, chooses the disposition code (e.g. RESOLVED) in the wrap-up
    form and presses Done."""
    softphone = desktop.console(agent).softphone
    softphone.chat.end()
    softphone.wrap_up.choose_disposition(code)
    softphone.wrap_up.done()


@then(phrase('the CRM has a completed chat for {customer:Persona} with the transcript, the intent path and a '
                    '"{sentiment}" sentiment'))
def crm_has_chat(customer, sentiment, crm, journey, personas):
    """Waits until the CRM's log of the chat is completed, then checks it is a chat of the customer's contact
    that keeps the bot's intent path, the sentiment, and a transcript with the agent's messages."""
    call_id = journey.require_call()
    log = eventually(lambda: crm.call_log(call_id), until=lambda log: log is not None and log.status == "completed",
                     description=f"the completed CRM log of chat {call_id}")
    expect_value(f"the CRM log of chat {call_id} (kind, contact)", ("chat", personas[customer].id), "the CRM",
                 (log.kind, log.contact_id))
    if log.chat is None:
        raise AssertionError(f"the CRM log of chat {call_id} should keep the bot's hand-over: it keeps none")
    expect_value(f"the CRM log of chat {call_id} (sentiment, keeps an intent path, keeps the agent's messages)",
                 (sentiment, True, True), "the CRM",
                 (log.chat.sentiment, bool(log.chat.intent_path),
                  any(m.sender == "agent" for m in log.chat.transcript)))


@then(phrase("{customer:Persona}'s timeline in {agent:Actor}'s console shows the chat with its intent path"))
def timeline_shows_chat(customer, agent, desktop, crm, journey, personas):
    """On the agent's console contact record of the customer: the timeline shows "Chat · completed · RESOLVED"
    and the chat's intent path as the CRM's log of the chat keeps it."""
    record = desktop.console(agent).contact_record
    record.expect_contact(personas[customer].full_name)
    record.expect_timeline_entry("Chat · completed · RESOLVED")
    call_id = journey.require_call()
    log = crm.call_log(call_id)
    if log is None or log.chat is None:
        raise AssertionError(f"the CRM should keep the log of chat {call_id} with its intent path: "
                             + (log.describe() if log else "it has none"))
    record.expect_timeline_entry(f"Intent path: {' > '.join(log.chat.intent_path)}")
