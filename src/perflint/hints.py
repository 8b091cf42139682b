"""The text a rule's hints are matched against (see `Rule.hints` and triage.py).

Many rules share hints (most need a loop), so each pattern is searched for at most once
per piece of text.
"""

from __future__ import annotations

import re
from typing import Dict, Pattern

# Loops: what most rules need to see before they can fire.
LOOP = r"\b(?:for|while)\b"

_COMPILED: Dict[str, Pattern[str]] = {}


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
            pattern = _COMPILED.get(hint)
            if pattern is None:
                pattern = _COMPILED[hint] = re.compile(hint, re.MULTILINE)
            found = self._found[hint] = pattern.search(self.text) is not None
        return found
