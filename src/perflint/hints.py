"""The text a rule's hints are matched against (see `Rule.hints` and triage.py).

Many rules share hints (most need a loop), so each pattern is searched for at most once
per piece of text.
"""

from __future__ import annotations

import re
from typing import Dict, Pattern, Tuple

# Loops: what most rules need to see before they can fire.
LOOP = r"\b(?:for|while)\b"

_COMPILED: Dict[str, Pattern[str]] = {}
_WORDS: Dict[str, Tuple[str, ...]] = {}
_WORD_HINT = re.compile(r"(?:\\b)?(?:(\w+)|\(\?:(\w+(?:\|\w+)*)\))(?:\\b)?")


def _words(hint: str) -> Tuple[str, ...]:
    """For a hint that is a word or a group of words (`\\bfor\\b`, `\\b(?:any|all)\\b`): the
    words, one of which must be in the text (a substring test is far cheaper than a
    search for `\\b`). Empty for other hints."""
    match = _WORD_HINT.fullmatch(hint)
    if match is None:
        return ()
    return tuple((match.group(1) or match.group(2)).split("|"))


class Region:
    """The source of a file, or of one function, method or statement named `name` ("" if
    it has none)."""

    __slots__ = ("text", "name", "_found")

    def __init__(self, text: str, name: str = "") -> None:
        self.text = text
        self.name = name
        self._found: Dict[str, bool] = {}

    def has(self, hint: str) -> bool:
        found = self._found.get(hint)
        if found is None:
            words = _WORDS.get(hint)
            if words is None:
                words = _WORDS[hint] = _words(hint)
            if words and not any(word in self.text for word in words):
                self._found[hint] = False
                return False
            pattern = _COMPILED.get(hint)
            if pattern is None:
                pattern = _COMPILED[hint] = re.compile(hint, re.MULTILINE)
            found = self._found[hint] = pattern.search(self.text) is not None
        return found
