"""Shared test helpers."""

from __future__ import annotations

from typing import Type

import pytest

from perflint import speedups
from perflint.rule import Rule, Target


def target_for(rule: Type[Rule]) -> Target:
    """A target version the rule applies to (3.12 unless the rule is for older targets)."""
    return (3, 12) if rule.applies_to((3, 12)) else (3, 9)


REAL_PAYS = speedups.pays


@pytest.fixture(autouse=True)
def fixes_pay_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Examples and fixtures show what a rule can flag. Whether a fix pays on a target
    (`speedups.pays`, read from stored timings that every new measurement changes) is
    tested on its own with figures the test sets (tests/test_speedups.py)."""
    monkeypatch.setattr(speedups, "pays", lambda rule, case, target: True)
