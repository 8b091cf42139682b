"""The facts triage judges regions by: one `ast` pass over each top-level function, method
or other statement (see engine/triage.py, and `Rule.needs` for how rules ask for them).

A fact is a short string naming what the code does: `"call sorted"`, `"in display"`,
`"list.pop(0)"` (`.pop(0)` called on a name the region binds to a list). A fact found
inside a `for`, a `while` or a comprehension also comes prefixed with `"loop "`. Facts are
coarser than the visitors: a region they keep may hold no finding, one they drop never
does (`benchmarks/triage_check.py` checks that on large code).

Names get kinds from what the region binds them to: `list`, `slice`, `dict`, `set`, `str`,
`bytes` (displays, literals, constructor calls, annotations), `array` (a call of something
from NumPy or pandas, an `ndarray` annotation), `valued` (any value), `global` (declared
global or nonlocal); `name` is any name, `shared` any attribute or item.
"""

from __future__ import annotations

import ast
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, Tuple

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_KINDS_OF_CALLS = {"list": "list", "dict": "dict", "set": "set", "str": "str", "bytes": "bytes", "bytearray": "bytes"}
_KINDS_OF_DISPLAYS = {ast.List: "list", ast.ListComp: "list", ast.Dict: "dict", ast.DictComp: "dict",
                      ast.Set: "set", ast.SetComp: "set", ast.JoinedStr: "str"}
_ARRAY_MODULES = ("numpy", "pandas")
_ANNOTATION_KINDS = {"list": "list", "List": "list", "ndarray": "array", "NDArray": "array", "DataFrame": "array",
                     "Series": "array", "ArrayLike": "array"}
_LOOP_NODES = frozenset(_LOOPS + _COMPREHENSIONS)
# Fields that hold no code the facts read (names, contexts, operators: handlers read
# operators off their node).
_LEAVES = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "name", "names", "module", "level", "kind",
                     "type_comment", "is_async", "conversion", "type_ignores", "kwd_attrs", "rest"})
_FIELDS: Dict[type, Tuple[str, ...]] = {}


def _child_fields(kind: type) -> Tuple[str, ...]:
    """The fields of a node type that may hold nodes (none for a str or None in a list)."""
    if not issubclass(kind, ast.AST) or kind is ast.Constant:
        return ()
    return tuple(field for field in kind._fields if field not in _LEAVES)
Event = Tuple[str, str, bool]  # key (a name, or "" for an attribute or item), what, in a loop


def terminal(expr: ast.expr) -> str:
    """The name a call is spelled with: `f` for `f(...)` and `a.b.f(...)`."""
    if isinstance(expr, ast.Name):
        return expr.id
    return expr.attr if isinstance(expr, ast.Attribute) else ""


def qualified(expr: ast.expr, imports: Mapping[str, str]) -> Optional[str]:
    """`numpy.zeros` for `np.zeros` (or `zeros` imported from numpy), by `imports`."""
    if isinstance(expr, ast.Name):
        return imports.get(expr.id)
    if isinstance(expr, ast.Attribute):
        base = qualified(expr.value, imports)
        return None if base is None else f"{base}.{expr.attr}"
    return None


