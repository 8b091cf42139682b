"""Hints are searched in a rewritten form that must match exactly what they say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from perflint.rules.base import all_rules
from perflint.rules.hints import _compiled

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.py"))
TRICKY = [
    "sum(x)", "checksum(x)", "x.sum()", "_sum", "any([x])", "many([x])", "for x in y", "before",
    "urlopen(u)", "open (p)", "reopen(p)", "x = [y for y in z]", "d.get(k, 0) + 1", "s += 1",
]
HINTS = sorted({hint for rule in all_rules() for hint in (*rule.hints, *rule.file_hints)})


@pytest.mark.parametrize("hint", HINTS + [r"\b(?:open|urlopen)\s*\(", r"\b(?:sum|checksum)\b"])
def test_fast_form_finds_what_the_hint_finds(hint: str) -> None:
    texts = TRICKY + [p.read_text(encoding="utf-8") for p in FIXTURES]
    plain = re.compile(hint, re.MULTILINE)
    for text in texts:
        for line in [text, *text.splitlines()]:
            assert bool(_compiled(hint).search(line)) == bool(plain.search(line)), (hint, line)
