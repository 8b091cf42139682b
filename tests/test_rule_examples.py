"""Every rule's own examples are tests: bad code is flagged (and fixed as shown), good
code is not. (The timing pairs are checked in test_bench.py.)"""

from __future__ import annotations

from typing import Any, List, Tuple, Type

import pytest
from conftest import target_for

from perflint.engine.core import check_source, fix_source
from perflint.model import Applicability, Example
from perflint.rules.base import Rule, all_rules

RULES = all_rules()


def _bad_cases() -> List[Tuple[Type[Rule], Example]]:
    return [(rule, example) for rule in RULES for example in rule.bad]


def _good_cases() -> List[Tuple[Type[Rule], str]]:
    return [(rule, code) for rule in RULES for code in rule.good]


def _id(case: Tuple[Type[Rule], Any]) -> str:
    return case[0].code


@pytest.mark.parametrize("case", _bad_cases(), ids=_id)
def test_bad_example_is_flagged_and_fixed(case: Tuple[Type[Rule], Example]) -> None:
    rule, example = case
    target = target_for(rule)
    found = [d for d in check_source(example.code, "example.py", [rule], target) if d.code == rule.code]
    assert found, f"{rule.code} missed:\n{example.code}"
    assert {d.bounded for d in found} == {example.bounded}, "held back for another reason than the example says"
    fixed = fix_source(example.code, "example.py", [rule], target, unsafe=True).source
    expected = example.code if example.fixed is None else example.fixed
    assert fixed == expected
    compile(fixed, "fixed.py", "exec")
    assert fix_source(fixed, "example.py", [rule], target, unsafe=True).source == fixed, "fix does not converge"


@pytest.mark.parametrize("case", _good_cases(), ids=_id)
def test_good_example_is_not_flagged(case: Tuple[Type[Rule], str]) -> None:
    rule, code = case
    found = check_source(code, "example.py", [rule], target_for(rule))
    assert not found, f"{rule.code} fired on good code:\n{code}\n{found}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented(rule: Type[Rule]) -> None:
    assert rule.code.startswith("PFL") and len(rule.code) == 6
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.doc() and rule.message
    assert rule.bad and rule.good, "a rule needs bad and good examples"
    if rule.fix is not Applicability.NONE:
        assert any(e.fixed is not None for e in rule.bad), "a fixable rule needs a fixed example"
    assert rule.bench is not None, "a rule needs a before/after timing pair"
