"""PFL501-PFL503: caching and memory.

Caches trade memory for time and keep their keys alive, so these rules fire only where
the trade is visible in the code: a pure-looking function recomputing the same calls
(PFL501), a cache holding every `self` it has seen (PFL502), and dataclass instances
carrying a `__dict__` they do not need (PFL503).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.walk import Visitor, visit
from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.hints import GAP, STATEMENT_BLOCKS, Region

_CACHES = frozenset({"functools.cache", "functools.lru_cache"})
_DATACLASS = frozenset({"dataclasses.dataclass"})
# Methods Python makes static or class methods without a decorator.
_IMPLICIT_CLASS_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})
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


def _decorator_target(decorator: cst.Decorator) -> cst.BaseExpression:
    """`functools.lru_cache` for `@functools.lru_cache(maxsize=32)`."""
    expr = decorator.decorator
    return expr.func if isinstance(expr, cst.Call) else expr


def _decorator_names(ctx: FileContext, decorators: Iterable[cst.Decorator]) -> list[str | None]:
    """Qualified names of decorators (`functools.cache`), or their plain names when they
    are not imports (`staticmethod`)."""
    names: list[str | None] = []
    for decorator in decorators:
        target = _decorator_target(decorator)
        plain = target.value if isinstance(target, cst.Name) else None
        names.append(ctx.qualified_name(target) or plain)
    return names


def _annotation_names(annotation: cst.Annotation | None) -> set[str]:
    """Every name and attribute in an annotation (`Optional[list[int]]` -> Optional,
    list, int)."""
    found: set[str] = set()

    class Names(Visitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            found.update(node.value.strip("'\"").replace("[", " ").replace("]", " ").replace(".", " ").split())

    if annotation is not None:
        visit(annotation, Names())
    return found


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


def _constant_default(expr: ast.expr) -> bool:
    """What `_is_constant` may accept, seen by `ast` (an f-string may be part of an
    implicitly concatenated string)."""
    if isinstance(expr, ast.UnaryOp):
        return _constant_default(expr.operand)
    if isinstance(expr, ast.Tuple):
        return all(map(_constant_default, expr.elts))
    return isinstance(expr, (ast.Constant, ast.JoinedStr))


_CALLS: dict[str, re.Pattern[str]] = {}


def _calls(name: str, text: str, least: int) -> bool:
    """Whether `name` is followed by `(` in `text` at least `least` times, maybe across
    lines and comments (each is a `def name(` or a call of `name`, or looks like one)."""
    if text.count(name) < least:
        return False
    pattern = _CALLS.get(name)
    if pattern is None:
        pattern = _CALLS[name] = re.compile(rf"\b{re.escape(name)}(?:[\s\\)]|#[^\n]*)*\(")
    return len(pattern.findall(text)) >= least


_LINE_END = re.compile(r"\r\n?|\n")


def _from_line(text: str, line: int, first: int) -> str:
    """`text` (starting on line `first`) from the start of line `line`, ending lines
    where `ast` does (`str.splitlines` also ends them at a form feed)."""
    start = 0
    for _, end in zip(range(line - first), _LINE_END.finditer(text)):
        start = end.end()
    return text[start:]


_UNFIT_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal)


def _may_memoize(node: ast.FunctionDef) -> bool:
    """What `_RecursionScan` can tell from the statements of `node` alone: no nested
    definition, `global` or `nonlocal`; a `return` with a value; no call statement but
    a method call on a local, no store to or `del` of an item or attribute of anything
    but a local. A local is a name anything assigns to (the scan only counts those
    assigned before, so this is never stricter)."""
    statements: list[ast.AST] = []
    stack: list[ast.AST] = list(node.body)
    while stack:
        statement = stack.pop()
        if isinstance(statement, _UNFIT_STATEMENTS):
            return False
        statements.append(statement)
        for field in STATEMENT_BLOCKS:
            stack.extend(getattr(statement, field, ()))
    targets: list[ast.expr] = []
    for statement in statements:
        if isinstance(statement, ast.Assign):
            targets.extend(statement.targets)
        elif isinstance(statement, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
            targets.append(statement.target)
    names = {name.id for target in targets for name in _stored_names(target)}
    returns = False
    for statement in statements:
        if isinstance(statement, ast.Return):
            returns = returns or statement.value is not None
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            func = statement.value.func
            if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in names):
                return False
        elif isinstance(statement, ast.Delete) and not all(_local_store(t, names) for t in statement.targets):
            return False
    return returns and all(_local_store(target, names) for target in targets)


def _stored_names(target: ast.expr) -> list[ast.Name]:
    if isinstance(target, ast.Name):
        return [target]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _stored_names(element)]
    return _stored_names(target.value) if isinstance(target, ast.Starred) else []


def _local_store(target: ast.expr, names: set[str]) -> bool:
    """A store to `target` that `_RecursionScan._assigned` may accept."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_local_store(element, names) for element in target.elts)
    if isinstance(target, ast.Starred):
        return _local_store(target.value, names)
    if isinstance(target, (ast.Subscript, ast.Attribute)):
        return isinstance(target.value, ast.Name) and target.value.id in names
    return True


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
    impact = Impact.ALGORITHMIC
    name = "missing-memoization"
    message = "this function recomputes the same recursive calls: memoize it with `@functools.cache`"
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

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """An undecorated module-level `def` with named parameters, constant defaults and
        no `*args`/`**kwargs`, returning a value and calling itself twice: its name is
        followed by `(` three times (the `def` and two calls)."""
        node = region.node
        if node is None:
            return True
        if not isinstance(node, ast.FunctionDef) or region.in_class or node.decorator_list:
            return False
        args = node.args
        if args.vararg or args.kwarg or not (args.posonlyargs or args.args or args.kwonlyargs):
            return False
        if not all(map(_constant_default, [*args.defaults, *filter(None, args.kw_defaults)])):
            return False
        if "return" not in region.text or not _calls(node.name, region.text, 3):
            return False
        # The two calls are in the body, after any docstring (which may show calls).
        first, body = node.body[0], node.body
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            if len(body) == 1:
                return False
            line = body[1].lineno if body[1].lineno > (first.end_lineno or 0) else first.end_lineno or 0
        else:
            line = first.lineno
        return _calls(node.name, _from_line(region.text, line, node.lineno), 2) and _may_memoize(node)

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


