"""How a step's pattern reads to an analyst: its phrase with ``{parameters}``, and what each parameter takes.

``parsers.re`` patterns are read back into words (``(?P<agent>\\w+) (?P<kind>cold|warm) transfers`` ->
``{agent} {kind} transfers``); a parameter's kind comes from its parse type (``{seconds:d}``: whole number;
``{agent:Actor}``: an actor's name) or its regex body (``cold|warm``: one of cold, warm).
"""
from __future__ import annotations

import re
from typing import Callable

from deskcheck import names

PARSE_KINDS = {"": "text", "d": "whole number", "n": "whole number", "f": "number", "g": "number",
                "w": "one word", "W": "non-word characters", "l": "letters", "ti": "date and time", **names.KINDS}


def converter_kind(converter: Callable) -> str:
    name = getattr(converter, "__name__", type(converter).__name__)
    return {"int": "whole number", "float": "number", "str": "text"}.get(name, name)


def _close_paren(pattern: str, start: int) -> int:
    """Index of the ``)`` closing the group that opens at ``start``."""
    depth, i = 0, start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = pattern.index("]", i + 2 if pattern[i + 1:i + 2] in ("]", "^") else i + 1) + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced group in {pattern!r}")


def named_groups(pattern: str) -> list[tuple[str, str, bool]]:
    """``[(name, body, optional)]`` of the pattern's named groups."""
    found = []
    for match in re.finditer(r"\(\?P<(\w+)>", pattern):
        end = _close_paren(pattern, match.start())
        found.append((match.group(1), pattern[match.end():end], pattern[end + 1:end + 2] == "?"))
    return found


def _split_alternatives(body: str) -> list[str]:
    parts, depth, current, i = [], 0, "", 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            current += body[i:i + 2]
            i += 2
            continue
        depth += char == "("
        depth -= char == ")"
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
        i += 1
    return [*parts, current]


LITERAL = re.compile(r"^(?:[\w ,'-]|\\[^dwsDWSbBAZ])+$")  # fixed words (an escape like \d is a class, not a word)
_REGEX_KINDS = {r"\d+": "whole number", r"\d": "one digit", r"\w+": "one word", r"[A-Z_]+": "UPPER_CASE word",
                r"-?\d+": "whole number (may be negative)", r"\d\d:\d\d": "a time of day, hh:mm",
                r'[^"]+': "text", r'[^"]*': "text (may be empty)", r".+?": "text", r".+": "text", r".*": "text",
                **names.REGEX_KINDS}


def regex_value_kind(body: str, optional: bool = False) -> str:
    options = _split_alternatives(body)
    if len(options) > 1 and all(LITERAL.match(o) for o in options):
        return "one of: " + ", ".join(o.replace("\\", "") for o in options)
    if LITERAL.match(body):  # a fixed phrase: present or not
        when = "optional" if optional else "present when that wording is used"
        return f'the words "{body.replace(chr(92), "").strip()}" ({when})'
    return _REGEX_KINDS.get(body, f"text matching {body}")


#: unnamed patterns a phrase shows as a placeholder (longest first), so "before \\w+ exists" reads "before {word} exists"
_UNNAMED = ((r".+?", "{text}"), (r".+", "{text}"), (r".*", "{text}"), (r'[^"]+', "{text}"), (r'[^"]*', "{text}"),
            (r"\d+", "{number}"), (r"\d", "{digit}"), (r"\w+", "{word}"), (r"\s+", " "))


def readable_regex(pattern: str) -> str:
    """``(?P<agent>\\w+) (?P<kind>cold|warm) transfers`` -> ``{agent} {kind} transfers``."""
    pattern = pattern.removeprefix("^").removesuffix("$")
    out, i = "", 0
    while i < len(pattern):
        char = pattern[i]
        unnamed = next(((token, shown) for token, shown in _UNNAMED if pattern.startswith(token, i)), None)
        if unnamed:
            out += unnamed[1]
            i += len(unnamed[0])
        elif char == "\\" and i + 1 < len(pattern):
            out += {"d": "{digit}", "w": "{letter}", "s": " "}.get(pattern[i + 1], pattern[i + 1])
            i += 2
        elif char == "[":  # any other character class: a value goes there
            i = _close_class(pattern, i)
            i += 1 if pattern[i:i + 1] in ("+", "*") else 0
            out += "{text}"
        elif pattern.startswith("(?P=", i):  # a back-reference: the same value again
            end = pattern.index(")", i)
            out += "{" + pattern[i + 4:end] + "}"
            i = end + 1
        elif pattern.startswith("(?P<", i):
            end = _close_paren(pattern, i)
            name, body = pattern[i + 4:pattern.index(">", i)], pattern[pattern.index(">", i) + 1:end]
            if pattern[end + 1:end + 2] == "?":  # optional: its words when they are fixed, else [{name}]
                out += f"[{readable_regex(body)}]" if LITERAL.match(body) else f"[{{{name}}}]"
                i = end + 2
            else:
                out += "{" + name + "}"
                i = end + 1
        elif char == "(":
            end = _close_paren(pattern, i)
            body = pattern[i + 3:end] if pattern.startswith("(?:", i) else pattern[i + 1:end]
            optional = pattern[end + 1:end + 2] == "?"
            inner = " | ".join(readable_regex(part) for part in _split_alternatives(body))
            out += f"[{inner}]" if optional else (f"({inner})" if "|" in body else inner)
            i = end + (2 if optional else 1)
        elif char == "?" and out:
            out = out[:-1] + f"({out[-1]})"
            i += 1
        elif char in "+*":
            i += 1
        else:
            out += char
            i += 1
    return out


def _close_class(pattern: str, start: int) -> int:
    """Index of the ``]`` closing the character class that opens at ``start``."""
    return pattern.index("]", start + 2 if pattern[start + 1:start + 2] in ("]", "^") else start + 1)
