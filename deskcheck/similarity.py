"""The existing steps closest to a line by meaning, not only by spelling.

Each step is described by its phrase, its hand-written meaning (the docstring) and the real lines
features write with it. A line is compared with each description by the words they share (TF-IDF
weighted, so "wrap-up" counts for more than "the") and by how alike the line reads to the step's
phrase and example lines. "When Maya phones Dana back" finds "When {agent} calls {customer} back from
the softphone" although the spelling differs.
"""
from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from typing import Iterable

from deskcheck.stepdefs import StepDef

STOP = {"the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "be", "it", "its", "her",
        "his", "their", "that", "this", "as", "at", "by", "from", "then", "when", "given", "e", "g", "s"}
#: words analysts use for the same thing as the steps' own words
SYNONYMS = {"phone": "call", "phones": "call", "ring": "call", "rings": "call", "dial": "call", "dials": "call",
            "ticket": "ticket", "case": "ticket", "pickup": "answer", "picks": "answer", "accept": "answer",
            "hold": "hold", "pause": "hold", "disposition": "disposition", "code": "disposition",
            "presence": "state", "status": "state", "log": "log", "logs": "log", "record": "record"}


def words(text: str) -> list[str]:
    """Lower-case word stems of a text, without placeholders' braces, stop words and plural/tense endings."""
    found = []
    for word in re.findall(r"[a-z]+", text.lower()):
        word = SYNONYMS.get(word, word)
        if word in STOP:
            continue
        for ending in ("ing", "ed", "es", "s"):
            if len(word) > len(ending) + 3 and word.endswith(ending):
                word = word[: -len(ending)]
                break
        found.append(word)
    return found


class StepIndex:
    """Every step's description, ready to rank lines against."""

    def __init__(self, defs: Iterable[StepDef], known_lines: dict[str, StepDef] | None = None) -> None:
        self.defs = list({(d.func, d.type): d for d in defs}.values())
        examples: dict[int, list[str]] = {}
        for line, definition in (known_lines or {}).items():
            examples.setdefault(id(definition.func), []).append(line)
        self.lines = {id(d): [d.phrase(), *examples.get(id(d.func), [])[:5]] for d in self.defs}
        documents = {id(d): Counter(words(" ".join([d.phrase()] * 3 + [d.doc()] + self.lines[id(d)])))
                     for d in self.defs}
        frequency = Counter(w for doc in documents.values() for w in doc)
        total = max(1, len(documents))
        self.idf = {w: math.log(1 + total / n) for w, n in frequency.items()}
        self.vectors = {key: self._weigh(doc) for key, doc in documents.items()}

    def _weigh(self, counts: Counter) -> dict[str, float]:
        vector = {w: (1 + math.log(n)) * self.idf.get(w, math.log(1 + len(self.defs))) for w, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {w: v / norm for w, v in vector.items()}

    def score(self, text: str, definition: StepDef) -> float:
        query = self._weigh(Counter(words(text)))
        meaning = sum(weight * self.vectors[id(definition)].get(w, 0.0) for w, weight in query.items())
        spelling = max(difflib.SequenceMatcher(None, text.lower(), line.lower()).ratio()
                       for line in self.lines[id(definition)])
        return 0.6 * meaning + 0.4 * spelling

    def closest(self, text: str, step_type: str | None = None, n: int = 3) -> list[StepDef]:
        """The n steps closest to the line; one of the line's own type (Given/When/Then) wins a near tie."""
        ranked = sorted(self.defs, key=lambda d: -(self.score(text, d) + 0.08 * (d.type in (None, step_type))))
        picked: list[StepDef] = []
        for definition in ranked:
            if all(definition.func is not p.func for p in picked):
                picked.append(definition)
            if len(picked) == n:
                break
        return picked