def key(expr: ast.expr) -> str:
    """What kinds are known by: `x` for a name, `.x` for any attribute `x`, `d[]` for an
    item of `d` ("" for anything else)."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return "." + expr.attr
    inner = terminal(expr.value) if isinstance(expr, ast.Subscript) else ""
    return inner and inner + "[]"


class Facts:
    """One pass over a region: `found` holds its facts. `imports` maps what the file's
    imports and module-level aliases bind (`np` -> `numpy`, `search` -> `re.search`);
    `kinds` may be shared by the passes over the members of one class (what `__init__`
    sets `self.x` to is what another method adds to)."""

    def __init__(self, imports: Mapping[str, str], kinds: Optional[Dict[str, Set[str]]] = None) -> None:
        self.imports = imports
        self.found: Set[str] = set()
        self.kinds: Dict[str, Set[str]] = {} if kinds is None else kinds
        self.events: List[Event] = []
        self.calls: Dict[str, int] = {}  # calls of plain names, by name
        self.recursive: List[str] = []  # undecorated defs with named parameters only

    def scan(self, node: ast.AST) -> Set[str]:  # a region's facts, when no pass shares its kinds
        self.walk(node)
        return self.resolve()

    def walk(self, node: ast.AST) -> None:
        """Visit every node once: first what runs outside loops, then what runs in them
        (everything under a loop or comprehension), which `loop` says to the handlers."""
        outside: List[Any] = [node]
        inside: List[Any] = []
        for stack, loop in ((outside, False), (inside, True)):
            while stack:
                node = stack.pop()
                kind = type(node)
                fields = _FIELDS.get(kind)
                if fields is None:
                    fields = _FIELDS[kind] = _child_fields(kind)
                handler = _HANDLERS.get(kind)
                if handler is not None:
                    handler(self, node, loop)
                into = stack
                if kind in _LOOP_NODES:
                    into = inside
                    self.found.update(("loop", "while" if kind is ast.While else "for"))
                for field in fields:
                    value = getattr(node, field, None)
                    if type(value) is list:
                        into.extend(value)
                    elif value is not None:
                        into.append(value)

    def fact(self, fact: str, loop: bool) -> None:
        self.found.add(fact)
        if loop:
            self.found.add("loop " + fact)

    def event(self, expr: ast.expr, what: str, loop: bool) -> None:
        """`what` done to `expr`: a fact for each kind `expr` may have (see `_resolve`)."""
        known = key(expr)
        if known:
            self.events.append((known, what, loop))

    def bind(self, name: str, kind: str) -> None:
        self.kinds.setdefault(name, set()).add(kind)

    def resolve(self) -> Set[str]:
        """The facts, once every pass sharing `kinds` has walked its code."""
        done = {(name, what) for name, what, _ in self.events}
        for name, what, loop in self.events:
            if what.startswith(" by "):  # a loop over `name` (or `range(len(name))`) by its target
                kind, _, target = what[4:].partition(" ")
                if (name, f"[{target}]") in done:
                    self.fact(f"{kind} lookup", loop)
                continue
            if what[0] == "[" and what != "[]":
                continue  # only read by a lookup
            self.fact(("name" if name.isidentifier() else "shared") + what, loop)
            for kind in self.kinds.get(name, ()):
                self.fact(kind + what, loop)
            if what == " = [n:]":  # what else the shifted name is used as
                self.found.update([f"{'loop ' * loop}{m} = [n:]" for n, m, _ in self.events if n == name and m[0] == "."])
        if any(self.calls.get(name, 0) >= 2 for name in self.recursive):
            self.found.add("recursive")
        return self.found

    def decorators(self, node: ast.AST) -> Set[str]:
        """`@cache` and `@functools.cache` for `@functools.cache` and `@cache(...)`."""
        found = set()
        for decorator in getattr(node, "decorator_list", ()):
            callee = decorator.func if isinstance(decorator, ast.Call) else decorator
            found.update(["@" + terminal(callee), f"@{self.qualified(callee)}"])
        return found

    def qualified(self, expr: ast.expr) -> Optional[str]:
        return qualified(expr, self.imports)

    def kind_of(self, value: ast.expr) -> Optional[str]:
        kind = _KINDS_OF_DISPLAYS.get(type(value))
        if kind is not None:
            return kind
        if isinstance(value, ast.Constant):
            return "str" if isinstance(value.value, str) else "bytes" if isinstance(value.value, bytes) else None
        if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
            return "slice"
        if isinstance(value, ast.Call):
            if self.is_array_call(value):
                return "array"
            if len(value.args) == 1 and terminal(value.args[0]) == "str":
                return "str"  # `defaultdict(str)`: its items are strs
            return _KINDS_OF_CALLS.get(terminal(value.func))
        return None

    def is_array_call(self, call: ast.Call) -> bool:
        """A call of something imported from NumPy or pandas (`np.zeros(n)`)."""
        return (self.qualified(call.func) or "").split(".")[0] in _ARRAY_MODULES

    def annotated(self, name: str, annotation: Optional[ast.expr]) -> None:
        """Kinds from an annotation's words (`List[int]`, `typing.List`, `np.ndarray`)."""
        for node in ast.walk(annotation) if annotation is not None else ():
            if not isinstance(node, (ast.Name, ast.Attribute)):
                continue
            kind = _ANNOTATION_KINDS.get(terminal(node))
            if kind is not None:
                self.bind(name, kind)
            qualified = self.qualified(node)
            if qualified is not None:
                self.found.add(f"annotated {qualified.split('.')[0]}.*")

    def assigned(self, targets: List[ast.expr], value: Optional[ast.expr], loop: bool) -> None:
        if value is None:
            return
        kind = self.kind_of(value)
        for target in targets:
            known = key(target)
            if known.isidentifier():
                if kind is not None:
                    self.bind(known, kind)
                    self.bind(f".{known}", "shared " + kind)  # set in a class body: `self.x` reads it
                    self.bind(f"{known}[]", "shared " + kind)  # `defaultdict(str)`
                if not self._rebinding(known, value, loop):
                    self.bind(known, "valued")
            elif known:
                if kind is not None:
                    self.bind(known, "shared " + kind)
                self._rebinding(known, value, loop)
            if not isinstance(target, ast.Subscript):
                continue
            if isinstance(value, ast.BinOp) and isinstance(value.left, ast.Call):
                self.fact(f"[] = {terminal(value.left.func)}() +", loop)
            elif _is_empty(value, kind):
                self.fact("[] = empty", loop)

    def _rebinding(self, known: str, value: ast.expr, loop: bool) -> bool:
        """`x = x + ...` and `x = x[n:]` (`n` not negative): `x` rebound to a longer or
        shorter copy of itself."""
        left = value
        while isinstance(left, ast.BinOp) and isinstance(left.op, ast.Add):
            left = left.left
        if left is not value and key(left) == known:
            self.events.append((known, " = +", loop))
            return True
        cut = value.slice if isinstance(value, ast.Subscript) else None
        if isinstance(cut, ast.Slice) and key(value.value) == known:  # type: ignore[attr-defined]
            if cut.lower is not None and not isinstance(cut.lower, ast.UnaryOp) and cut.upper is None:
                self.events.append((known, " = [n:]", loop))
            return True
        return False


