"""Shared test helpers."""

from __future__ import annotations

from typing import Type

from perflint.rule import Rule, Target


def target_for(rule: Type[Rule]) -> Target:
    """A target version the rule applies to (3.12 unless the rule is for older targets)."""
    return (3, 12) if rule.applies_to((3, 12)) else (3, 9)
