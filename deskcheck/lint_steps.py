"""The checks ``deskcheck lint`` makes on each step line, so that a clean lint means the line will run.

- a line no definition matches: the error shows a ready-to-paste definition for an engineer and the three
  existing steps closest to it by meaning;
- a line two definitions match: an error naming both (file and line), since which one runs is left to
  chance;
- a name that is not real: a parameter that names an actor must get an actor's name, one that names a
  customer must get a customer the scenario made (``Dana`` after ``a customer "Dana Whitfield" ...``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from deskcheck import names
from deskcheck.stepdefs import GherkinStep, StepDef

QUOTED = re.compile(r'"([^"]*)"')
FULL_NAME = re.compile(rf"^{names.NAME}(?: {names.NAME}){{1,3}}$")
NAMED_IN_QUOTES = re.compile(r'\b(?:customers?|prospect|contact|caller) "([^"]+)"')


def actor_names() -> list[str]:
    from fixtures.identities import ROLES

    return [role.first_name for role in ROLES.values()]


@dataclass
class Cast:
    """Who a scenario may name: the actors, and the customers its own steps made."""
    actors: tuple[str, ...]  # in the order the glossary lists them
    customers: set[str]

    @classmethod
    def of(cls, steps: list[GherkinStep], actors: list[str]) -> "Cast":
        customers: set[str] = set()
        for step in steps:
            full_names = [v for v in QUOTED.findall(step.text) if FULL_NAME.match(v)]
            for value in full_names + NAMED_IN_QUOTES.findall(step.text):
                customers |= {value, value.split(" ")[0]}
            if step.text == names.UNKNOWN_CALLER_STEP:
                customers.add(names.UNKNOWN_CALLER)
        return cls(tuple(actors), customers)

    def problem(self, who: str, parameter: str, value: str) -> str | None:
        """Why ``value`` cannot be the ``who`` (actor | persona | person) the parameter names, else None."""
        actors, customers = list(self.actors), sorted(self.customers)
        if who == "actor" and value not in self.actors:
            return f'"{value}" is not an actor: {parameter} names one of {", ".join(actors)} (docs/glossary.md#actors)'
        if who == "persona" and value not in self.customers:
            return (f'"{value}" is not a customer of this scenario: {parameter} names a customer made by an earlier '
                    f"step ({', '.join(customers) or 'none made yet'}; kinds: docs/glossary.md#persona-kinds)")
        if who == "person" and value not in {*self.actors, *self.customers}:
            return (f'"{value}" is neither an actor ({", ".join(actors)}) nor a customer of this scenario '
                    f"({', '.join(customers) or 'none made yet'})")
        return None


def name_problems(definition: StepDef, text: str, cast: Cast) -> list[str]:
    wanted = definition.name_parameters()
    if not wanted:
        return []
    try:
        values = definition.parser.parse_arguments(text) or {}
    except Exception:  # a line the parser matched but cannot split: the run would say so
        return []
    found = []
    for parameter, who in wanted.items():
        value = values.get(parameter)
        if value is not None:
            problem = cast.problem(who, parameter, str(value))
            if problem:
                found.append(problem)
    return found


def ambiguity(step: GherkinStep, matching: list[StepDef]) -> str:
    both = " and ".join(f'{d.where} "{d.keyword} {d.phrase()}"' for d in matching)
    return (f'"{step.keyword} {step.text}" matches {len(matching)} step definitions, so which one runs is left to '
            f"chance: {both}. Reword the line, or ask an engineer to tighten one definition")


# --- a definition to paste, for a line nothing matches --------------------------------------------

def snippet(step: GherkinStep, cast: Cast) -> str:
    """A step definition an engineer can paste into steps/<area>.py and fill in."""
    counts: dict[str, int] = {}
    used: list[str] = []

    def param(base: str, spec: str = "") -> str:
        counts[base] = counts.get(base, 0) + 1
        name = base if counts[base] == 1 else f"{base}{counts[base]}"
        used.append(name)
        return "{" + name + (f":{spec}" if spec else "") + "}"

    def name(match: re.Match) -> str:
        word = match.group(0)
        if word in cast.actors:
            return param("agent", "Actor")
        if word in cast.customers:
            return param("customer", "Persona")
        return word

    parts = re.split(r'("[^"]*")', step.text)
    phrase = ""
    for part in parts:
        if part.startswith('"'):
            phrase += '"' + param("text") + '"'
        else:
            part = re.sub(rf"{names.NAME}", name, part)
            phrase += re.sub(r"\b\d+\b", lambda m: param("count", "d"), part)
    words = [w for w in re.findall(r"[a-z]+", re.sub(r"\{[^}]*\}", " ", phrase).lower()) if w not in ("the", "a")]
    function = "_".join(words[:6]) or "new_step"
    arguments = ", ".join([*used, "desktop", "crm", "cti"])
    return "\n".join([
        f"@{step.type}(phrase({phrase!r}))  # from deskcheck.names import phrase",
        f"def {function}({arguments}):",
        '    """<for an analyst: what it does on screen and in which system, every check it makes, the values it',
        '    accepts, what it needs first>"""',
        "    ...  # a page object's intent (pages/), then the backend checked through a port (crm, cti, ...)",
    ])
