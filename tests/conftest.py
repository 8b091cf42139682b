"""Shared test helpers."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, Type

import pytest

from perflint.measure import speedups
from perflint.rules.base import Rule, Target


def target_for(rule: Type[Rule]) -> Target:
    """A target version the rule applies to (3.12 unless the rule is for older targets)."""
    return (3, 12) if rule.applies_to((3, 12)) else (3, 9)


ROOT = Path(__file__).resolve().parent.parent


def load_script(name: str) -> Any:
    """A script of `scripts/` as a module (they are not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REAL_PAYS = speedups.pays


@pytest.fixture(autouse=True)
def fixes_pay_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Examples and fixtures show what a rule can flag. Whether a fix pays on a target
    (`speedups.pays`, read from stored timings that every new measurement changes) is
    tested on its own with figures the test sets (tests/test_speedups.py)."""
    monkeypatch.setattr(speedups, "pays", lambda rule, case, target: True)
