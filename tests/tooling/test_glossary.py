"""The glossary (docs/glossary.md and docs/glossary.json) is read from the target's own settings through its
adapters, and kept current: it fails when the sandbox's queues, dispositions, state labels, IVR menus, intents or
SLA policies change without `deskcheck steps`."""
from __future__ import annotations

import json

import pytest

from deskcheck import glossary
from deskcheck.glossary_render import render_markdown
from deskcheck.ports import NotSupported


@pytest.fixture(scope="module")
def live() -> dict:
    return glossary.sandbox_glossary()


def test_the_glossary_is_the_sandboxs_own_and_current(live):
    assert json.loads(glossary.DATA.read_text(encoding="utf-8")) == json.loads(glossary.dumps(live)), \
        "docs/glossary.json is out of date with the sandbox's settings: run `.venv/bin/deskcheck steps`"
    assert glossary.MARKDOWN.read_text(encoding="utf-8") == render_markdown(live), \
        "docs/glossary.md is out of date: run `.venv/bin/deskcheck steps`"


def test_it_lists_what_analysts_guessed(live):
    text = render_markdown(live)
    queues = {q["queue"]["name"]: q for q in live["queues"]}
    assert queues["billing"]["queue"]["wrapup_mode"] == "timeboxed" and queues["billing"]["queue"]["acw_seconds"] == 30
    assert [d["code"] for d in queues["support"]["dispositions"]] == ["RESOLVED", "FOLLOW_UP", "ESCALATED"]
    for words in ("`Not ready (Lunch)` | `NOT_READY` (Lunch) | `Busy` (Lunch)", "`WRAPUP_TIMEOUT`",
                  "| `2` | `Technical support` |", "`Refund status`", "`Talk to an agent`", "| `high` | 1 h | 8 h |",
                  "`Pending customer`", "Monday-Friday 09:00-17:00", '`the second agent "Leo"`',
                  "`Given a caller whose number is not in the CRM`", "`Date of birth`, `Tax ID`, `Balance`"):
        assert words in text, words


class _Lacking:
    """An adapter set whose CTI cannot list its states and which has no IVR, chat or helpdesk."""

    class Crm:
        def roles(self):
            raise NotSupported("LackingCrm", "roles", "glossary")

        def dispositions(self, queue=None):
            return []

    class Cti:
        def queues(self):
            return []

        def agent_states(self):
            raise NotSupported("LackingCti", "agent_states", "glossary")

        def wrapup_rules(self):
            raise NotSupported("LackingCti", "wrapup_rules", "glossary")

    def port(self, role):
        if role == "crm":
            return self.Crm()
        if role == "cti":
            return self.Cti()
        raise LookupError(f"no adapter for {role!r}")


def test_a_target_whose_adapters_cannot_list_a_section_says_so():
    data = glossary.collect(_Lacking(), "a bare target")
    text = render_markdown(data)
    assert "## Agent states\n\nNot listed by the target's adapters: NotSupported" in text
    assert "## IVR menus\n\nNot listed by the target's adapters: the target has no IVR adapter" in text
    assert "| `Maya` | agent |" in text  # the suite's own actors are always known
