"""The step catalogue (docs/steps.md) is generated from the step definitions and kept in step."""
from __future__ import annotations

import pytest

from deskcheck import catalogue, stepdefs


@pytest.fixture(scope="module")
def text() -> str:
    return catalogue.render()


def test_docs_steps_md_is_up_to_date(text):
    current = catalogue.DOC.read_text(encoding="utf-8") if catalogue.DOC.is_file() else ""
    assert current == text, (
        "docs/steps.md is out of date with steps/ or features/: run `.venv/bin/deskcheck steps` and commit it")


def test_every_step_definition_is_in_the_catalogue_under_its_area(text):
    defs = stepdefs.load_step_definitions()
    assert defs, "no step definitions found"
    for definition in defs:
        section = text.split(f"\n## {definition.area}\n", 1)[1].split("\n## ", 1)[0]
        assert f"### {definition.keyword} {definition.phrase()}\n" in section, definition.phrase()


def test_phrases_parameters_meanings_and_examples(text):
    assert "### When {caller} calls the {queue} line" in text
    assert "`queue`: one of: support, sales, billing" in text
    assert "### Then the CTI has recorded {seconds:d} seconds on hold" in text and "`seconds`: whole number" in text
    assert "- **Example:** `When Dana calls the support line` (features/" in text
    assert text.count("- **Meaning:** ") == len(stepdefs.load_step_definitions())


def test_readable_regex():
    assert stepdefs.readable_regex(r'(?P<agent>\w+) (?P<kind>cold|warm) transfers to '
                                   r'(?:the "(?P<queue>\w+)" queue|(?P<colleague>\w+))$') == \
        '{agent} {kind} transfers to (the "{queue}" queue | {colleague})'
    assert stepdefs.readable_regex(r"(?P<n>\d+) seconds pass(?: (?P<context>.+))?$") == "{n} seconds pass[ {context}]"
    assert stepdefs.readable_regex(r"a customer with (?P<cases>\d+) open cases?$") == \
        "a customer with {cases} open case(s)"