# Per set of decorators: the imports of the file last asked about, and the pattern of a
# decorator that may be one of them there (None: it imports none of them).
_DECORATOR_PATTERNS: dict[frozenset[str], tuple[object, str | None]] = {}


def _may_decorate(region: Region, qualified: frozenset[str]) -> bool:
    """Whether a decorator of `region` may be one of `qualified` (`module.name`) as
    `FileContext.qualified_name` resolves it: a name imported as one of them, or an
    attribute of a name imported as the module."""
    imports = region.imports
    if imports is None:
        return True
    known = _DECORATOR_PATTERNS.get(qualified)
    if known is None or known[0] is not imports:
        modules = {name.rsplit(".", 1)[0] for name in qualified}
        attributes = sorted({name.rsplit(".", 1)[1] for name in qualified})
        direct = sorted(re.escape(local) for local, target in imports.items() if target in qualified)
        through = sorted(re.escape(local) for local, target in imports.items() if target in modules)
        choices = [rf"(?:{'|'.join(direct)})\b"] if direct else []
        if through:
            choices.append(rf"(?:{'|'.join(through)}){GAP}\.{GAP}(?:{'|'.join(attributes)})\b")
        known = _DECORATOR_PATTERNS[qualified] = (imports, rf"@{GAP}(?:{'|'.join(choices)})" if choices else None)
    return known[1] is not None and region.has(known[1])


def _unbounded(decorator: cst.Decorator) -> bool:
    """`@lru_cache(None)` / `@lru_cache(maxsize=None)`: no bound on what it keeps (a bare
    `@lru_cache` keeps 128 entries)."""
    call = decorator.decorator
    if not isinstance(call, cst.Call):
        return False
    for position, arg in enumerate(call.args):
        if (arg.keyword is None and position == 0) or (arg.keyword is not None and arg.keyword.value == "maxsize"):
            return isinstance(arg.value, cst.Name) and arg.value.value == "None"
    return False


def _may_be_cache(decorator: cst.Decorator) -> bool:
    """Cheap test before resolving imports: `x.cache`/`x.lru_cache`, or a name that may be
    an alias of them (not one of the usual method decorators)."""
    target = _decorator_target(decorator)
    if isinstance(target, cst.Attribute):
        return target.attr.value in ("cache", "lru_cache")
    return isinstance(target, cst.Name) and target.value not in _METHOD_DECORATORS


_METHOD_DECORATORS = frozenset({"property", "staticmethod", "classmethod", "abstractmethod", "overload", "override"})


