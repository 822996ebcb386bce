"""Business concepts: how the catalogue groups steps by what an analyst is trying to say, not by file.

Each step belongs to the first concept whose rule it meets: a rule looks at the step's words and, as a
hint, at the area it is defined in. Making customers comes first, so every kind of persona a scenario
can start from is listed together under "customer"; failures and time come before the area they
happen in, so "the CRM answers call logs with errors" is a failure, not a wrap-up step.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from deskcheck.stepdefs import StepDef


@dataclass(frozen=True)
class Concept:
    key: str
    title: str
    about: str

    @property
    def anchor(self) -> str:
        return "concept-" + self.key


Rule = Callable[[StepDef], bool]


def _words(pattern: str) -> Rule:
    found = re.compile(pattern, re.IGNORECASE)
    return lambda d: bool(found.search(d.phrase()))


def _areas(*areas: str) -> Rule:
    return lambda d: d.area in areas


def _any(*rules: Rule) -> Rule:
    return lambda d: any(rule(d) for rule in rules)


CONCEPTS: tuple[Concept, ...] = (
    Concept("presence", "Agents: log-in, states and presence",
            "Who is at the desk and in what state: log-in, the softphone's presence menu, the CRM presence, the "
            "supervisor board, queued next states."),
    Concept("customer", "Customers (personas) and their CRM record",
            "Make the customers a scenario starts from (every kind of persona is here), and check what their CRM "
            "record, its timeline and its 360 view show."),
    Concept("call", "Inbound calls and call controls",
            "A customer calls; the softphone rings; the agent answers, holds, mutes, sends digits, rejects or hangs "
            "up; the CTI and the CRM record the call."),
    Concept("transfer", "Transfers and consults",
            "Cold and warm transfers to a queue or a colleague, consults, and what each leg of a transfer leaves in "
            "the CTI, the CRM and on the receiving agent's screen."),
    Concept("screen-pop", "Screen pop",
            "Who the console shows when a call arrives: one match, several, none (a new-contact form), an "
            "IVR-verified account, the fields a role may see."),
    Concept("wrap-up", "Wrap-up and call logs",
            "After the call: the wrap-up form, dispositions per queue, notes, drafts kept server side, time limits, "
            "and the one call log the CRM and the CTI keep."),
    Concept("outbound", "Outbound calls, click-to-dial and callbacks",
            "The agent dials from a record or the softphone; do-not-call refusals; callbacks and follow-ups; "
            "workforce management's report."),
    Concept("ivr", "IVR",
            "The caller's walk through the IVR's menus (keys and speech), account lookups, and the context the "
            "agent's desktop, the CTI and the CRM receive."),
    Concept("chat", "Chat: the bot and the hand-over",
            "The customer in the website's chat widget, the bot's answers and intents, and the hand-over to an "
            "agent's chat panel."),
    Concept("ticket", "Tickets and SLAs",
            "Helpdesk tickets from every channel, the ticket view, SLA clocks (first reply and resolution) on "
            "business hours, and the link to the CRM."),
    Concept("marketing", "Marketing",
            "Marketing automation: the CRM sync, campaigns, emails, forms, lead scores, consent."),
    Concept("events", "Events, webhooks and journeys",
            "What each system announced, in order and by schema; signed webhooks to partners; one correlation id "
            "per journey."),
    Concept("failure", "Failures and recovery",
            "Outages, slow or empty answers, lost connections and expired tokens at the integration edges, and "
            "what the desktop and the backends do about them."),
    Concept("time", "Time and business hours",
            "Time passes only on the target's clock: what day and hour it is, seconds or hours passing, a line's "
            "opening hours."),
    Concept("accessibility", "Accessibility",
            "Automated accessibility scans, keyboard-only call handling and what a screen reader hears."),
)
#: anything no rule claims (a new area) still shows, under its own heading
OTHER = Concept("other", "Other steps", "Steps no business concept claims yet.")

MAKES_CUSTOMER = _words(r'^(a customer "|two customers|a caller whose|a prospect|a file of|\{count(:d)?\} new customers'
                        r'|\{customer(:\w+)?\} has an email ticket)')
FAILURE = _any(_areas("resilience"), _words(
    r"\b(is down|comes back|is back|will go down|recovers|fails the next|answers \{service\}|empty body|slow to answer"
    r"|loses its connection|stops accepting|delivers every event twice|gave nothing|account lookup from the IVR"
    r"|queued until the helpdesk is back|cannot see her refund details|partner system is down|shows no sign of"
    r"|server error|access tokens?)\b"))

#: (concept, rule) in the order they are tried: the first rule a step meets decides its concept
RULES: tuple[tuple[str, Rule], ...] = (
    ("accessibility", _areas("accessibility")),
    ("customer", lambda d: d.type == "given" and MAKES_CUSTOMER(d)),
    ("failure", FAILURE),
    ("time", _any(_areas("business_time"), _words(r"^\{seconds(:\w+)?\} seconds pass|^\{amount\} \{unit\} pass|^it is"))),
    ("marketing", _any(_areas("marketing_sync", "marketing_campaigns"),
                       _words(r"\bmarketing\b|\bposts the\b|\bnurture\b|web form"))),
    ("chat", _areas("chat", "chat_handover")),
    ("screen-pop", _areas("screen_pop")),
    ("ivr", _any(_areas("ivr"), _words(r"\bIVR\b"))),
    ("events", _areas("events", "journeys")),
    ("ticket", _any(_areas("tickets", "ticket_view"), _words(r"\bticket\b"))),
    ("transfer", _words(r"transfer|consult|\bleg\b")),
    ("outbound", _areas("click_to_dial")),
    ("wrap-up", _any(_areas("wrap_up"), _words(r"wrap-up|disposition|call log"))),
    ("presence", _any(_areas("presence"), _words(
        r"logged in|logs in|becomes Available|supervisor board|shows the state|CRM shows \{agent(:\w+)?\} as|"
        r"CTI has \{agent(:\w+)?\} \"|signs out|announced \{agent(:\w+)?\}'s (states|presence)|\bpresence\b|"
        r"\bAvailable\b|Not ready|opens the console$"))),
    ("customer", _any(_areas("field_permissions"), _words(
        r"contact record|the record shows|timeline|CRM API hides|\"\{label\}\"|\bemail\b|contact with"))),
    ("ticket", _words(r"\bSLA\b|helpdesk")),
    ("time", _words(r"\bline (is )?(open|closed|\{status\})")),
    ("wrap-up", _words(r"\bcompletions?\b")),
    ("call", _any(_areas("call_controls", "common"), _words(r"\bcalls?\b"))),
)


BY_KEY = {c.key: c for c in (*CONCEPTS, OTHER)}


def concept_of(definition: StepDef) -> Concept:
    """The business concept a step belongs to: the first rule it meets."""
    return next((BY_KEY[key] for key, rule in RULES if rule(definition)), OTHER)


def in_reading_order(keys: set[str]) -> list[Concept]:
    """The concepts among ``keys``, in the catalogue's order (the desk first, accessibility last)."""
    return [c for c in (*CONCEPTS, OTHER) if c.key in keys]
