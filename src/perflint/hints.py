"""The text a rule's hints are matched against (see `Rule.hints` and triage.py).

Many rules share hints (most need a loop), so each pattern is searched for at most once
per piece of text.
"""

from __future__ import annotations

import re
from typing import Collection, Dict, Mapping, Optional, Pattern, Set, Tuple

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

    __slots__ = ("text", "name", "imports", "_found")

    def __init__(self, text: str, name: str = "", imports: Optional[Mapping[str, str]] = None) -> None:
        self.text = text
        self.name = name
        # What the file's imports bind, anywhere in it: local name -> module or object
        # (`np` -> `numpy`, `join` -> `os.path.join`); None when unknown.
        self.imports = imports
        self._found: Dict[str, bool] = {}

    def bound_to(self, modules: Collection[str]) -> Optional[Set[str]]:
        """Local names the file binds to one of `modules` or to something in them."""
        if self.imports is None:
            return None
        return {
            local for local, target in self.imports.items()
            if target in modules or target.rsplit(".", 1)[0] in modules
        }

    def mentions(self, names: Collection[str]) -> bool:
        """Whether one of `names` appears as a word (a cheap, superset test)."""
        return any(re.search(rf"\b{re.escape(name)}\b", self.text) for name in names if name in self.text)

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
