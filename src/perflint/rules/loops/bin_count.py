"""PFL110 bin-count: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.shapes import annotated_as
from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.loops._shared import _is_call_of

# Builtins that return an int.
_INT_BUILTINS = ("len", "int", "ord", "hash")
# What may stand before `.bit_count()` without parentheses.
_ATOMS = (cst.Name, cst.Attribute, cst.Call, cst.Subscript)


@register
class BinCount(Rule):
    """`bin(x).count("1")` formats `x` as a string of binary digits only to count the ones;
    `int.bit_count()` (Python 3.10 and later) counts them on the number itself (its bench
    pair: 3.82x on CPython 3.10, 4.49x on 3.11, 5.48x on 3.12, 3.34x on 3.13). Both count the ones of
    the absolute value, so a negative `x` gives the same result. Only reported for a target
    of 3.10 or later, where `bit_count` exists, and not in a file that mentions
    `bit_count` (there the `bin` form is the fallback for older interpreters).

    The fix is safe where `x` is visibly an int (an int literal, `len(...)`, `int(...)`,
    `ord(...)`, a local bound only to those, or a parameter annotated `int`). Elsewhere it
    is unsafe: `bin()` accepts any object with `__index__`, and such an object that is not
    an int (a NumPy integer scalar of an older NumPy, for one) may have no `bit_count`.
    """

    code = "PFL110"
    name = "bin-count"
    message = "count the set bits with `int.bit_count()` instead of `bin(x).count(\"1\")`"
    impact = Impact.CONSTANT
    fix = Applicability.SAFE
    min_target = (3, 10)
    availability = "target >= 3.10"

    bad = (
        Example(
            "def f(xs):\n    n = len(xs)\n    return bin(n).count('1')\n",
            "def f(xs):\n    n = len(xs)\n    return n.bit_count()\n",
        ),
        Example(  # unsafe: `mask` may be an object with `__index__` but no `bit_count`
            "def f(mask):\n    return bin(mask).count(\"1\")\n",
            "def f(mask):\n    return mask.bit_count()\n",
        ),
        Example(
            "def f(a: int, b: int):\n    return bin(a ^ b)[2:].count('1')\n",
            "def f(a: int, b: int):\n    return (a ^ b).bit_count()\n",
        ),
        Example("def f():\n    return bin(255).count('1')\n", "def f():\n    return (255).bit_count()\n"),
    )
    good = (
        "def f(x):\n    return x.bit_count()\n",
        "def f(x):\n    return bin(x).count('0')\n",
        "def f(x):\n    return bin(x)[3:].count('1')\n",
        "def f(x):\n    return bin(x).count('1', 2)\n",
        "def f(x):\n    bin = str\n    return bin(x).count('1')\n",
        "popcount = getattr(int, 'bit_count', lambda x: bin(x).count('1'))\n",
    )

    bench = Bench(
        setup="xs = list(range(N))",
        before="def run():\n    return sum(bin(x).count('1') for x in xs)",
        after="def run():\n    return sum(x.bit_count() for x in xs)",
    )

    _mentions: Optional[bool] = None

    needs = (("call bin", "call count"),)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "count" and len(node.args) == 1):
            return
        arg = node.args[0]
        if arg.keyword is not None or arg.star or not isinstance(arg.value, cst.SimpleString):
            return
        if arg.value.evaluated_value != "1":
            return
        number = _binned(func.value)
        if number is None or not self.ctx.is_builtin("bin") or self._knows_bit_count():
            return
        known = _is_int(self.ctx, number)
        fix = self.make_fix(Edit(node, replace=_bit_count), applicability=None if known else Applicability.UNSAFE)
        self.report(node, fix=fix)

    def _knows_bit_count(self) -> bool:
        """Whether the file mentions `bit_count` already: then `bin(x).count("1")` is the
        fallback for interpreters without it (`getattr(int, "bit_count", lambda x: ...)`)."""
        if self._mentions is None:
            self._mentions = "bit_count" in self.ctx.module.code
        return self._mentions


def _bin_call(expr: cst.BaseExpression) -> Optional[cst.Call]:
    """`bin(x)` itself, or the `bin(x)` of `bin(x)[2:]` (the `0b` prefix has no ones)."""
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1:
        piece = expr.slice[0].slice
        if not (
            isinstance(piece, cst.Slice) and isinstance(piece.lower, cst.Integer) and piece.lower.value == "2"
            and piece.upper is None and piece.step is None
        ):
            return None
        expr = expr.value
    if _is_call_of(expr, ("bin",)) and len(expr.args) == 1 and not expr.args[0].star and expr.args[0].keyword is None:  # type: ignore[attr-defined]
        return expr  # type: ignore[return-value]
    return None


def _binned(expr: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    call = _bin_call(expr)
    return None if call is None else call.args[0].value


def _int_value(ctx: FileContext, value: Optional[cst.BaseExpression]) -> bool:
    """An int literal or a call of a builtin that returns an int."""
    if isinstance(value, cst.Integer):
        return True
    return _is_call_of(value, _INT_BUILTINS) and ctx.is_builtin(value.func.value)  # type: ignore[union-attr]


def _is_int(ctx: FileContext, number: cst.BaseExpression) -> bool:
    """Whether `number` is visibly an int: an int value, or a local bound only to int
    values (or a parameter annotated `int`)."""
    if not isinstance(number, cst.Name):
        return _int_value(ctx, number)
    scope, bindings = ctx.bindings(number.value)
    if not isinstance(scope, cst.FunctionDef) or not bindings or ctx.facts(scope).is_shared(number.value):
        return False
    for binding in bindings:
        if binding.kind == "param":
            if not annotated_as(scope, number.value, ("int",)):
                return False
        elif binding.kind not in ("assign", "annassign") or not _int_value(ctx, binding.value):
            return False
    return True


def _bit_count(updated: cst.CSTNode) -> cst.CSTNode:
    """`bin(x).count("1")` -> `x.bit_count()`, parenthesizing `x` unless it is an atom."""
    call = _bin_call(updated.func.value)  # type: ignore[attr-defined]
    assert call is not None
    number = call.args[0].value
    if not isinstance(number, _ATOMS) and not number.lpar:
        number = number.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.Call(cst.Attribute(number, cst.Name("bit_count")), lpar=updated.lpar, rpar=updated.rpar)  # type: ignore[attr-defined]
