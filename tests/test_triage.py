"""Triage must never change what perflint reports: it only skips work.

Every fixture and every rule example gives the same findings with and without it, and
the cases where one function's meaning depends on another (a `global` rebinding, a
class whose other methods set an attribute) are covered explicitly.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Sequence, Set, Tuple, Type

import pytest

from perflint.engine import core, statements, triage
from perflint.engine.selection import select_rules
from perflint.rules.base import Rule, all_rules

FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures").glob("*.py") if not p.name.endswith(".fixed.py"))
ALL = select_rules((3, 12), ["PFL"])
Found = Set[Tuple[int, int, str]]


def _found(text: str, rules: Sequence[Type[Rule]] = ALL, target: Tuple[int, int] = (3, 12)) -> Found:
    return {(d.line, d.column, d.code) for d in core.check_source(text, "t.py", rules, target)}


def _without_triage(monkeypatch: pytest.MonkeyPatch, text: str, **kwargs: object) -> Found:
    with monkeypatch.context() as patch:
        patch.setattr(core, "triage", lambda t, r: triage.Triage(t, statements.anchors(t), r))
        return _found(text, **kwargs)  # type: ignore[arg-type]


def _examples() -> List[Tuple[Type[Rule], str]]:
    return [(r, e.code) for r in all_rules() for e in r.bad] + [(r, code) for r in all_rules() for code in r.good]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_findings_do_not_depend_on_triage(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    assert _found(text) == _without_triage(monkeypatch, text)


@pytest.mark.parametrize("case", _examples(), ids=lambda case: case[0].code)
def test_example_findings_do_not_depend_on_triage(case: Tuple[Type[Rule], str], monkeypatch: pytest.MonkeyPatch) -> None:
    rule, code = case
    target = (3, 12) if rule.applies_to((3, 12)) else (3, 9)
    assert _found(code, [rule], target) == _without_triage(monkeypatch, code, rules=[rule], target=target)


GLOBAL_REBOUND = '''\
SCALE = 3

def _init():
    global SCALE
    SCALE = 4

def scaled(xs):
    return [x * SCALE for x in xs]
'''


@pytest.mark.parametrize("statement", ["    global SCALE\n", "    if True: global SCALE\n", "    x = 1; global SCALE\n"])
def test_a_function_rebinding_a_global_is_kept(statement: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = GLOBAL_REBOUND.replace("    global SCALE\n", statement)
    rules = select_rules((3, 12), ["PFL102"])
    assert _found(text, rules) == _without_triage(monkeypatch, text, rules=rules) == set()
    assert _found(text.replace("global", "pass  #"), rules)  # the rebinding is what stops it


def test_stubs_keep_every_line_in_place() -> None:
    text = 'import os\n"""doc"""\n\ndef quiet(x):\n    return x + 1\n\nclass C:\n    def m(self):\n        if k in self.d.keys():\n            pass\n\n    def n(self):\n        return 2\n'
    reduced = triage.triage(text, select_rules((3, 12), ["PFL310"]))
    assert reduced.text is not None
    old, new = text.splitlines(), reduced.text.splitlines()
    assert len(old) == len(new)
    assert new[7:10] == old[7:10]  # the method that can hold a finding is untouched
    assert "return x + 1" not in reduced.text and "return 2" not in reduced.text


def test_a_file_no_rule_can_fire_in_is_not_parsed_by_libcst(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(text: str) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(core, "parse", fail)
    assert core.check_source("def f(x):\n    return x\n", "t.py", ALL, (3, 12)) == []


def test_a_syntax_error_is_reported_whatever_the_rules() -> None:
    with pytest.raises(core.AnalysisError):
        core.check_source("def f(:\n    pass\n", "t.py", select_rules((3, 12), ["PFL310"]), (3, 12))


def test_a_form_feed_does_not_shift_the_stubs(monkeypatch: pytest.MonkeyPatch) -> None:
    """`ast` ends lines at newlines only; a form feed (common before a def) is not one."""
    text = "import os\n\x0c\ndef quiet(x):\n    return x\n\x0c# section\ndef slow(d, ks):\n    for k in ks:\n        if k in d.keys():\n            pass\n"
    reduced = triage.triage(text, ALL)
    assert reduced.text is not None and "return x" not in reduced.text
    assert len(reduced.text.split("\n")) == len(text.split("\n"))
    assert _found(text) == _without_triage(monkeypatch, text) == {(8, 11, "PFL310")}
