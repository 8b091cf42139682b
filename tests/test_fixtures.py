"""Fixture files carry their expectations inline.

A line ending in `# expect: PFL101` (or `# expect: PFL101, PFL301`) must get exactly those
findings, starting on that line; every other line must get none. All rules run (opt-in
ones too). A first line `# target: py310` sets the target version (default py312). If
`NAME.fixed.py` sits beside `NAME.py`, `--fix --unsafe-fixes` must produce it, it must
compile, and fixing it again must change nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Set, Tuple

import pytest

from perflint.engine import check_source, fix_source
from perflint.selection import parse_target, select_rules

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("*.py") if not p.name.endswith(".fixed.py"))
EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
TARGET = re.compile(r"#\s*target:\s*(py3\d+)")


def _expectations(text: str) -> Set[Tuple[int, str]]:
    found = set()
    for number, line in enumerate(text.splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found |= {(number, code.strip()) for code in match.group(1).split(",") if code.strip()}
    return found


def _target(text: str) -> Tuple[int, int]:
    match = TARGET.match(text)
    return parse_target(match.group(1)) if match else (3, 12)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_fixture_findings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    target = _target(text)
    rules = select_rules(target, ["PFL"])
    found = {(d.line, d.code) for d in check_source(text, path.name, rules, target)}
    expected = _expectations(text)
    missing: List[Tuple[int, str]] = sorted(expected - found)
    unexpected: List[Tuple[int, str]] = sorted(found - expected)
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_fixture_fixes(path: Path) -> None:
    expected_path = path.with_name(path.stem + ".fixed.py")
    if not expected_path.exists():
        pytest.skip("no .fixed.py beside this fixture")
    text = path.read_text(encoding="utf-8")
    target = _target(text)
    rules = select_rules(target, ["PFL"])
    fixed = fix_source(text, path.name, rules, target, unsafe=True).source
    assert fixed == expected_path.read_text(encoding="utf-8")
    compile(fixed, str(expected_path), "exec")
    assert fix_source(fixed, path.name, rules, target, unsafe=True).source == fixed
