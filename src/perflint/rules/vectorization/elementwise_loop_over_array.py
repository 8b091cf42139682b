"""PFL601 elementwise-loop-over-array: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set, Union

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.growth import fixed_iterations
from perflint.model import Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.vectorization._shared import ARRAY, _builtin_call, expr_kind, name_kind

# -- PFL601 -------------------------------------------------------------------------------

_COMPARISONS = (
    cst.LessThan, cst.GreaterThan, cst.LessThanEqual, cst.GreaterThanEqual, cst.Equal, cst.NotEqual
)
_REDUCTIONS = (cst.AddAssign, cst.SubtractAssign, cst.MultiplyAssign)


class _Elementwise:
    """Checks that a loop body is whole-array arithmetic written one element at a time.

    Allowed: numbers, loop-invariant names and attributes that are not known arrays (a
    whole array in the body makes each iteration a vector operation, not an element
    one), the loop's elements, `a[i]` for an array `a` and the loop index `i`,
    arithmetic, comparisons, conditional expressions and calls of `math`/`numpy`
    functions on such values. Statements:
    `t = E`, `out[i] = E`, `out[i] op= E`, `acc += E` (a reduction) and `out.append(E)`.
    Anything carried from one iteration to the next (a temporary read before it is set, an
    accumulator read in the body, `a[i - 1]`) makes it sequential: not flagged.
    """

    def __init__(self, ctx: FileContext, index: Optional[str], elements: Set[str]) -> None:
        self.ctx = ctx
        self.index = index
        self.elements = set(elements)  # the loop's own elements
        self.values = set(elements)  # names holding per-element values (elements, temporaries)
        self.blocked: Set[str] = set()  # names that must not be read (carried across iterations)
        self.touched = False  # saw an element of an array
        self._arrays: Dict[str, bool] = {}

    def _is_array(self, name: str) -> bool:
        if name not in self._arrays:
            self._arrays[name] = name_kind(self.ctx, name) == ARRAY
        return self._arrays[name]

    def _indexed(self, node: cst.Subscript) -> Optional[str]:
        """`a` if `node` is `a[i]` with the loop index `i`."""
        if self.index is None or not isinstance(node.value, cst.Name) or len(node.slice) != 1:
            return None
        sl = node.slice[0].slice
        if isinstance(sl, cst.Index) and isinstance(sl.value, cst.Name) and sl.value.value == self.index:
            return node.value.value
        return None

    def expr(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
            return True
        if isinstance(node, cst.Name):
            if node.value in self.blocked:
                return False
            self.touched |= node.value in self.elements
            return node.value in self.values or node.value == self.index or not self._is_array(node.value)
        if isinstance(node, cst.Attribute):
            base = node.value
            if not isinstance(base, cst.Name) or base.value in self.blocked | self.values:
                return False
            return not self._is_array(base.value)
        if isinstance(node, cst.Subscript):
            array = self._indexed(node)
            if array is None or array in self.blocked or not self._is_array(array):
                return False
            self.touched = True
            return True
        if isinstance(node, cst.BinaryOperation):
            matrix = isinstance(node.operator, cst.MatrixMultiply)
            return not matrix and self.expr(node.left) and self.expr(node.right)
        if isinstance(node, cst.UnaryOperation):
            return not isinstance(node.operator, cst.Not) and self.expr(node.expression)
        if isinstance(node, cst.Comparison):
            return self.expr(node.left) and all(
                isinstance(t.operator, _COMPARISONS) and self.expr(t.comparator) for t in node.comparisons
            )
        if isinstance(node, cst.IfExp):
            return self.expr(node.test) and self.expr(node.body) and self.expr(node.orelse)
        if isinstance(node, cst.Call):
            return self._call(node)
        return False

    def _call(self, node: cst.Call) -> bool:
        if not node.args or any(a.keyword is not None or a.star for a in node.args):
            return False
        if not isinstance(node.func, (cst.Name, cst.Attribute)):
            return False
        if isinstance(node.func, cst.Name) and node.func.value == "abs":
            if self.ctx.bindings("abs")[0] is not None:
                return False
        else:
            name = self.ctx.callee_name(node.func) or ""
            if not name.startswith(("math.", "numpy.")):
                return False
        return all(self.expr(a.value) for a in node.args)

    def body(self, statements: Sequence[cst.BaseStatement]) -> bool:
        smalls: List[cst.BaseSmallStatement] = []
        for line in statements:
            if not isinstance(line, cst.SimpleStatementLine):
                return False
            smalls.extend(line.body)
        assigned = [s.targets[0].target for s in smalls if isinstance(s, cst.Assign) and len(s.targets) == 1]
        self.blocked |= {t.value for t in assigned if isinstance(t, cst.Name)}
        augmented = [s.target for s in smalls if isinstance(s, cst.AugAssign)]
        self.blocked |= {t.value for t in augmented if isinstance(t, cst.Name)}
        if self.blocked & (self.values | {self.index}):
            return False
        return all(self._statement(s) for s in smalls) and self.touched

    def _statement(self, node: cst.BaseSmallStatement) -> bool:
        if isinstance(node, cst.Assign) and len(node.targets) == 1:
            target = node.targets[0].target
            if not self.expr(node.value):
                return False
            if isinstance(target, cst.Name):  # a temporary: readable from here on
                self.blocked.discard(target.value)
                self.values.add(target.value)
                return True
            return isinstance(target, cst.Subscript) and self._target(target)
        if isinstance(node, cst.AugAssign):
            if isinstance(node.target, cst.Name):
                return isinstance(node.operator, _REDUCTIONS) and self.expr(node.value)
            target = node.target
            return isinstance(target, cst.Subscript) and self._target(target) and self.expr(node.value)
        if isinstance(node, cst.Expr) and isinstance(node.value, cst.Call):
            call = node.value
            return (
                isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "append"
                and isinstance(call.func.value, cst.Name)
                and call.func.value.value not in self.values | self.blocked
                and len(call.args) == 1
                and call.args[0].keyword is None
                and not call.args[0].star
                and self.expr(call.args[0].value)
            )
        return False

    def _target(self, node: cst.Subscript) -> bool:
        """`out[i] = ...`: a store at the loop index into a name that is not read."""
        if self.index is None or not isinstance(node.value, cst.Name) or len(node.slice) != 1:
            return False
        sl = node.slice[0].slice
        return (
            isinstance(sl, cst.Index)
            and isinstance(sl.value, cst.Name)
            and sl.value.value == self.index
            and node.value.value not in self.values | {self.index}
        )


def _names(target: cst.BaseExpression) -> Optional[List[str]]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        names = [e.value.value for e in target.elements if isinstance(e.value, cst.Name)]
        return names if len(names) == len(target.elements) else None
    return None


def _iteration(
    ctx: FileContext, target: cst.BaseExpression, iterable: cst.BaseExpression
) -> Optional[_Elementwise]:
    """The checker for a loop `for target in iterable` over arrays, if it is one."""
    names = _names(target)
    if names is None:
        return None
    call = _builtin_call(ctx, iterable, ("range", "zip", "enumerate"))
    if call is None:
        if len(names) == 1 and expr_kind(ctx, iterable) == ARRAY:
            return _Elementwise(ctx, None, set(names))
        return None
    func = call.func.value  # type: ignore[attr-defined]
    args = [a.value for a in call.args]
    if func == "range" and len(args) == 1 and len(names) == 1:
        return _Elementwise(ctx, names[0], set())
    if func == "enumerate" and len(args) == 1 and len(names) == 2 and expr_kind(ctx, args[0]) == ARRAY:
        return _Elementwise(ctx, names[0], {names[1]})
    if func == "zip" and len(args) == len(names) > 1 and all(expr_kind(ctx, a) == ARRAY for a in args):
        return _Elementwise(ctx, None, set(names))
    return None


Comprehension = Union[cst.ListComp, cst.SetComp, cst.GeneratorExp]


@register
class ElementwiseLoopOverArray(Rule):
    """A Python loop over a NumPy array boxes every element into a Python object and runs
    the arithmetic in the interpreter. The same operation on the whole array runs in C
    (`a * b`, `arr.sum()`, `np.sqrt(arr)`, `np.where(...)`): measured on 10,000 floats,
    `[a[i] * b[i] for i in range(len(a))]` is about 400 times slower than `a * b`, and
    still 11 times slower than `(a * b).tolist()` when a list is what is needed.

    Flagged only when the loop body is plain arithmetic on elements of arrays the scope
    shows (no carried state such as `out[i - 1]` or a running value read in the body), so
    the vectorized form exists. No fix: the right spelling depends on shapes and dtypes.
    """

    code = "PFL601"
    name = "elementwise-loop-over-array"
    message = "element-by-element loop over a NumPy array: use a vectorized expression"
    impact = Impact.CONSTANT

    bad = (
        Example(
            "import numpy as np\n\ndef f(n):\n    a = np.arange(n)\n    b = np.ones(n)\n"
            "    return [a[i] * b[i] for i in range(len(a))]\n"
        ),
        Example(
            "import numpy as np\n\ndef f(arr: np.ndarray):\n    total = 0\n    for x in arr:\n"
            "        total += x\n    return total\n"
        ),
        Example(
            "import numpy\n\ndef f(x, y):\n    x = numpy.asarray(x)\n    y = numpy.asarray(y)\n"
            "    out = numpy.empty(len(x))\n    for i in range(len(x)):\n        d = x[i] - y[i]\n"
            "        out[i] = d * d\n    return out\n"
        ),
        Example(
            "from numpy import linspace\nimport math\n\ndef f():\n    xs = linspace(0, 1, 100)\n"
            "    ys = linspace(1, 2, 100)\n    return [math.sqrt(x * y) for x, y in zip(xs, ys)]\n"
        ),
        # A header and a subscript spread over lines, with comments.
        Example(
            "import numpy as np\n\ndef f(n):\n    a = np.ones(n)\n    return [\n        a[  # one element\n"
            "            i\n        ] * 2\n        for i\n        in  # every index\n        range(n)\n    ]\n"
        ),
    )
    good = (
        # Not known to be an array: a parameter without annotation, a list.
        "def f(a, b):\n    return [a[i] * b[i] for i in range(len(a))]\n",
        "import numpy as np\n\ndef f(n):\n    a = [0.5] * n\n    return [x * 2 for x in a]\n",
        # Carried from one iteration to the next: a recurrence, a running value.
        "import numpy as np\n\ndef f(n):\n    a = np.zeros(n)\n    for i in range(len(a)):\n"
        "        a[i] = a[i - 1] * 0.5 + 1\n    return a\n",
        "import numpy as np\n\ndef f(n):\n    a = np.ones(n)\n    out = np.empty(n)\n    acc = 0.0\n"
        "    for i in range(n):\n        acc += a[i]\n        out[i] = acc\n    return out\n",
        "import numpy as np\n\ndef f(n):\n    a = np.ones(n)\n    y = 0.0\n    for x in a:\n"
        "        y = y * 0.9 + x\n    return y\n",
        # Not arithmetic: calls of arbitrary functions, control flow, a bare copy.
        "import numpy as np\n\ndef f(g, n):\n    a = np.ones(n)\n    return [g(x) for x in a]\n",
        "import numpy as np\n\ndef f(n):\n    a = np.ones(n)\n    for x in a:\n        if x > 1:\n"
        "            break\n",
        "import numpy as np\n\ndef f(n):\n    a = np.ones(n)\n    return [x for x in a]\n",
        # Rebound to something else in the scope; the name is numpy only by coincidence.
        "import numpy as np\n\ndef f(n):\n    a = np.ones(n)\n    a = a.tolist()\n"
        "    return [x * 2 for x in a]\n",
        "def f(np, n):\n    a = np.ones(n)\n    return [x * 2 for x in a]\n",
        # Each iteration is a vector operation (a whole array in the body), or touches no
        # element at all: not an element-by-element loop.
        "import numpy as np\n\ndef f(n):\n    t = np.linspace(0, 1, n)\n    w = np.ones(3)\n"
        "    out = np.empty(n)\n    for i in range(n):\n        out[i] = np.sum(t[i] * w)\n    return out\n",
        "import numpy as np\n\ndef f(groups, n, h):\n    rows = np.empty((n, len(groups)))\n"
        "    for g in range(n):\n        e = np.equal(g, groups)\n        rows[g] = h * e\n    return rows\n",
        # The parameter is rebound only inside a branch.
        "import numpy as np\n\ndef f(x, flag):\n    if flag:\n        x = np.asarray(x)\n"
        "    return [v * 2 for v in x]\n",
    )

    bench = Bench(
        setup="import numpy as np\na = np.arange(N, dtype=float)\nb = np.arange(N, dtype=float) / 2",
        before="def run():\n    return [a[i] * b[i] for i in range(len(a))]",
        after="def run():\n    return (a * b).tolist()",
        requires=("numpy",),
    )

    needs = (("loop array iterated",), ("for in array()",), ("array passed to enumerate()",), ("array passed to zip()",),
             ("for in range()", "loop array[]"))

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None or node.orelse is not None:
            return
        checker = _iteration(self.ctx, node.target, node.iter)
        if checker is not None and isinstance(node.body, cst.IndentedBlock) and checker.body(node.body.body):
            self.report(node, fixed_size=fixed_iterations(self.ctx, node))

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node)

    def _comprehension(self, node: Comprehension) -> None:
        loop = node.for_in
        if loop.inner_for_in is not None or loop.asynchronous is not None:
            return
        checker = _iteration(self.ctx, loop.target, loop.iter)
        if checker is None:
            return
        elt_is_element = isinstance(node.elt, cst.Name) and node.elt.value in checker.values
        if elt_is_element and not loop.ifs:
            return  # a plain copy (`list(arr)`), not arithmetic
        if all(checker.expr(test.test) for test in loop.ifs) and checker.expr(node.elt) and checker.touched:
            self.report(node, fixed_size=fixed_iterations(self.ctx, node))