def _is_empty(value: ast.expr, kind: Optional[str]) -> bool:
    """`[]`, `{}`, `0`, or a constructor called without arguments (`set()`)."""
    if isinstance(value, ast.Call):
        return kind is not None and not value.args
    if isinstance(value, (ast.List, ast.Dict)):
        return not (value.elts if isinstance(value, ast.List) else value.keys)
    return isinstance(value, ast.Constant) and value.value == 0


def _call(facts: Facts, node: ast.Call, loop: bool) -> None:
    name = terminal(node.func)
    if isinstance(node.func, ast.Name):
        facts.calls[name] = facts.calls.get(name, 0) + 1
    facts.fact("call " + name, loop)
    qualified = facts.qualified(node.func)
    if qualified is not None:
        facts.fact("call " + qualified, loop)
        facts.fact("call " + qualified.split(".")[0] + ".*", loop)
        if isinstance(node.func, ast.Attribute):  # looked up on each call: `math.sqrt(x)`
            facts.fact("attribute " + qualified, loop)
            facts.fact("attribute " + qualified.split(".")[0] + ".*", loop)
    first = node.args[0] if node.args else None
    if isinstance(node.func, ast.Attribute):
        zero = isinstance(first, ast.Constant) and first.value == 0
        facts.event(node.func.value, f".{name}(0)" if zero else f".{name}()", loop)
        if zero:
            facts.event(node.func.value, f".{name}()", loop)
            _picked(facts, node.func.value, loop)
    if first is not None:
        shape = type(first).__name__ if isinstance(first, (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.Lambda)) else ""
        if shape:
            facts.fact(f"{name}({shape})", loop)
        facts.event(first, f" passed to {name}()", loop)
        if isinstance(first, ast.Call) and facts.is_array_call(first):
            facts.fact(f"{name}(array())", loop)
    if name == "sum" and (
        (len(node.args) == 2 and isinstance(node.args[1], ast.List))
        or any(k.arg == "start" and isinstance(k.value, ast.List) for k in node.keywords)
    ):
        facts.fact("sum([])", loop)