@register
class CacheOnMethod(Rule):
    """`functools.cache` / `lru_cache` on an instance method keys the cache on `self`,
    so the cache (which lives as long as the class) keeps every instance it has seen
    alive, with everything they reference: a memory leak, and for `lru_cache` a cache
    shared by all instances, where one instance evicts another's results.

    Instead, cache per instance (`functools.cached_property` for methods without
    arguments, or a dict attribute), or move the computation to a module-level function
    of hashable arguments. Static and class methods are not flagged, nor methods of
    enums (their members live forever anyway), nor caches with a size bound
    (`@lru_cache`, `@lru_cache(maxsize=1024)`: they keep at most that many instances
    alive, evicting the oldest). The cost is memory, not time; a bench shows the cost
    of the cached call is comparable.
    """

    code = "PFL502"
    impact = Impact.ALGORITHMIC
    hints = (r"@",)
    file_hints = (r"cache",)  # the decorator may be imported under another name
    name = "cache-on-method"
    message = "a cache on an instance method keeps every `self` alive: cache per instance instead"
    bad = (
        Example(
            "import functools\n\nclass Model:\n    @functools.lru_cache(maxsize=None)\n"
            "    def score(self, x):\n        return x * 2\n"
        ),
        Example("from functools import cache as memo\n\nclass Model:\n    @memo\n    def score(self, x):\n        return x\n"),
    )
    good = (
        "import functools\n\nclass Model:\n    @staticmethod\n    @functools.cache\n    def score(x):\n        return x\n",
        ("from functools import lru_cache\n\nclass Model:\n    @classmethod\n    @lru_cache\n"
        "    def load(cls, name):\n        return name\n"),
        "import functools\n\n@functools.cache\ndef score(x):\n    return x\n",
        ("import functools\n\nclass Path:\n    @functools.lru_cache()\n    def __new__(cls, root):\n"
        "        return super().__new__(cls)\n"),
        "import functools\n\nclass Model:\n    @functools.cached_property\n    def score(self):\n        return 1\n",
        # bounded: at most that many instances are kept
        "import functools\n\nclass Model:\n    @functools.lru_cache(maxsize=1)\n    def score(self, x):\n        return x\n",
        "from functools import lru_cache\n\nclass Model:\n    @lru_cache\n    def score(self, x):\n        return x\n",
        "class Model:\n    @lru_cache\n    def score(self, x):\n        return x\n",
        ("import enum, functools\n\nclass Color(enum.Enum):\n    RED = 1\n    @functools.cache\n"
        "    def rgb(self):\n        return (255, 0, 0)\n"),
    )
    bench = Bench(
        setup="import functools\nclass A:\n    @functools.lru_cache(maxsize=None)\n    def f(self, x):\n"
        "        return x * 2\nclass B:\n    def f(self, x):\n        return x * 2\nxs = list(range(N))",
        before="def run():\n    a = A()\n    return sum(a.f(x) for x in xs)",
        after="def run():\n    b = B()\n    return sum(b.f(x) for x in xs)",
        note="the gain is memory: every A() stays alive in the cache",
    )

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        return super().may_fire(region) and _may_decorate(region, _CACHES)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not isinstance(self.ctx.parent(2), cst.ClassDef) or not any(map(_may_be_cache, node.decorators)):
            return
        names = _decorator_names(self.ctx, node.decorators)
        if not _CACHES & set(filter(None, names)) or {"staticmethod", "classmethod"} & set(filter(None, names)):
            return
        if node.name.value in _IMPLICIT_CLASS_METHODS or not (node.params.params or node.params.posonly_params):
            return
        cls = self.ctx.parent(2)
        assert isinstance(cls, cst.ClassDef)
        if any(self._is_enum(base.value) for base in cls.bases):
            return
        decorator, name = next((d, n) for d, n in zip(node.decorators, names) if n in _CACHES)
        if name == "functools.lru_cache" and not _unbounded(decorator):
            return  # a bound keeps at most that many instances alive, not every `self`
        self.report(decorator)

    def _is_enum(self, base: cst.BaseExpression) -> bool:
        name = self.ctx.qualified_name(base) or (base.value if isinstance(base, cst.Name) else "")
        return name.startswith("enum.") or name.endswith(("Enum", "Flag"))


# Names whose use in a class means slots=True would break it (or needs care).
_NEEDS_DICT = frozenset({"__dict__", "__weakref__", "weakref", "cached_property", "__setattr__", "setattr", "super"})


