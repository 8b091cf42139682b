"""Whether the data an algorithmic finding's cost grows with can grow at all.

An O(n) search per step is quadratic only if n and the number of steps can grow with
the program's input. The default report wants that shown, and this module answers the
one question the rules ask in different shapes: does the code fix the size? It does for

- a loop over a literal display, a string literal, a small constant `range`, `*args` or
  `**kwargs` (one call's arguments), data the program's structure sizes (an array's
  `shape`, a class's `__mro__`, the parts of `name.split(".")` or of a path), or a name
  bound only to such a thing, and for a `while` loop that walks the digits of a number
  (`while n: n, r = divmod(n, 26)`) or up a path (`path = os.path.dirname(path)`);
- a container bound only to a display with a fixed number of items, or a constructor
  of such a thing, and never grown by a loop that can run many times or by an
  `extend` with data of unknown size.

Everything else counts as able to grow: a parameter, an attribute, the result of a
call. A wrong "fixed" would hide a real finding, so each test errs towards "can grow".
"""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence, Set, Tuple

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.loops import COMPREHENSION_TYPES
from perflint.analysis.scope import Binding, ScopeFacts, Use
from perflint.analysis.shapes import clauses, target_names
from perflint.analysis.walk import children

SMALL_RANGE = 100  # a `range` up to this constant runs a few times, whatever the input
# Calls that make a container from an iterable without changing how many items it has.
_COPIES = frozenset({"list", "tuple", "set", "frozenset", "sorted", "reversed", "iter", "enumerate", "dict"})
# Methods that add to a container (the data they add can grow it without bound).
GROWING = frozenset({"append", "extend", "insert", "add", "update", "appendleft", "extendleft", "setdefault"})
# Data whose size the program's structure fixes, not its input: an array's shape, a
# class's bases and MRO, a namedtuple's fields, the parts of a dotted name or a path.
SMALL_ATTRIBUTES = frozenset({"shape", "strides", "dims", "__mro__", "__bases__", "__slots__", "_fields"})
SMALL_METHODS = frozenset({"mro", "__subclasses__"})
_NAME_SEPARATORS = frozenset({".", "/", "\\", ":"})
KEYWORD_DICTS = frozenset({"kwargs", "kwds", "kw", "kwarg"})
_ADDS_MANY = frozenset({"extend", "update", "extendleft"})
# Builtins that read a container passed to them without keeping or changing it.
_READERS = frozenset({
    "len", "list", "tuple", "set", "frozenset", "sorted", "reversed", "iter", "enumerate", "zip", "sum",
    "min", "max", "any", "all", "print", "str", "repr", "isinstance", "bool", "dict", "map", "filter",
})
_DISPLAYS = (cst.List, cst.Tuple, cst.Set, cst.Dict)
_STRINGS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
# The (scope, name) containers whose size `fixed_container` is deciding, innermost last.
_DECIDING: Set[Tuple[int, str]] = set()


def fixed_iterations(ctx: FileContext, loop: cst.CSTNode) -> bool:
    """Whether `loop` (a `for`, `while` or comprehension) runs a number of times the code
    fixes: over a fixed iterable, or a `while` over the digits of a number."""
    kind = type(loop)
    if kind is cst.For:
        return fixed_iterable(ctx, loop.iter)  # type: ignore[attr-defined]
    if kind is cst.While:
        return _digit_loop(loop)  # type: ignore[arg-type]
    if kind in COMPREHENSION_TYPES:  # each clause multiplies the passes
        return all(fixed_iterable(ctx, clause.iter) for clause in clauses(loop))  # type: ignore[arg-type]
    return False


def all_fixed(ctx: FileContext, loops: Sequence[cst.CSTNode]) -> bool:
    """Whether every loop of `loops` runs a fixed number of times (so what they repeat
    runs a fixed number of times in all)."""
    return all(fixed_iterations(ctx, loop) for loop in loops)


