"""Fixture files carry their expectations inline.

A line ending in `# expect: PFL101` (or `# expect: PFL101, PFL301`) must get exactly those
findings, starting on that line; every other line must get none. All rules run (opt-in
ones too). `PFL301 [fixed-size]` says the finding is held back from the default report,
and why (`model.Bound`); a finding without a reason in brackets must have none. A first line `# target: py310` sets the target version (default py312). If
`NAME.fixed.py` sits beside `NAME.py`, `--fix --unsafe-fixes` must produce it, it must
compile, and fixing it again must change nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional, Set, Tuple

import pytest

from perflint.catalog import RULES
from perflint.engine.core import check_source, fix_source
from perflint.engine.policy import default_policy
from perflint.engine.runner import Settings, run_source
from perflint.engine.selection import parse_target, select, select_rules

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("*.py") if not p.name.endswith(".fixed.py"))
EXPECT = re.compile(r"#\s*expect:\s*((?:PFL\d+(?:\s*\[[a-z-]+\])?[, ]*)+)")
ITEM = re.compile(r"(PFL\d+)(?:\s*\[([a-z-]+)\])?")
TARGET = re.compile(r"#\s*target:\s*(py3\d+)")


Expected = Tuple[int, str, Optional[str]]  # line, code, why it is held back


def _expectations(text: str) -> Set[Expected]:
    found = set()
    for number, line in enumerate(text.splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found |= {(number, code, bound or None) for code, bound in ITEM.findall(match.group(1))}
    return found


def _target(text: str) -> Tuple[int, int]:
    match = TARGET.match(text)
    return parse_target(match.group(1)) if match else (3, 12)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_fixture_findings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    target = _target(text)
    rules = select_rules(target, ["PFL"])
    found = {
        (d.line, d.code, d.bounded.value if d.bounded else None) for d in check_source(text, path.name, rules, target)
    }
    expected = _expectations(text)
    missing: List[Expected] = sorted(expected - found, key=str)
    unexpected: List[Expected] = sorted(found - expected, key=str)
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_fixture_default_report(path: Path) -> None:
    """Without a selection, a run reports exactly the expected findings of the default
    rules that the policy shows: gated rules (algorithmic, or a large measured gain),
    with no reason in brackets."""
    text = path.read_text(encoding="utf-8")
    target = _target(text)
    policy = default_policy(target, ())
    default = {rule.code for rule in select(target)}
    result, _ = run_source(text, path.name, Settings(select(target), target, policy=policy))
    shown = {(d.line, d.code) for d in result.diagnostics}
    expected = {
        (line, code) for line, code, bound in _expectations(text)
        if code in default and policy.is_gated(code) and bound is None
    }
    assert shown == expected, f"missing: {sorted(expected - shown)}\nunexpected: {sorted(shown - expected)}"
    assert {(d.line, d.code) for d in result.held} | shown == {
        (line, code) for line, code, _ in _expectations(text) if code in default
    }


def test_some_fixture_findings_are_held_back() -> None:
    """The fixtures exercise both sides of the policy, and every rule's impact is known."""
    assert {rule.impact for rule in RULES} == {"algorithmic", "constant"}
    bounds = {bound for path in CASES for _, _, bound in _expectations(path.read_text(encoding="utf-8"))}
    assert {"runs-once", "error-path"} <= bounds


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
