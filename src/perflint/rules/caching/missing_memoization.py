"""PFL501 missing-memoization: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from perflint.analysis.walk import Visitor, visit
from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.caching._shared import _annotation_names

# Types whose instances are unhashable (or may be, for the abstract ones): a cached
# function taking them raises TypeError.
_UNHASHABLE_TYPES = frozenset({
    "list", "dict", "set", "bytearray", "List", "Dict", "Set", "DefaultDict", "defaultdict",
    "OrderedDict", "Counter", "deque", "Deque", "MutableMapping", "MutableSequence",
    "MutableSet", "Mapping", "Sequence", "Iterable", "Iterator", "Collection", "Generator",
    "ndarray", "DataFrame", "Series",
})

# Builtins without side effects a memoizable function may call (any other function
# may print, read input or consume an iterator: `next(tokens)` in a parser).
_PURE_BUILTINS = frozenset({
    "abs", "all", "any", "bool", "divmod", "float", "frozenset", "int", "isinstance", "len",
    "max", "min", "pow", "range", "round", "sorted", "str", "sum", "tuple",
})
_MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "update", "add", "discard",
    "setdefault", "sort", "reverse", "popitem", "appendleft", "popleft", "write",
})


def _is_constant(expr: cst.BaseExpression) -> bool:
    """A literal a cache key can hold: numbers, strings, None/True/False, tuples of them."""
    if isinstance(expr, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)):
        return True
    if isinstance(expr, cst.Name):
        return expr.value in ("None", "True", "False")
    if isinstance(expr, cst.UnaryOperation):
        return _is_constant(expr.expression)
    if isinstance(expr, cst.Tuple):
        return all(_is_constant(e.value) for e in expr.elements)
    return False


@dataclass(frozen=True)
class _SelfCall:
    """Where a call of the function to itself sits."""

    statement: int  # id of the innermost small statement
    block: int  # id of the block holding its line (0 in a one-line suite)
    index: int  # position of its line in that block
    stops: bool  # the line is a `return`/`raise`: nothing after it runs
    branches: frozenset[tuple[int, int]]  # (id of an `a if c else b`, which branch)
    in_loop: bool


def _exclusive(a: _SelfCall, b: _SelfCall) -> bool:
    """In two branches of one conditional expression: only one runs."""
    left = dict(a.branches)
    return any(key in left and left[key] != side for key, side in b.branches)


def _repeats(calls: Sequence[_SelfCall]) -> bool:
    """Whether the function may call itself twice in one call: in a loop, twice in one
    statement (not in the two branches of one `a if c else b`), or in two lines of one
    block where the first is not a `return`/`raise`."""
    for i, a in enumerate(calls):
        if a.in_loop:
            return True
        for b in calls[i + 1:]:
            if a.statement == b.statement and not _exclusive(a, b):
                return True
            if a.block and a.block == b.block and a.index != b.index:
                first = a if a.index < b.index else b
                if not first.stops:
                    return True
    return False


class _RecursionScan(Visitor):
    """Reads one function body: its calls to itself and what makes it unfit for a cache.

    A self-call counts when its arguments are built from the parameters and constants
    with operators only (`fib(n - 1)`, `paths(i, j - 1)`): the shape of overlapping
    subproblems. Calls that take attributes or items (`walk(node.left)`) are tree walks,
    which a cache does not help.
    """

    def __init__(self, name: str, params: set[str]) -> None:
        super().__init__()
        self.name = name
        self.params = params
        self.unfit = False
        self.returns_value = False
        self.container_params: set[str] = set()
        self.locals: set[str] = set()
        self.calls: list[_SelfCall] = []
        self._stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self._stack.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        self._stack.pop()

    # -- what disqualifies the function -------------------------------------------------
    def _unfit(self, node: cst.CSTNode) -> bool:
        self.unfit = True
        return False

    visit_Yield = visit_Await = visit_Global = visit_Nonlocal = _unfit
    visit_FunctionDef = visit_ClassDef = visit_Lambda = _unfit

    def visit_Return(self, node: cst.Return) -> None:
        self.returns_value = self.returns_value or node.value is not None

    def visit_Expr(self, node: cst.Expr) -> None:
        # A call made for its effect (print, a write, a recursive call whose result is
        # dropped, as in Towers of Hanoi) would not happen again once cached.
        value = node.value
        if isinstance(value, cst.Call):
            func = value.func
            receiver = func.value if isinstance(func, cst.Attribute) else None
            if not (isinstance(receiver, cst.Name) and receiver.value in self.locals):
                self.unfit = True

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assigned(target.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._assigned(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._assigned(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._assigned(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._assigned(node.target, stores_name=False)

    def _assigned(self, target: cst.BaseExpression, stores_name: bool = True) -> None:
        """Local names are fine to bind; items and attributes only of local objects."""
        if isinstance(target, cst.Name):
            if stores_name:
                self.locals.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._assigned(element.value, stores_name)
        elif isinstance(target, cst.StarredElement):
            self._assigned(target.value, stores_name)
        elif isinstance(target, (cst.Subscript, cst.Attribute)):
            root = target.value
            if not (isinstance(root, cst.Name) and root.value in self.locals):
                self.unfit = True

    # -- arguments and calls --------------------------------------------------------------
    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._container_use(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._container_use(node.value)

    def _container_use(self, value: cst.BaseExpression) -> None:
        if isinstance(value, cst.Name) and value.value in self.params:
            self.container_params.add(value.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in _MUTATING_METHODS
            and not (isinstance(func.value, cst.Name) and func.value.value in self.locals)
        ):
            self.unfit = True  # mutates an argument or a global
        if not isinstance(func, cst.Name):
            return
        if func.value not in _PURE_BUILTINS and func.value != self.name:
            self.unfit = True
        elif func.value == self.name and all(not a.star and self._derived(a.value) for a in node.args):
            self.calls.append(self._where())

    def _derived(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Name):
            return expr.value in self.params and expr.value not in self.locals
        if isinstance(expr, cst.BinaryOperation):
            return self._derived(expr.left) and self._derived(expr.right)
        if isinstance(expr, cst.UnaryOperation):
            return self._derived(expr.expression)
        return _is_constant(expr)

    def _where(self) -> _SelfCall:
        statement: cst.CSTNode | None = None
        block, index, stops, in_loop = 0, 0, False, False
        branches: set[tuple[int, int]] = set()
        for child, parent in zip(reversed(self._stack), reversed(self._stack[:-1])):
            if isinstance(child, cst.BaseSmallStatement) and statement is None:
                statement = child
                stops = isinstance(child, (cst.Return, cst.Raise))
            if isinstance(parent, cst.IfExp) and child is not parent.test:
                branches.add((id(parent), int(child is parent.body)))
            if isinstance(parent, (cst.For, cst.While)) and child is parent.body:
                in_loop = True
            if isinstance(parent, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp, cst.CompFor)):
                in_loop = True
            if isinstance(parent, cst.IndentedBlock) and isinstance(child, cst.SimpleStatementLine) and not block:
                block, index = id(parent), next(i for i, s in enumerate(parent.body) if s is child)
        return _SelfCall(id(statement), block, index, stops, frozenset(branches), in_loop)


def _params(params: cst.Parameters) -> list[cst.Param] | None:
    """The named parameters, or None with `*args`/`**kwargs` (what they carry is not
    visible) or a default a cache key should not hold."""
    if isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None:
        return None
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    if any(p.default is not None and not _is_constant(p.default) for p in found):
        return None
    return found


@register
class MissingMemoization(Rule):
    """A function that calls itself two or more times per call with arguments derived
    from its own (`fib(n - 1) + fib(n - 2)`) recomputes the same subproblems over and
    over: exponential time where a cache makes it linear (fib(22): 335x faster,
    measured on CPython 3.11).

    Fires on module-level functions without decorators, `*args`/`**kwargs`, mutable or
    computed defaults, `yield`, `await`, `global`, nested functions, calls made only for
    their effect, or mutation of anything but their own locals. Single recursion
    (`n * fact(n - 1)`) and tree walks (`walk(node.left)`) are not flagged: a cache
    does not help them. The fix adds `@functools.cache`, or for targets before 3.9, which
    lack it, the same unbounded cache as `@functools.lru_cache(maxsize=None)`. Unsafe: calls
    with unhashable arguments then raise TypeError, and the cache keeps every result
    for the life of the process; where a parameter is indexed or has attributes (it may
    be a list), the finding comes without a fix.
    """

    code = "PFL501"
    name = "missing-memoization"
    message = "this function recomputes the same recursive calls: memoize it with `@functools.cache`"
    impact = Impact.ALGORITHMIC
    fix = Applicability.UNSAFE

    bad = (
        Example(
            "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n",
            "import functools\n\n\n@functools.cache\ndef fib(n):\n    if n < 2:\n        return n\n"
            "    return fib(n - 1) + fib(n - 2)\n",
        ),
        Example(
            "import functools\n\n\ndef paths(i: int, j: int = 0) -> int:\n    if i == 0 or j == 0:\n"
            "        return 1\n    up = paths(i - 1, j)\n    left = paths(i, j - 1)\n    return up + left\n",
            "import functools\n\n\n@functools.cache\ndef paths(i: int, j: int = 0) -> int:\n"
            "    if i == 0 or j == 0:\n        return 1\n    up = paths(i - 1, j)\n    left = paths(i, j - 1)\n"
            "    return up + left\n",
        ),
        Example(
            "def lcs(a, b, i, j):\n    if i == len(a) or j == len(b):\n        return 0\n"
            "    if a[i] == b[j]:\n        return 1 + lcs(a, b, i + 1, j + 1)\n"
            "    return max(lcs(a, b, i + 1, j), lcs(a, b, i, j + 1))\n",
            None,
        ),
    )
    good = (
        "def fact(n):\n    return 1 if n < 2 else n * fact(n - 1)\n",
        "def power(x, n):\n    if n % 2:\n        return x * power(x, n - 1)\n    return power(x, n // 2) ** 2\n",
        "def pick(n):\n    return pick(n - 1) if n % 2 else pick(n - 2)\n",
        ("import functools\n\n@functools.lru_cache(maxsize=None)\ndef fib(n):\n"
        "    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"),
        "def size(node):\n    return 1 + size(node.left) + size(node.right) if node else 0\n",
        "def fib(n, memo={}):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
        ("memo = {}\ndef fib(n):\n    if n in memo:\n        return memo[n]\n"
        "    memo[n] = r = n if n < 2 else fib(n - 1) + fib(n - 2)\n    return r\n"),
        ("def hanoi(n, a, b, c):\n    if n:\n        hanoi(n - 1, a, c, b)\n        print(a, c)\n"
        "        hanoi(n - 1, b, a, c)\n"),
        "def fill(xs, n):\n    xs.append(n)\n    return fill(xs, n - 1) + fill(xs, n - 2) if n > 1 else 0\n",
        "def gen(n):\n    if n:\n        yield from gen(n - 1)\n        yield from gen(n - 2)\n",
        "async def fib(n):\n    return n if n < 2 else await fib(n - 1) + await fib(n - 2)\n",
        "def fib(*n):\n    return n[0] if n[0] < 2 else fib(n[0] - 1) + fib(n[0] - 2)\n",
        "def f(xs: list, n: int) -> int:\n    return 0 if n < 1 else f(xs, n - 1) + f(xs, n - 2)\n",
        "class C:\n    def fib(self, n):\n        return n if n < 2 else self.fib(n - 1) + self.fib(n - 2)\n",
        ("def parse(tokens, level=0):\n    tok = next(tokens)\n    if tok == '(':\n"
        "        return parse(tokens, level + 1) + parse(tokens, level + 1)\n    return tok\n"),
        "def outer():\n    def fib(n):\n        return n if n < 2 else fib(n - 1) + fib(n - 2)\n    return fib\n",
    )

    bench = Bench(
        setup="import functools\nN = min(N, 22)\n"
        "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
        "@functools.cache\ndef cached(n):\n    return n if n < 2 else cached(n - 1) + cached(n - 2)\n",
        before="def run():\n    return fib(N)",
        after="def run():\n    cached.cache_clear()\n    return cached(N)",
        size=22,
    )

    needs = (("recursive",),)  # an undecorated def calling itself twice

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.decorators or node.asynchronous is not None or not self.ctx.at_top_level():
            return
        params = _params(node.params)
        if not params or not isinstance(node.body, cst.IndentedBlock):
            return
        if any(_annotation_names(p.annotation) & _UNHASHABLE_TYPES for p in params):
            return
        name = node.name.value
        scan = _RecursionScan(name, {p.name.value for p in params})
        visit(node.body, scan)
        if scan.unfit or not scan.returns_value or len(scan.calls) < 2:
            return
        if not _repeats(scan.calls):
            return
        if len(self.ctx.bindings(name)[1]) != 1:
            return  # rebound or wrapped elsewhere in the module (or in the notebook)
        cache = "functools.cache" if self.ctx.target >= (3, 9) else "functools.lru_cache(maxsize=None)"
        message = self.message.replace("functools.cache", cache)
        functools_bound = self.ctx.bindings("functools")[1]
        if scan.container_params or (functools_bound and self.ctx.imported_module("functools") != "functools"):
            self.report(node.name, message)
            return
        decorator = cst.Decorator(cst.parse_expression(cache))
        edit = Edit(node, replace=lambda updated: updated.with_changes(decorators=[decorator]))
        self.report(node.name, message, fix=self.make_fix(edit, imports=("functools",)))