def _unused(target: ast.expr, scope: List[ast.AST]) -> bool:
    """Whether one of a two-item target's parts is no name `scope` reads (`k, v` of
    `d.items()`, `i, x` of `enumerate(xs)`)."""
    read = {node.id for part in scope for node in ast.walk(part) if isinstance(node, ast.Name)}
    return any(not {n.id for n in ast.walk(part) if isinstance(n, ast.Name)} & read for part in target.elts)  # type: ignore[attr-defined]


def _iterated(facts: Facts, target: ast.expr, iterable: ast.expr, loop: bool, scope: List[ast.AST]) -> None:
    """`for target in iterable`, as a statement or a comprehension's clause; `scope` is
    the code that can read the target."""
    facts.event(iterable, " iterated", True)
    by = "key"
    if isinstance(iterable, ast.Call):
        name = terminal(iterable.func)
        facts.fact(f"for in {name}()", True)
        if facts.is_array_call(iterable):
            facts.fact("for in array()", True)
        inner = iterable.args[0] if iterable.args else None
        if name == "range" and isinstance(inner, ast.Call):  # `range(len(xs))`
            by, iterable = "index", inner.args[0] if inner.args else inner
        elif isinstance(iterable.func, ast.Attribute):
            iterable = iterable.func.value  # `for k in d.keys()`
        if isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == 2 and name in ("items", "enumerate"):
            if _unused(target, scope):
                facts.fact(f"for a, b in {name}(), one unused", True)
    if isinstance(target, ast.Name) and isinstance(iterable, ast.Name):
        facts.events.append((iterable.id, f" by {by} {target.id}", True))


def _for(facts: Facts, node: ast.For, loop: bool) -> None:
    """Also a loop that only builds a container: `out.append(f(x))`, `s.add(x)` (a copy:
    the item is the loop's target), `d[k] = v`, alone in its body or under an `if`."""
    _iterated(facts, node.target, node.iter, loop, [*node.body, *node.orelse])
    inner = node.body[0] if len(node.body) == 1 and not node.orelse else None
    copied = isinstance(node.target, ast.Name)
    if isinstance(inner, ast.If) and len(inner.body) == 1 and not inner.orelse:
        inner, copied = inner.body[0], False
    if isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Call) and isinstance(inner.value.func, ast.Attribute):
        call, method = inner.value, inner.value.func
        item = call.args[0] if len(call.args) == 1 else None
        copied = copied and isinstance(item, ast.Name) and item.id == node.target.id  # type: ignore[attr-defined]
        facts.event(method.value, f" built by {'copying ' if copied else ''}{method.attr}", True)
    elif isinstance(inner, ast.Assign) and len(inner.targets) == 1 and isinstance(inner.targets[0], ast.Subscript):
        facts.event(inner.targets[0].value, " built by item", True)


def _comprehension(facts: Facts, node: ast.AST, loop: bool) -> None:
    generators = node.generators  # type: ignore[attr-defined]
    element = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]  # type: ignore[attr-defined]
    for index, clause in enumerate(generators):
        _iterated(facts, clause.target, clause.iter, loop, [*element, *clause.ifs, *generators[index + 1:]])
    target = generators[0].target
    names = [t.id for t in (target.elts if isinstance(target, ast.Tuple) else [target]) if isinstance(t, ast.Name)]
    if len(generators) == 1 and not generators[0].ifs and [terminal(e) for e in element] == names:
        facts.fact("identity comprehension", loop)