class _ClassScan(Visitor):
    """Fields of a dataclass body, attributes its methods set, names it mentions."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: set[str] = set()
        self.set_attributes: set[str] = set()
        self.names: set[str] = set()
        self.depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.depth -= 1

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        is_field = "ClassVar" not in _annotation_names(node.annotation)
        if self.depth == 0 and isinstance(node.target, cst.Name) and is_field:
            self.fields.add(node.target.value)
        self._target(node.target)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._target(target.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def _target(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            self.set_attributes.add(target.attr.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value)

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


@register
class DataclassWithoutSlots(Rule):
    """Instances of a plain dataclass keep their fields in a per-instance `__dict__`;
    `@dataclass(slots=True)` (Python 3.10+) stores them in fixed slots: about 40% less
    memory per instance and slightly faster attribute access.

    Opt-in: it changes the class. The fix is offered only when nothing visible needs
    the `__dict__`: no base class (slots with inheritance need care), no other
    decorator, no attribute set on `self` that is not a field, no `__dict__`,
    `__weakref__`/weakref, `setattr`, `functools.cached_property`, and no zero-argument
    `super()` (slots=True builds a new class, which breaks it). Otherwise it reports
    without a fix; classes that define `__slots__` are not flagged. Unsafe: code
    elsewhere may still set other attributes or take weak references.
    """

    code = "PFL503"
    impact = Impact.CONSTANT
    hints = (r"@",)
    file_hints = (r"dataclass",)  # the decorator may be imported under another name
    reads_class = True
    name = "dataclass-without-slots"
    message = "add `slots=True` to the dataclass to drop the per-instance `__dict__`"
    default_on = False
    availability = "target >= 3.10"
    min_target = (3, 10)
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "from dataclasses import dataclass\n\n@dataclass\nclass P:\n    x: int\n    y: int = 0\n",
            "from dataclasses import dataclass\n\n@dataclass(slots=True)\nclass P:\n    x: int\n    y: int = 0\n",
        ),
        Example(
            "import dataclasses\n\n@dataclasses.dataclass(\n    frozen=True,\n)\nclass P:\n    x: int\n",
            "import dataclasses\n\n@dataclasses.dataclass(\n    frozen=True,\n    slots=True,\n)\nclass P:\n    x: int\n",
        ),
        Example(
            "from dataclasses import dataclass\n\n@dataclass(order=True)\nclass P(Base):\n    x: int\n",
            None,
        ),
    )
    good = (
        "from dataclasses import dataclass\n\n@dataclass(slots=True)\nclass P:\n    x: int\n",
        "from dataclasses import dataclass\n\n@dataclass\nclass P:\n    __slots__ = ('x',)\n    x: int\n",
        "@dataclass\nclass P:\n    x: int\n",
    )
    bench = Bench(
        setup="import sys\nfrom dataclasses import dataclass\n"
        "@dataclass\nclass A:\n    x: int\n    y: int\n"
        "@dataclass(slots=True)\nclass B:\n    x: int\n    y: int\n",
        before="def run():\n    return sum(A(i, i).x for i in range(N))",
        after="def run():\n    return sum(B(i, i).x for i in range(N))",
        note="the gain is memory (about 40% per instance); creation and access are slightly faster",
    )


    @classmethod
    def may_fire(cls, region: Region) -> bool:
        return super().may_fire(region) and _may_decorate(region, _DATACLASS)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not node.decorators:
            return
        names = _decorator_names(self.ctx, node.decorators)
        if "dataclasses.dataclass" not in names:
            return
        decorator = node.decorators[names.index("dataclasses.dataclass")]
        call = decorator.decorator
        if isinstance(call, cst.Call) and any(a.keyword is not None and a.keyword.value == "slots" for a in call.args):
            return
        scan = _ClassScan()
        visit(node.body, scan)
        if "__slots__" in scan.names:
            return
        safe = (
            not node.bases and not node.keywords and len(node.decorators) == 1
            and not scan.set_attributes - scan.fields and not scan.names & _NEEDS_DICT
            and not (isinstance(call, cst.Call) and any(a.star or a.keyword is None for a in call.args))
        )
        fix = self.make_fix(Edit(decorator, replace=_with_slots)) if safe else None
        self.report(decorator, fix=fix)


def _with_slots(updated: cst.CSTNode) -> cst.CSTNode:
    """`@dataclass` -> `@dataclass(slots=True)`; `@dataclass(a=1)` -> `(a=1, slots=True)`,
    keeping a multi-line argument list multi-line."""
    assert isinstance(updated, cst.Decorator)
    slots = cst.Arg(
        cst.Name("True"), keyword=cst.Name("slots"),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    expr = updated.decorator
    if not isinstance(expr, cst.Call):
        return updated.with_changes(decorator=cst.Call(expr, [slots]))
    if not expr.args:
        return updated.with_changes(decorator=expr.with_changes(args=[slots]))
    *rest, last = expr.args
    if isinstance(last.comma, cst.Comma):
        # keep the trailing comma last; separate as the arguments already are
        between = rest[-1].comma.whitespace_after if rest and isinstance(rest[-1].comma, cst.Comma) else expr.whitespace_before_args
        if isinstance(between, cst.SimpleWhitespace) and not between.value:
            between = cst.SimpleWhitespace(" ")
        args = [*rest, last.with_changes(comma=cst.Comma(whitespace_after=between)), slots.with_changes(comma=last.comma)]
    else:
        args = [*rest, last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), slots]
    return updated.with_changes(decorator=expr.with_changes(args=args))
