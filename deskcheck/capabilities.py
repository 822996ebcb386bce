"""Capabilities: what an adapter set can check beyond the ports every target has.

Some checks need something only some targets can give: how many times a call log was written,
the wrap-up draft kept server side, a clock the suite can move, faults it can inject. A step
declares what it needs with :func:`needs`; an adapter lists what it offers in its
``capabilities``. A scenario whose steps need what the target lacks is skipped before any browser
starts, with the capability named (``deskcheck lint --profile P`` lists them ahead of a run).

A step that proves its point through ports every target has, and makes one more check only some
targets allow, declares that check with :func:`checks_if_offered` instead: it runs everywhere, and
where the capability is lacking that one check is reported as not applicable (in Allure, the terminal
and ``deskcheck lint --profile P``), never passed silently. The sandbox profile still makes it.
"""
from __future__ import annotations

from typing import Callable, Iterable, TypeVar

F = TypeVar("F", bound=Callable)

#: every capability, with what it means for an analyst reading a skip
CAPABILITIES: dict[str, str] = {
    "clock": "the target's clock can be set and moved (ring timeouts, wrap-up limits, SLAs, business hours)",
    "backend_faults": "faults can be injected at the target's integration edges (outages, slow answers, lost events)",
    "write_audit": "the CRM tells how many times a call log was written (proves exactly-once delivery)",
    "wrapup_draft": "the CTI keeps the wrap-up draft server side and lets the suite read it",
    "screen_pop_audit": "the CRM records how each screen pop matched the caller (none, single, multiple; by what)",
    "call_simulator": "calls can be placed from a simulated customer phone (the customer's side of a call)",
    "event_stream": "every system's events can be read as they happen (webhooks or a stream)",
    "ivr_sessions": "the IVR's walk through the menus can be driven and read",
    "chat_bot": "the chat bot's conversations can be driven and read",
    "helpdesk": "the helpdesk's tickets and SLA clocks can be read and changed",
    "marketing": "the marketing automation system's contacts, forms and sync can be read and driven",
    "callbacks": "the CTI's scheduled callbacks and the CRM's follow-ups can be read",
    "agent_admin": "agents and queues can be created and configured by the suite",
    "call_control_api": "the agent's call controls that a real contact center leaves to the agent's softphone "
                        "(answering a ringing call, ending a consult) can also be driven through the CTI's API",
    "crm_presence": "the CRM's own presence of a user (Online / Busy / Offline, with its reason) can be read through "
                    "its API",
    "crm_presence_set": "the CRM's presence of a user can also be set through its API, not only by the user in the "
                        "console (Salesforce's Omni-Channel presence takes no writes through the API)",
    "call_detail": "the CTI reports what happened on a call beyond its states: mute, keypad digits the agent sent, "
                   "transfer and consult legs, offers an agent rejected or missed (Amazon Connect's API does not)",
    "token_audit": "the suite's API clients show which access token they hold and whether the target still "
                   "takes an older one (proves expired tokens are refused and renewed)",
}

#: capabilities whose port methods more than one role carries (e.g. token_audit: the CRM's and the CTI's
#: api_session): a set offers one only when the adapter of every one of these roles offers it
SERVED_BY: dict[str, tuple[str, ...]] = {
    "token_audit": ("crm", "cti"),
    "callbacks": ("crm", "cti"),  # the CRM's follow-ups and the CTI's scheduled callbacks
    "helpdesk": ("helpdesk", "crm"),  # the tickets themselves, and the CRM's list of a contact's tickets
}

NEEDS_ATTRIBUTE = "__deskcheck_needs__"
CHECKS_IF_OFFERED_ATTRIBUTE = "__deskcheck_checks_if_offered__"


class UnknownCapability(ValueError):
    pass


def check_known(names: Iterable[str], where: str) -> frozenset[str]:
    names = frozenset(names)
    unknown = sorted(names - CAPABILITIES.keys())
    if unknown:
        raise UnknownCapability(f"{where}: unknown capabilities {unknown}; known: {', '.join(sorted(CAPABILITIES))}")
    return names


def needs(*names: str) -> Callable[[F], F]:
    """Declare the capabilities a step needs (put it under ``@given/@when/@then``)."""
    wanted = check_known(names, "needs()")

    def mark(func: F) -> F:
        setattr(func, NEEDS_ATTRIBUTE, frozenset(getattr(func, NEEDS_ATTRIBUTE, frozenset())) | wanted)
        return func

    return mark


def needed_by(func: Callable) -> frozenset[str]:
    return frozenset(getattr(func, NEEDS_ATTRIBUTE, frozenset()))


def checks_if_offered(*names: str) -> Callable[[F], F]:
    """Declare checks a step makes only where the target offers these capabilities (put it under
    ``@given/@when/@then``). Use it only when the step's other checks still prove what it says; where a
    capability is lacking the step reports its check as not applicable (``optional_checks`` fixture)."""
    wanted = check_known(names, "checks_if_offered()")

    def mark(func: F) -> F:
        setattr(func, CHECKS_IF_OFFERED_ATTRIBUTE,
                frozenset(getattr(func, CHECKS_IF_OFFERED_ATTRIBUTE, frozenset())) | wanted)
        return func

    return mark


def optionally_checked_by(func: Callable) -> frozenset[str]:
    return frozenset(getattr(func, CHECKS_IF_OFFERED_ATTRIBUTE, frozenset()))


def missing_message(missing: Iterable[str], target: str) -> str:
    names = sorted(missing)
    return f"not applicable on {target}: needs " + "; ".join(f"{n} ({CAPABILITIES.get(n, '?')})" for n in names)


def check_not_made_message(check: str, capability: str, target: str) -> str:
    """What the report says of one check a running scenario did not make."""
    return f"check not made on {target}: {check} - needs {capability} ({CAPABILITIES.get(capability, '?')})"