def _compare(facts: Facts, node: ast.Compare, loop: bool) -> None:
    for op, right in zip(node.ops, node.comparators):
        if not isinstance(op, (ast.In, ast.NotIn)):
            continue
        facts.fact("in" if isinstance(op, ast.In) else "not in", loop)
        facts.event(right, " tested", loop)
        if isinstance(right, (ast.List, ast.Tuple, ast.Set)) and len(right.elts) >= 3:
            facts.fact("in display", loop)
        elif isinstance(right, ast.Call):
            facts.fact(f"in {terminal(right.func)}()", loop)


def _subscript(facts: Facts, node: ast.Subscript, loop: bool) -> None:
    value = node.value
    facts.event(value, "[]", loop)
    if isinstance(value, ast.Name) and isinstance(node.slice, ast.Name):
        facts.events.append((value.id, f"[{node.slice.id}]", loop))
    _picked(facts, value, loop)


def _picked(facts: Facts, value: ast.expr, loop: bool) -> None:
    """`f(...)[i]`, `[...][i]` or their `.pop(0)`: an item picked out of what a call or
    a comprehension (or a display with `*x`) just built."""
    if isinstance(value, ast.Call):
        facts.fact(f"{terminal(value.func)}()[]", loop)
    elif isinstance(value, ast.ListComp) or (isinstance(value, ast.List) and any(isinstance(e, ast.Starred) for e in value.elts)):
        facts.fact("display[]", loop)


def _aug_assign(facts: Facts, node: ast.AugAssign, loop: bool) -> None:
    facts.event(node.target, " +=" if isinstance(node.op, ast.Add) else " op=", loop)


def _function(facts: Facts, node: ast.AST, loop: bool) -> None:
    facts.found.add("def")
    if isinstance(node, ast.AsyncFunctionDef):
        facts.found.add("async def")
    if isinstance(node, _DEFS):
        facts.found.update(facts.decorators(node))
        arguments = node.args
        if not (node.decorator_list or arguments.vararg or arguments.kwarg) and (arguments.args or arguments.kwonlyargs):
            facts.recursive.append(node.name)
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            facts.annotated(arg.arg, arg.annotation)


def _annotated_assignment(facts: Facts, node: ast.AnnAssign, loop: bool) -> None:
    facts.annotated(terminal(node.target), node.annotation)
    facts.assigned([node.target], node.value, loop)


def _declared(facts: Facts, node: ast.Global | ast.Nonlocal, loop: bool) -> None:
    """`global` keeps its region (see engine/triage.py); both give names the kind `global`."""
    if isinstance(node, ast.Global):
        facts.found.add("global")
    for name in node.names:
        facts.bind(name, "global")


# What the pass does at each kind of node (besides walking into it).
_HANDLERS: Dict[type, Callable[[Facts, Any, bool], object]] = {
    ast.Call: _call, ast.Compare: _compare, ast.Subscript: _subscript, ast.AugAssign: _aug_assign,
    ast.FunctionDef: _function, ast.AsyncFunctionDef: _function, ast.Lambda: _function,
    ast.Assign: lambda f, n, loop: f.assigned(n.targets, n.value, loop),
    ast.AnnAssign: _annotated_assignment,
    ast.NamedExpr: lambda f, n, loop: f.assigned([n.target], n.value, loop),
    ast.For: _for, ast.AsyncFor: lambda f, n, loop: _iterated(f, n.target, n.iter, loop, [*n.body, *n.orelse]),
    ast.Await: lambda f, n, loop: f.fact("await", loop),
    ast.Global: _declared, ast.Nonlocal: _declared,
    ast.ClassDef: lambda f, n, loop: f.found.update(f.decorators(n)),
    ast.Try: lambda f, n, loop: f.fact("try", loop),
    **{comprehension: _comprehension for comprehension in _COMPREHENSIONS},
}