def fixed_iterable(ctx: FileContext, expr: cst.BaseExpression) -> bool:
    """Whether iterating `expr` gives a number of items the code fixes."""
    kind = type(expr)
    if kind in _DISPLAYS:
        return not any(type(e) in (cst.StarredElement, cst.StarredDictElement) for e in expr.elements)  # type: ignore[attr-defined]
    if kind in _STRINGS:
        return True
    if kind is cst.Name:
        return _fixed_name(ctx, expr.value)  # type: ignore[attr-defined]
    if kind is cst.Call:
        return _fixed_call(ctx, expr)  # type: ignore[arg-type]
    if kind is cst.Subscript and all(type(e.slice) is cst.Slice for e in expr.slice):  # type: ignore[attr-defined]
        return fixed_iterable(ctx, expr.value)  # type: ignore[attr-defined]
    if kind is cst.Attribute:
        return expr.attr.value in SMALL_ATTRIBUTES  # type: ignore[attr-defined]
    return False


def _fixed_call(ctx: FileContext, call: cst.Call) -> bool:
    func = call.func
    args = [arg.value for arg in call.args if not arg.keyword and not arg.star]
    if type(func) is cst.Attribute:
        method = func.attr.value
        if method in ("items", "keys", "values") and not call.args:
            return fixed_iterable(ctx, func.value)
        return method in SMALL_METHODS or (method in ("split", "rsplit") and _splits_a_name(ctx, args))
    if type(func) is not cst.Name or ctx.bindings(func.value)[1]:
        return False  # not a builtin (or shadowed)
    name = func.value
    if name == "range":
        return bool(args) and len(args) == len(call.args) and _small_constant(ctx, args[1] if len(args) > 1 else args[0])
    if name == "zip":  # stops at the shortest
        return any(fixed_iterable(ctx, arg) for arg in args)
    if name in _COPIES:
        return not call.args or (len(args) >= 1 and fixed_iterable(ctx, args[0]))
    return False


def _splits_a_name(ctx: FileContext, args: Sequence[cst.BaseExpression]) -> bool:
    """`.split(".")`, `.split("/")`, `.split(os.sep)`: the parts of a dotted name or a
    path, a few whatever the program's input."""
    if not args:
        return False
    sep = args[0]
    if type(sep) is cst.SimpleString:
        return sep.evaluated_value in _NAME_SEPARATORS  # type: ignore[attr-defined]
    return ctx.qualified_name(sep) in ("os.sep", "os.path.sep", "os.altsep")


def _small_constant(ctx: FileContext, expr: cst.BaseExpression) -> bool:
    """An int literal up to SMALL_RANGE, or `len()` of something fixed."""
    if type(expr) is cst.Integer:
        return int(expr.evaluated_value) <= SMALL_RANGE  # type: ignore[attr-defined]
    if type(expr) is cst.Call and type(expr.func) is cst.Name and expr.func.value == "len" and len(expr.args) == 1:  # type: ignore[attr-defined]
        return fixed_iterable(ctx, expr.args[0].value)  # type: ignore[attr-defined]
    return False


def _fixed_name(ctx: FileContext, name: str) -> bool:
    """A `**kwargs` parameter, or a name every binding of which is a fixed display and
    which nothing grows."""
    scope, found = ctx.bindings(name)
    if scope is None or not found:
        return False
    if type(scope) is cst.FunctionDef and name in _star_params(scope) or _keywords_param(found, name):  # type: ignore[arg-type]
        return True
    return fixed_container(ctx, scope, name)


def fixed_container(ctx: FileContext, scope: cst.CSTNode, name: str) -> bool:
    """Whether the container `name` of `scope` holds a number of items the code fixes:
    every binding is a fixed display (or a copy of one), and nothing grows it in a loop
    that can run many times or with data of unknown size.

    A container whose size the question comes back to while it is being decided (a store
    into `d` in a loop over `d.keys()`, a worklist appended to while it is iterated) is
    not known to be fixed: the answer would depend on itself."""
    key = (id(scope), name)
    if key in _DECIDING:
        return False
    _DECIDING.add(key)
    try:
        return _fixed_container(ctx, scope, name)
    finally:
        _DECIDING.discard(key)


