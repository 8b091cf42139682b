"""PFL107 readlines-in-for: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from perflint.analysis.scope import ScopeFacts
from perflint.analysis.shapes import dotted
from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.loops._shared import _comprehension_of, _is_call_of, _receiver


@register
class ReadlinesInFor(Rule):
    """`for line in f.readlines()` reads the whole file into a list before the first
    pass; `for line in f` yields the same lines one at a time, with constant memory and
    the first line available at once.

    The fix is safe when `f` is a file from `open(...)` that the loop does not touch and
    nothing reads after the loop (a `break` would leave the rest unread). For other
    objects it is unsafe: a file-like object may have `readlines()` without being
    iterable; no unsafe fix is offered inside a `try` catching AttributeError or
    TypeError, nor for the `self` of a class with its own `__iter__`. Loops that read,
    seek or write the same object are not reported.
    """

    code = "PFL107"
    name = "readlines-in-for"
    message = "iterate the file directly instead of calling `readlines()`"
    impact = Impact.CONSTANT
    fix = Applicability.SAFE

    bad = (
        Example(
            "def f(path):\n    with open(path) as fp:\n        for line in fp.readlines():\n            print(line)\n",
            "def f(path):\n    with open(path) as fp:\n        for line in fp:\n            print(line)\n",
        ),
        Example(
            "def f(path):\n    return [line.strip() for line in open(path).readlines()]\n",
            "def f(path):\n    return [line.strip() for line in open(path)]\n",
        ),
        Example(  # unsafe: `stream` may not be iterable
            "def f(stream):\n    for line in stream.readlines():\n        print(line)\n",
            "def f(stream):\n    for line in stream:\n        print(line)\n",
        ),
        # A handler catches what a `stream` without `readlines()` raises: no fix.
        Example(
            "def f(stream):\n    try:\n        for line in stream.readlines():\n            print(line)\n"
            "    except AttributeError:\n        print(stream)\n",
            None,
        ),
    )
    good = (
        "def f(fp):\n    for line in fp.readlines():\n        fp.readline()\n",
        "def f(self):\n    for line in self.fp.readlines():\n        self.seek(0)\n",
        "def f(fp):\n    for line in fp.readlines(100):\n        print(line)\n",
        "def f(fp):\n    for line in fp:\n        print(line)\n",
    )

    bench = Bench(
        setup="import io\nstream = io.StringIO('some text on a line\\n' * N)",
        before="def run():\n    stream.seek(0)\n    return sum(len(line) for line in stream.readlines())",
        after="def run():\n    stream.seek(0)\n    return sum(len(line) for line in stream)",
        note="similar speed; the gain is memory (no list of every line)",
    )

    needs = (("def", "for in readlines()"),)

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is None:
            self._check(node.iter, node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        comprehension = _comprehension_of(self.ctx, node)
        if comprehension is not None and node.asynchronous is None:
            self._check(node.iter, comprehension)

    def _check(self, call: cst.BaseExpression, loop: cst.CSTNode) -> None:
        if not (
            isinstance(call, cst.Call)
            and not call.args
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "readlines"
        ):
            return
        function = self.ctx.function()
        if function is None:
            return
        receiver = call.func.value
        applicability = self._applicability(receiver, self.ctx.facts(function), loop)
        if applicability is None:
            return
        depends = applicability is Applicability.UNSAFE and (  # on `readlines()` itself
            self.ctx.is_caught(call, ("AttributeError", "TypeError"), function) or self.ctx.is_self_of_container(receiver)
        )
        self.report(call, fix=None if depends else self.make_fix(Edit(call, replace=_receiver), applicability=applicability))

    def _applicability(self, receiver: cst.BaseExpression, facts: ScopeFacts, loop: cst.CSTNode) -> Optional[Applicability]:
        """How far the fix can be trusted; None if the loop may use the file itself."""
        if self._is_open(receiver):
            return Applicability.SAFE
        parts = dotted(receiver)
        if parts is None:
            return Applicability.UNSAFE if isinstance(receiver, cst.Call) else None
        if facts.uses_in(parts[0], loop):
            return None
        if len(parts) > 1 or not self._opened(parts[0]):
            return Applicability.UNSAFE
        others = [u for u in facts.uses.get(parts[0], ()) if u.node is not receiver and u.method() != "close"]
        return Applicability.UNSAFE if others else Applicability.SAFE

    def _is_open(self, node: Optional[cst.CSTNode]) -> bool:
        return _is_call_of(node, ("open",)) and self.ctx.is_builtin("open")

    def _opened(self, name: str) -> bool:
        """Whether every binding of `name` is `name = open(...)` or `with open(...) as name`."""
        _, found = self.ctx.bindings(name)
        for binding in found:
            value = binding.value
            if binding.kind == "with" and isinstance(binding.statement, cst.With):
                value = next((i.item for i in binding.statement.items if i.asname and i.asname.name is binding.node), None)
            elif binding.kind != "assign":
                return False
            if not self._is_open(value):
                return False
        return bool(found)
