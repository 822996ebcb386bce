"""Names in step phrases: an actor or a customer is named by a name, never by half a sentence.

A parameter that names someone takes one name-like word ("Maya", "Dana", "O'Brien", "Zoë"): it
starts with a capital (or a letter of a script without capitals) and has no spaces or quotes. So
``And the agent "Maya" logs in and becomes Available`` can never bind to ``{agent} becomes Available``
with agent = 'the agent "Maya" logs in and': it matches nothing, and lint says so before any run.

Steps use these as parse types (``phrase("{agent:Actor} puts the call on hold")``) or as regex
bodies (``rf"(?P<agent>{ACTOR}) ..."``). Lint then checks the value is real: an actor's name, or a
customer the scenario made ("Dana" after ``a customer "Dana Whitfield" ...``).
"""
from __future__ import annotations

from parse import with_pattern
from pytest_bdd import parsers

#: one name-like word; the leading (?-i:...) keeps "the" or "maya" out even where matching ignores case
NAME = r"(?-i:(?![a-zà-ÿ]))[^\W\d_][\w'’-]*"
#: the persona made by "a caller whose number is not in the CRM"
UNKNOWN_CALLER = "the unknown caller"
UNKNOWN_CALLER_STEP = "a caller whose number is not in the CRM"
ACTOR = NAME
PERSONA = rf"(?:{NAME}|{UNKNOWN_CALLER})"
PERSON = rf"(?:{UNKNOWN_CALLER}|{NAME})"  # an actor or a customer (PERSONA's words, written apart to tell them apart)
VISITOR = rf"(?:{NAME})"  # anyone by first name, checked against nobody (a website visitor need not be in the CRM)
FULL_NAME = rf"{NAME}(?: {NAME}){{1,3}}"  # a customer's first and last name: "Dana Whitfield"
QUOTED = r'[^"]*'  # the words between two quotes: never a quote itself


def _type(pattern: str):
    """A parse type taking the text as it is (a new function each: ``with_pattern`` marks the function)."""
    def keep(text: str) -> str:
        return text
    return with_pattern(pattern)(keep)


#: parse types for ``{param:Type}``, with what each accepts in an analyst's words (for the catalogue)
TYPES = {
    "Actor": _type(ACTOR),
    "Persona": _type(PERSONA),
    "Person": _type(PERSON),
    "FullName": _type(FULL_NAME),
    "Visitor": _type(VISITOR),
    "Quoted": _type(QUOTED),
}
KINDS = {
    "Actor": "an actor's first name (see the glossary: actors)",
    "Persona": f'a customer\'s first name, as made earlier in the scenario, or "{UNKNOWN_CALLER}"',
    "Person": "an actor's or a customer's first name",
    "FullName": "a customer's first and last name, as made earlier in the scenario",
    "Visitor": "a first name (a website visitor, who need not be a CRM customer)",
    "Quoted": "text (no quotes inside)",
}
#: the same kinds by regex body, for ``parsers.re`` steps
REGEX_KINDS = {ACTOR: KINDS["Actor"], PERSONA: KINDS["Persona"], PERSON: KINDS["Person"], FULL_NAME: KINDS["FullName"],
               VISITOR: KINDS["Visitor"], QUOTED: KINDS["Quoted"]}
#: which name types say who must exist: the actors, the scenario's customers, or either
WHO = {"Actor": "actor", "Persona": "persona", "Person": "person", "FullName": "persona"}
WHO_OF_REGEX = {ACTOR: "actor", PERSONA: "persona", PERSON: "person", FULL_NAME: "persona"}


def phrase(text: str) -> parsers.parse:
    """``parsers.parse`` that knows the name types: ``phrase("{agent:Actor} mutes the call")``."""
    return parsers.parse(text, extra_types=TYPES)


#: "the 2nd time", "the third time", "leg 2": an ordinal as digits and ending, or as a word (first to fifth)
ORDINAL = r"\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth"
_ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth")


def ordinal(text: str) -> int:
    """``"2nd"`` or ``"second"`` -> 2; anything else is refused with the forms it takes."""
    text = text.strip().lower()
    if text in _ORDINAL_WORDS:
        return _ORDINAL_WORDS.index(text) + 1
    digits = text[:-2]
    if digits.isdigit() and text[-2:] in ("st", "nd", "rd", "th") and int(digits) > 0:
        return int(digits)
    raise ValueError(f"not an ordinal: {text!r} (say 1st, 2nd, 3rd, 4th... or first to fifth)")


REGEX_KINDS[ORDINAL] = "an ordinal: 1st, 2nd, 3rd, 4th... or first to fifth"