def _fixed_container(ctx: FileContext, scope: cst.CSTNode, name: str) -> bool:
    facts = ctx.facts(scope)
    found = facts.bindings.get(name, ())
    if not found or facts.is_shared(name) or not all(_fixed_binding(ctx, b) for b in found):
        return False
    return not any(_grown(ctx, facts, name, use) for use in facts.uses.get(name, ()))


def _fixed_binding(ctx: FileContext, binding: Binding) -> bool:
    if binding.kind not in ("assign", "annassign", "augassign") or binding.value is None:
        return False
    if binding.kind == "augassign" and binding.loops and not all_fixed(ctx, binding.loops):
        return False
    return fixed_iterable(ctx, binding.value)


def _grown(ctx: FileContext, facts: ScopeFacts, name: str, use: Use) -> bool:
    """Whether a use of the container may add to it without a bound: a growing method
    or an item store in a loop (that the container outlives) which can run many times,
    adding an iterable of unknown size, or handing it to code we cannot see (a call
    other than a reading builtin, a nested scope)."""
    parent, grandparent = use.parent, use.grandparent
    if type(parent) is cst.Arg:
        call = grandparent
        return not (type(call) is cst.Call and type(call.func) is cst.Name and call.func.value in _READERS)
    method = use.method()
    stored = type(parent) is cst.Subscript and type(grandparent) in (cst.AssignTarget, cst.AugAssign)
    if method not in GROWING and not stored:
        return False
    if use.nested:
        return True  # grown in a nested function or comprehension: when and how often is unknown
    if method in _ADDS_MANY and not all(fixed_iterable(ctx, arg.value) for arg in grandparent.args):  # type: ignore[union-attr]
        return True
    return not all_fixed(ctx, persisting_loops(facts, name, use.loops))


def persisting_loops(facts: ScopeFacts, name: str, loops: Sequence[cst.CSTNode]) -> List[cst.CSTNode]:
    """The loops of `loops` during which `name` keeps its value (none of its bindings is
    inside them): the loops whose passes a container of that name outlives."""
    return [loop for loop in loops if not rebound_in(facts, name, loop)]


def rebound_in(facts: ScopeFacts, name: str, loop: cst.CSTNode) -> bool:
    """Whether each pass of `loop` may give `name` a new value: a binding in its body,
    or its own target (a `for` target, or a comprehension's, which lives in its scope)."""
    if facts.bindings_in(name, loop):
        return True
    if type(loop) is cst.For:
        return any(n.value == name for n in target_names(loop.target))  # type: ignore[attr-defined]
    if type(loop) in COMPREHENSION_TYPES:
        return any(n.value == name for clause in clauses(loop) for n in target_names(clause.target))  # type: ignore[arg-type]
    return False


def _keywords_param(found: Sequence[Binding], name: str) -> bool:
    """A parameter named for keyword arguments passed on (`kwargs`, `kwds`): a dict of
    the call site's keywords, a few items."""
    return name in KEYWORD_DICTS and all(b.kind == "param" for b in found)


def _star_params(function: cst.FunctionDef) -> List[str]:
    """`*args` and `**kwargs`: the arguments of one call, a few."""
    stars = (function.params.star_arg, function.params.star_kwarg)
    return [star.name.value for star in stars if isinstance(star, cst.Param)]


def _digit_loop(loop: cst.While) -> bool:
    """`while n:` / `while n > 0:` whose body divides `n` (`n //= b`, `n >>= k`,
    `n, r = divmod(n, b)`): it runs once per digit, a few times for any number."""
    test = loop.test
    if type(test) is cst.Comparison and len(test.comparisons) == 1:
        test = test.left
    if type(test) is not cst.Name:
        return False
    name = test.value
    for statement in loop.body.body:  # type: ignore[attr-defined]
        if type(statement) is not cst.SimpleStatementLine:
            continue
        for small in statement.body:
            if type(small) is cst.AugAssign and type(small.target) is cst.Name and small.target.value == name:
                if type(small.operator) in (cst.FloorDivideAssign, cst.RightShiftAssign):
                    return True
            if type(small) is cst.Assign and _binds(small, name) and (
                _divmod_of(small.value, name) or _parent_of(small.value, name)
            ):
                return True
    return False


