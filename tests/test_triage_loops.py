"""Shapes the triage conditions of PFL101-PFL107 and PFL701-PFL704 must still accept:
each is flagged by its rule alone, with triage as without it."""

from __future__ import annotations

from typing import List, Tuple

import pytest

from perflint.engine import core, statements, triage
from perflint.rules.base import all_rules

RULES = {rule.code: rule for rule in all_rules()}

CASES: List[Tuple[str, str]] = [
    ("PFL101", "import os.path as osp\n\ndef f(xs, out):\n    for x in xs:\n        out.append(osp .  join('a', x))\n"),
    ("PFL101", "import math\n\ndef f(xs):\n    return [(math  # the module\n             .floor)(x) for x in xs]\n"),
    ("PFL101", "from os import path\n\ndef f(xs, out):\n    for x in xs:\n        out.append(path.basename(\n            x))\n"),
    ("PFL101", "def f(xs, out):\n    import operator as op\n    while xs:\n        out.append(op.neg(xs.pop()))\n"),
    ("PFL104", "def f():\n    xs = [1]\n    for x in(list(xs)):\n        print(x)\n"),
    ("PFL104", "def f():\n    xs = [1]\n    for x in \\\n            tuple(  # a copy\n                xs):\n        print(x)\n"),
    ("PFL105", "def f(d):\n    for (k,  # the key\n         v) in d.items(\n    ):\n        print(v)\n"),
    ("PFL105", "class C:\n    def f(self, d):\n        return [v for [k, v] in d . items() if v]\n"),
    ("PFL106", "def f(xs):\n    for i in range(  # every index\n            len(xs)):\n        print(xs[ (i) ])\n"),
    ("PFL107", "def f(fp):\n    for line in fp.readlines(\n    ):\n        print(line)\n"),
    ("PFL701", "import re\nsearch = re.search\n\ndef f(xs):\n    for x in xs:\n        print(search('a', x))\n"),
    ("PFL701", "from re import match\n\ndef f(xs):\n    return [match(r'a+', x) for x in xs]\n"),
    ("PFL701", "import re as regex\n\ndef f(xs):\n    while xs:\n        print(regex\\\n              .sub('a', 'b', xs.pop()))\n"),
    ("PFL703", "import time\nsleep = time.sleep\n\nasync def f():\n    sleep(1)\n"),
    ("PFL703", "import urllib.request\n\nasync  def f(url):\n    return urllib.request.urlopen(url)\n"),
    ("PFL703", "class C:\n    async def f(self, path):\n        return open (path).read()\n"),
    ("PFL704", "import io\nB = io.BytesIO\n\ndef f(xs):\n    b = B()\n    for x in xs:\n        b.write(x)\n    return b\n"),
    ("PFL704", "from io import BytesIO as B\n\ndef f(xs):\n    b = B()\n    for x in xs:\n        b.write(\n            x,\n        )\n    return b\n"),
]


def _found(code: str, rule: str, reduce: bool) -> List[Tuple[int, int, str]]:
    saved = core.triage
    if not reduce:
        core.triage = lambda t, r: triage.Triage(t, statements.anchors(t), r)  # type: ignore[assignment]
    try:
        return sorted((d.line, d.column, d.code) for d in core.check_source(code, "t.py", [RULES[rule]], (3, 12)))
    finally:
        core.triage = saved


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0])
def test_triage_keeps_the_shape(case: Tuple[str, str]) -> None:
    rule, code = case
    found = _found(code, rule, reduce=True)
    assert found == _found(code, rule, reduce=False)
    assert [c for _, _, c in found if c == rule], f"{rule} not flagged:\n{code}"
