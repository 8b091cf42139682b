"""The fact pass triage judges regions by: what it finds, and what it must not."""

from __future__ import annotations

import ast

import pytest

from perflint.analysis.facts import Facts
from perflint.engine.triage import imports


def facts(code: str) -> set:
    tree = ast.parse(code)
    return Facts(imports(tree)).scan(tree)


@pytest.mark.parametrize(
    ("code", "fact"),
    [
        ("def f(xs):\n    out = []\n    for x in xs:\n        out.pop(0)\n", "loop list.pop(0)"),
        ("def f(xs: list):\n    while xs:\n        xs.pop(0)\n", "loop list.pop(0)"),
        ("def f(xs):\n    ys = xs[1:]\n    while ys:\n        ys.insert(0, 1)\n", "loop slice.insert(0)"),
        ("def f(xs, seen):\n    seen = []\n    return [x for x in xs if x in seen]\n", "loop list tested"),
        ("import numpy as np\ndef f(n):\n    a = np.zeros(n)\n    for x in a:\n        pass\n", "loop array iterated"),
        ("from re import search as s\ndef f(xs):\n    for x in xs:\n        s('a', x)\n", "loop call re.search"),
        ("import re\nfind = re.search\ndef f(xs):\n    for x in xs:\n        find('a', x)\n", "loop call re.search"),
        ("def f(d):\n    for k in d.keys():\n        print(d[k])\n", "loop key lookup"),
        ("def f(xs):\n    for i in range(len(xs)):\n        print(xs[i])\n", "loop index lookup"),
        ("class C:\n    def f(self, xs):\n        self.s = ''\n        for x in xs:\n            self.s += x\n", "loop shared str +="),
        ("def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n", "recursive"),
        ("from functools import lru_cache as memo\n@memo\ndef f():\n    pass\n", "@functools.lru_cache"),
        ("def f(s):\n    while s:\n        s.startswith('a')\n        s = s[1:]\n", "loop .startswith() = [n:]"),
        ("def f(d):\n    return [v for k, v in d.items() if v]\n", "loop for a, b in items(), one unused"),
        ("def f(xs):\n    for i, (a, b) in enumerate(xs):\n        print(a, b)\n", "loop for a, b in enumerate(), one unused"),
        ("def f(xs):\n    return {k: v for k, v in xs}\n", "identity comprehension"),
    ],
)
def test_found(code: str, fact: str) -> None:
    assert fact in facts(code)


@pytest.mark.parametrize(
    ("code", "fact"),
    [
        # a membership test in a name never bound to a list, outside a loop, or in a loop's header
        ("def f(xs, seen):\n    for x in xs:\n        if x in seen:\n            pass\n", "loop list tested"),
        ("def f(x):\n    out = []\n    return x in out\n", "loop list tested"),
        ("def f(xs):\n    out = []\n    for x in out:\n        pass\n", "loop list tested"),
        # a negative or missing start is no shift; a local counter is no string
        ("def f(s):\n    while s:\n        s = s[-1:]\n", "loop valued = [n:]"),
        ("def f(xs):\n    n = 0\n    for x in xs:\n        n += 1\n", "loop str +="),
        # one call of itself is no tree recursion; a decorated def is left alone
        ("def f(n):\n    return f(n - 1)\n", "recursive"),
        ("@cache\ndef f(n):\n    return f(n - 1) + f(n - 2)\n", "recursive"),
        # both parts of the target read; a filtered comprehension is no copy
        ("def f(d):\n    for k, v in d.items():\n        print(k, v)\n", "loop for a, b in items(), one unused"),
        ("def f(xs):\n    return [x for x in xs if x]\n", "identity comprehension"),
    ],
)
def test_not_found(code: str, fact: str) -> None:
    assert fact not in facts(code)


def test_class_members_share_kinds() -> None:
    """What `__init__` sets an attribute to is known in every method (triage shares kinds)."""
    from perflint.engine.triage import triage
    from perflint.rules.base import all_rules

    code = (
        "class C:\n    def __init__(self):\n        self.s = ''\n\n"
        "    def add(self, xs):\n        for x in xs:\n            self.s += x\n"
    )
    rules = [rule for rule in all_rules() if rule.code == "PFL201"]
    assert triage(code, rules).text == code