def _parent_of(value: cst.BaseExpression, name: str) -> bool:
    """`os.path.dirname(name)`, `os.path.split(name)`, `name.parent`: one level up a path."""
    if type(value) is cst.Attribute:
        return value.attr.value == "parent" and type(value.value) is cst.Name and value.value.value == name
    if type(value) is not cst.Call or type(value.func) is not cst.Attribute:
        return False
    first = value.args[0].value if value.args else None
    return value.func.attr.value in ("dirname", "split") and type(first) is cst.Name and first.value == name


def _binds(assign: cst.Assign, name: str) -> bool:
    return any(n.value == name for t in assign.targets for n in target_names(t.target))


def _divmod_of(value: cst.BaseExpression, name: str) -> bool:
    if type(value) is not cst.Call or type(value.func) is not cst.Name or value.func.value != "divmod":
        return False
    return bool(value.args) and type(value.args[0].value) is cst.Name and value.args[0].value.value == name  # type: ignore[attr-defined]


def fixed_accumulation(ctx: FileContext, outermost: cst.CSTNode) -> bool:
    """Whether an accumulator added to at the current node grows a fixed number of times:
    every loop from the node out to `outermost` (the loop its initial value comes right
    before) runs a fixed number of times."""
    loops = ctx.loops()
    upto = next((i for i, loop in enumerate(loops) if loop is outermost), len(loops) - 1)
    return all_fixed(ctx, loops[: upto + 1])


def fixed_rebinding(
    ctx: FileContext, scope: cst.CSTNode, name: str, loops: Sequence[cst.CSTNode], continues: Callable[[Binding], bool]
) -> bool:
    """Like `fixed_accumulation`, for an accumulator rebound by each step (`acc = acc +
    [v]`, `xs = xs[1:]`, `arr = np.append(arr, v)`): `continues` tells those steps from
    the bindings that start it afresh; the loops that contain no fresh start all run a
    fixed number of times."""
    starts = [b for b in ctx.facts(scope).bindings.get(name, ()) if not continues(b)]
    outlived = [loop for loop in loops if not any(any(lp is loop for lp in b.loops) for b in starts)]
    return all_fixed(ctx, outlived)


def same_data_loops(ctx: FileContext, expr: cst.BaseExpression) -> List[cst.CSTNode]:
    """The loops around the current node that do not rebind a name `expr` reads: the
    loops in which `expr` keeps meaning the same data, so that an O(n) step on it is
    repeated on the same n (a copy of a different small item each pass is not)."""
    loops = ctx.loops()
    scope = ctx.function()
    if not loops or scope is None:
        return []
    facts = ctx.facts(scope)
    names = {node.value for node in _names_read(expr)}
    return [loop for loop in loops if not any(rebound_in(facts, name, loop) for name in names)]


def _names_read(expr: cst.CSTNode) -> List[cst.Name]:
    found: List[cst.Name] = []
    stack: List[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if type(node) is cst.Name:
            found.append(node)  # type: ignore[arg-type]
        elif type(node) is cst.Attribute:
            stack.append(node.value)  # type: ignore[attr-defined]
        else:
            stack.extend(children(node))
    return found


def fixed_size(ctx: FileContext, scope: Optional[cst.CSTNode], name: Optional[str], loops: Sequence[cst.CSTNode]) -> bool:
    """The evidence algorithmic rules give `Rule.report`: whether an operation on the
    container `name` of `scope`, repeated by `loops` (innermost first), works on data
    the code keeps small: the loops the container outlives all run a fixed number of
    times, or the container itself holds a fixed number of items. Without a name (an
    attribute, an item), only the loops can show it."""
    if scope is None or name is None:
        return all_fixed(ctx, loops)
    facts = ctx.facts(scope)
    return all_fixed(ctx, persisting_loops(facts, name, loops)) or fixed_container(ctx, scope, name)
