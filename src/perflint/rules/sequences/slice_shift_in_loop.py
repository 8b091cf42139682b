"""PFL314 slice-shift-in-loop: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.growth import (
    fixed_iterable,
    fixed_rebinding,
)
from perflint.analysis.scope import Binding
from perflint.analysis.shapes import annotated_list, is_name
from perflint.model import Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.sequences._shared import _SEQUENCE_METHODS, _int_value, _self_assignment, _sole_slice


def _is_shift(name: str, value: cst.BaseExpression | None) -> bool:
    """`name[k:]` for a start that is not negative (`name[-k:]` keeps a tail instead)."""
    if not (isinstance(value, cst.Subscript) and is_name(value.value, name)):
        return False
    found = _sole_slice(value)
    if not isinstance(found, cst.Slice) or found.upper is not None or found.step is not None:
        return False
    start = found.lower
    if start is None or (isinstance(start, cst.UnaryOperation) and isinstance(start.operator, cst.Minus)):
        return False
    literal = _int_value(start)
    return literal is None or literal > 0


@register
class SliceShiftInLoop(Rule):
    """`xs = xs[1:]` copies all remaining elements to drop the first one, so consuming a
    sequence this way is quadratic (2,000 items: about 30x slower than `deque.popleft()`).
    Keep an index into the sequence, use `collections.deque.popleft()`, or for bytes a
    `memoryview` (slicing it copies nothing).

    Flagged only where `xs` carries over between turns: not when the loop rebinds it
    otherwise (a `for` target, `name = item`), nor when a `break`/`return` follows. A
    slice of a memoryview or NumPy array is a view, not a copy: `xs` bound to one is not
    flagged, nor is a parameter that the function never uses as a str, bytes or list
    and that is not annotated as a list (`tokens: list`).
    """

    code = "PFL314"
    name = "slice-shift-in-loop"
    message = "shifting with `xs = xs[1:]` copies the rest each turn: keep an index or use a deque"
    impact = Impact.ALGORITHMIC

    bad = (
        Example(
            "def f(items):\n    xs = list(items)\n    total = 0\n    while xs:\n        total += xs[0]\n"
            "        xs = xs[1:]\n    return total\n"
        ),
        Example(
            "def parse(stream):\n    data = stream.read()\n    while len(data) >= 4:\n"
            "        size = int.from_bytes(data[:4], 'big')\n        data = data[4 + size:]\n"
        ),
        Example("def unquote(s):\n    while s.startswith('>'):\n        s = s[1:]\n    return s\n"),
        Example(  # a parameter annotated as a list: its slices are copies
            "def parse(tokens: list):\n    out = []\n    while tokens:\n        out.append(tokens[0])\n"
            "        tokens = tokens[1:]\n    return out\n"
        ),
        Example("import typing\n\ndef f(xs: typing.List[int]):\n    while xs:\n        xs = xs[2:]\n"),
    )
    good = (
        "def f(lines):\n    for line in lines:\n        if line.startswith('#'):\n            line = line[1:]\n        print(line)\n",
        "def f(items):\n    for item in items:\n        name = item.name\n        if name[0] == '_':\n            name = name[1:]\n",
        "def f(xs, n):\n    while True:\n        xs = xs[-n:]\n",  # keeps a window, no shift
        "def f(args):\n    for a in args:\n        if a == '--':\n            args = args[1:]\n            break\n",
        "def f(xs):\n    i = 0\n    while i < len(xs):\n        i += 1\n",
        # slices of a memoryview (or a parameter of unknown type) copy nothing
        (
            "def send(sock, data):\n    view = memoryview(data)\n    while view:\n"
            "        n = sock.send(view)\n        view = view[n:]\n"
        ),
        "def send(sock, buf):\n    while buf:\n        buf = buf[sock.send(buf):]\n",
        "xs = list(range(5))\nwhile xs:\n    xs = xs[1:]\n",  # module level
    )

    bench = Bench(
        setup="data = list(range(N))",
        before=(
            "def run():\n    xs = list(data)\n    total = 0\n    while xs:\n"
            "        total += xs[0]\n        xs = xs[1:]\n    return total"
        ),
        after=(
            "import collections\n\ndef run():\n    xs = collections.deque(data)\n    total = 0\n"
            "    while xs:\n        total += xs.popleft()\n    return total"
        ),
        size=2_000,
    )

    # `x = x[n:]` where `x` is bound to something else too, or is used as a str, bytes or list.
    needs = (("def", "loop valued = [n:]"), ("def", "loop list = [n:]")) + tuple(
        ("def", f"loop .{method}() = [n:]") for method in sorted(_SEQUENCE_METHODS)
    )

    def visit_Assign(self, node: cst.Assign) -> None:
        name = _self_assignment(node)
        if name is None or not _is_shift(name, node.value):
            return
        if not self.ctx.in_function_loop() or self.ctx.leaves_loop_after():
            return
        loop = self.ctx.loops()[0]
        scope, bindings = self.ctx.bindings(name)
        others = [b for b in bindings if not (b.kind == "assign" and _is_shift(name, b.value))]
        if scope is None or any(b.statement is loop or any(lp is loop for lp in b.loops) for b in others):
            return  # rebound otherwise in the loop: not carried over between turns
        values = [b.value for b in others if b.value is not None]
        if any(_may_be_view(self.ctx, value) for value in values):
            return
        if not values and not (
            _is_list_parameter(scope, name, others)
            or any(u.method() in _SEQUENCE_METHODS for u in self.ctx.facts(scope).uses.get(name, ()))
        ):
            return  # a parameter (or loop target) of unknown type: may be a memoryview
        small = bool(values) and all(fixed_iterable(self.ctx, value) for value in values)
        fresh = {id(b) for b in others}
        shifts = fixed_rebinding(self.ctx, scope, name, self.ctx.loops(), lambda b: id(b) not in fresh)
        self.report(node, fixed_size=small or shifts)


def _is_list_parameter(scope: cst.CSTNode, name: str, bindings: Sequence[Binding]) -> bool:
    """Whether `name` is a parameter annotated as a list (`tokens: list`) and only that:
    its slices are copies."""
    return (
        isinstance(scope, cst.FunctionDef)
        and annotated_list(scope, name)
        and all(b.kind == "param" for b in bindings)
    )


def _may_be_view(ctx: FileContext, value: cst.BaseExpression) -> bool:
    """A value built by `memoryview(...)` or a NumPy call (their slices copy nothing)."""
    node: cst.BaseExpression = value
    while isinstance(node, (cst.Call, cst.Attribute, cst.Subscript)):
        if isinstance(node, cst.Call):
            if is_name(node.func, "memoryview"):
                return True
            if (ctx.qualified_name(node.func) or "").startswith("numpy."):
                return True
            node = node.func
        else:
            node = node.value
    return False
