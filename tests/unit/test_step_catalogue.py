"""The step catalogue (docs/steps.md, docs/steps.html) is generated from the step definitions, grouped by business
concept, and kept in step; every step has a hand-written meaning."""
from __future__ import annotations

import re

import pytest
from pytest_bdd import parsers

from deskcheck import catalogue, catalogue_html, concepts, stepdefs, usage
from deskcheck.names import ACTOR, phrase
from deskcheck.stepdefs import StepDef


@pytest.fixture(scope="module")
def defs() -> list[StepDef]:
    return stepdefs.load_step_definitions()


@pytest.fixture(scope="module")
def text(defs) -> str:
    return catalogue.render(defs)


def test_docs_steps_md_and_html_are_up_to_date(defs, text):
    current = catalogue.DOC.read_text(encoding="utf-8") if catalogue.DOC.is_file() else ""
    assert current == text, "docs/steps.md is out of date with steps/ or features/: run `.venv/bin/deskcheck steps`"
    page = catalogue.HTML.read_text(encoding="utf-8") if catalogue.HTML.is_file() else ""
    assert page == catalogue_html.render(defs), \
        "docs/steps.html is out of date with steps/, features/ or docs/glossary.json: run `.venv/bin/deskcheck steps`"


def test_every_step_has_a_hand_written_meaning(defs):
    missing = [f"{d.where} {d.keyword} {d.phrase()}: {stepdefs.meaning_problem(d)}" for d in defs
               if stepdefs.meaning_problem(d)]
    assert not missing, "steps without a meaning written for an analyst:\n" + "\n".join(missing)


def _step(doc: str | None, name: str = "softphone_rings") -> StepDef:
    def func(agent):
        pass
    func.__name__, func.__doc__ = name, doc
    return StepDef("then", parsers.parse("{agent}'s softphone rings"), func)


@pytest.mark.parametrize("doc", [None, "", "Checks: softphone rings.", "Softphone rings.", "Checks the softphone."])
def test_a_missing_or_restated_meaning_is_no_meaning(doc):
    assert stepdefs.meaning_problem(_step(doc))


def test_a_written_meaning_counts():
    assert stepdefs.meaning_problem(_step("In the agent's softphone: the call rings showing the caller's number; "
                                          "the CTI has the call offered to that agent.")) is None


def test_every_step_is_under_one_business_concept_and_no_concept_is_a_file(defs, text):
    titles = [c.title for c in concepts.CONCEPTS]
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings and set(headings) <= set(titles), headings
    assert "Other steps" not in headings, "a step no business concept claims: add a rule to deskcheck/concepts.py"
    for entry in catalogue.entries(defs):
        section = text.split(f"\n## {entry.concept.title}\n", 1)[1].split("\n## ", 1)[0]
        assert f"\n### {entry.heading}\n" in section, entry.heading


def test_an_entry_has_meaning_parameters_with_values_example_needs_and_source(text):
    entry = text.split("\n### When {caller} calls the {queue} line\n", 1)[1].split("\n### ", 1)[0]
    assert "calls the support, sales or billing line from their phone" in entry  # the whole docstring
    assert "`queue`: one of: support, sales, billing (values: [glossary](glossary.md#queues))" in entry
    assert "`caller`: a customer's first name" in entry
    assert "When Dana calls the support line" in entry and "(features/" in entry
    assert "- **Needs:** `call_simulator` (calls can be placed from a simulated customer phone" in entry
    assert "- **Defined in:** `steps/common.py:" in entry


def test_set_up_steps_with_a_when_form_show_both(text):
    assert "### Given/When {agent}'s softphone loses its connection to the telephony events" in text
    assert "### When the {role} \"{name}\" logs in and becomes Available" in text


def test_a_data_table_example_is_shown_with_its_rows(defs):
    examples = catalogue.examples_for(defs)
    with_tables = [e for e in examples.values() if e.table]
    assert with_tables, "no feature uses a step with a data table"
    assert all(e.table[0] for e in with_tables)


def test_the_generator_artefacts_are_gone(text):
    assert "the words \"d\"" not in text and " x " not in text.replace("`", " ")
    assert "contacts with .\n" not in text and "before x exists" not in text
    assert not re.search(r"\{\w+:(Actor|Persona|Person|FullName|Visitor|Quoted)\}", text), "a parse type leaked"


def test_readable_regex():
    assert stepdefs.readable_regex(r'(?P<agent>\w+) (?P<kind>cold|warm) transfers to '
                                   r'(?:the "(?P<queue>\w+)" queue|(?P<colleague>\w+))$') == \
        '{agent} {kind} transfers to (the "{queue}" queue | {colleague})'
    assert stepdefs.readable_regex(r"(?P<n>\d+) seconds pass(?: (?P<context>.+))?$") == "{n} seconds pass[ {context}]"
    assert stepdefs.readable_regex(r"a customer with (?P<cases>\d+) open cases?$") == \
        "a customer with {cases} open case(s)"
    assert stepdefs.readable_regex(r"enrol (?P<first>\w+) before (?P=first) exists") == "enrol {first} before {first} exists"
    assert stepdefs.readable_regex(r"a file of (?P<n>\d+) contacts with .+") == "a file of {n} contacts with {text}"
    assert stepdefs.readable_regex(r"before \w+ exists") == "before {word} exists"
    assert stepdefs.readable_regex(rf"(?P<agent>{ACTOR}) answers") == "{agent} answers"


def test_parameter_kinds():
    step = StepDef("when", parsers.re(rf'(?P<caller>{ACTOR}) presses (?P<key>\d) for "(?P<option>[^"]+)"'), lambda: None)
    assert dict(step.parameters()) == {"caller": "an actor's first name (see the glossary: actors)",
                                       "key": "one digit", "option": "text"}
    typed = StepDef("when", phrase("{agent:Actor} hands {customer:Persona} over"), lambda: None)
    assert typed.phrase() == "{agent} hands {customer} over"
    assert typed.name_parameters() == {"agent": "actor", "customer": "persona"}


def test_usage_lists_unused_and_near_duplicate_steps():
    def one():
        """The agent opens the record."""

    def two():
        """The agent opens the record again."""

    def three():
        """Something else entirely."""

    defs = [StepDef("when", phrase("{agent:Actor} opens {customer:Persona}'s record"), one),
            StepDef("when", phrase("{agent:Actor} opens {first:Persona}'s record"), two),
            StepDef("then", parsers.parse("nothing uses this"), three)]
    lines = [("when", "Maya opens Dana's record", "features/x.feature:3")]
    assert [d.func for d in usage.unused(defs, lines)] == [three]
    [twin] = usage.near_duplicates(defs, lines)
    assert {twin.first.func, twin.second.func} == {one, two} and twin.shared_line.endswith("Maya opens Dana's record")
