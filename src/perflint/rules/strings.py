"""PFL2xx: building strings and bytes piece by piece.

CPython extends a str in place for `s += t` only when `s` is a plain local variable that
holds the sole reference to the string. Every other target (attribute, subscript, global,
nonlocal or closure variable) and every bytes object is copied whole on each `+=`, so
accumulating in a loop is quadratic there; a local str accumulator is linear, but a list
of parts joined once is still faster.

The accumulator rules share one analysis: starting at the `+=`, look back through the
enclosing blocks for the statement that last set the target. The loops passed on the way
are the loops that accumulate; the statements passed after the outermost of them lie
between the initial value and the loop.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Callable, ClassVar, Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.growth import fixed_accumulation
from perflint.analysis.scope import Binding, ScopeFacts, Use
from perflint.analysis.walk import Visitor, visit
from perflint.model import Applicability, Bench, Bound, Edit, Example, Finding, Fix, Impact
from perflint.rules import rewrite
from perflint.rules.base import Rule, register
from perflint.rules.hints import LOOP, Region

LoopStatement = Union[cst.For, cst.While]
Target = cst.BaseAssignTargetExpression

# Builtins that run no user code on str arguments beyond `__str__`/`__format__`-like hooks.
_PLAIN_BUILTINS = frozenset((
    "abs", "ascii", "bin", "bool", "chr", "enumerate", "float", "format", "hex", "int", "isinstance",
    "len", "max", "min", "oct", "ord", "range", "repr", "reversed", "round", "sorted", "str", "zip",
))


# -- small facts about expressions and statements -------------------------------------------
def _literal_kind(expr: Optional[cst.BaseExpression]) -> Optional[str]:
    """"str" or "bytes" for a string literal or f-string, else None."""
    if isinstance(expr, cst.ConcatenatedString):
        return _literal_kind(expr.left)
    if isinstance(expr, cst.SimpleString):
        return "bytes" if "b" in expr.prefix.lower() else "str"
    if isinstance(expr, cst.FormattedString):
        return "str"
    return None


def _is_empty_literal(expr: Optional[cst.BaseExpression]) -> bool:
    return isinstance(expr, cst.SimpleString) and not expr.evaluated_value


def _after_leading(expr: cst.BaseExpression, target: Target) -> Optional[cst.BaseExpression]:
    """`a + b` for `target + a + b`: what is added to `target` by a chain of `+`."""
    if not isinstance(expr, cst.BinaryOperation) or not isinstance(expr.operator, cst.Add):
        return None
    if expr.left.deep_equals(target):
        return expr.right
    rest = _after_leading(expr.left, target)
    return None if rest is None else expr.with_changes(left=rest)


def _accumulation(stmt: cst.CSTNode) -> Optional[Tuple[Target, cst.BaseExpression]]:
    """(target, added value) of `t += v` or `t = t + v`."""
    if isinstance(stmt, cst.AugAssign) and isinstance(stmt.operator, cst.AddAssign):
        return stmt.target, stmt.value
    if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0].target
        added = _after_leading(stmt.value, target)
        if added is not None:
            return target, added
    return None


def _assigned(stmt: cst.CSTNode, target: Target) -> Optional[cst.BaseExpression]:
    """The value of `target = value` (or `target: T = value`), if `stmt` is that."""
    if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1 and stmt.targets[0].target.deep_equals(target):
        return stmt.value
    if isinstance(stmt, cst.AnnAssign) and stmt.value is not None and stmt.target.deep_equals(target):
        return stmt.value
    return None


def _is_numeric(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, (cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(expr, cst.UnaryOperation):
        return _is_numeric(expr.expression)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name):
        return expr.func.value in ("len", "int", "float", "sum", "abs", "round")
    if isinstance(expr, cst.BinaryOperation):
        return _is_numeric(expr.left) or _is_numeric(expr.right)
    return False


def _read_names(expr: cst.CSTNode) -> List[cst.Name]:
    """Variables read by a plain target expression (`d[k].x` -> d, k)."""
    if isinstance(expr, cst.Name):
        return [expr]
    if isinstance(expr, cst.Attribute):
        return _read_names(expr.value)
    if isinstance(expr, cst.Subscript):
        found = _read_names(expr.value)
        for element in expr.slice:
            if isinstance(element.slice, cst.Index):
                found += _read_names(element.slice.value)
        return found
    return []


def _bound_names(target: cst.BaseExpression) -> Set[str]:
    """Names bound by an assignment target such as `a, (b, *c)`."""
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {name for element in target.elements for name in _bound_names(element.value)}
    if isinstance(target, cst.StarredElement):
        return _bound_names(target.value)
    return set()


def _is_plain_target(expr: cst.BaseExpression) -> bool:
    """Names, attributes and subscripts by names or constants: cheap to evaluate twice."""
    if isinstance(expr, cst.Name):
        return True
    if isinstance(expr, cst.Attribute):
        return _is_plain_target(expr.value)
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1:
        index = expr.slice[0].slice
        return (
            _is_plain_target(expr.value)
            and isinstance(index, cst.Index)
            and (isinstance(index.value, (cst.Integer, cst.SimpleString)) or _is_plain_target(index.value))
        )
    return False


class _Search(Visitor):
    """Whether a subtree holds a node matching a predicate (stops descending once found)."""

    def __init__(self, wanted: Callable[[cst.CSTNode], bool]) -> None:
        super().__init__()
        self.wanted = wanted
        self.found = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not self.found and self.wanted(node):
            self.found = True
        return not self.found




def _contains(trees: Sequence[cst.CSTNode], wanted: Callable[[cst.CSTNode], bool]) -> bool:
    search = _Search(wanted)
    for tree in trees:
        visit(tree, search)
        if search.found:
            return True
    return False


def _mentions(names: FrozenSet[str]) -> Callable[[cst.CSTNode], bool]:
    return lambda node: isinstance(node, cst.Name) and node.value in names


# -- where the accumulation starts ------------------------------------------------------------
@dataclass
class _Start:
    """The statement that set the target before the loop, and the loop that accumulates."""

    init: cst.BaseSmallStatement
    value: cst.BaseExpression
    loop: LoopStatement
    between: List[cst.CSTNode]  # statements run after `init` and before `loop`
    direct: bool  # `init` is in the loop's own block and nothing runs in between
    own_line: bool  # ... and it is alone on its line


def _siblings(parent: cst.CSTNode) -> Optional[Sequence[cst.CSTNode]]:
    if isinstance(parent, (cst.IndentedBlock, cst.Module, cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return parent.body
    return None


def _earlier(siblings: Sequence[cst.CSTNode], node: cst.CSTNode) -> Iterator[Tuple[cst.CSTNode, bool]]:
    """Statements run before `node` in its block, nearest first, lines split into their
    small statements; the flag tells a small statement alone on its line."""
    for i in range(len(siblings) - 1, -1, -1):
        if siblings[i] is node:
            for prev in reversed(siblings[:i]):
                if isinstance(prev, cst.SimpleStatementLine):
                    for small in reversed(prev.body):
                        yield small, len(prev.body) == 1
                else:
                    yield prev, False
            return


def _find_start(ctx: FileContext, target: Target) -> Tuple[Optional[_Start], bool]:
    """Where the value accumulated by the statement being visited was set, in its function.

    Returns (start, reset): `reset` is True when the target is set again earlier in the
    same iteration (nothing accumulates across iterations); `start` is None when no
    statement before the loop sets it (an attribute set in `__init__`, say).
    """
    ancestors = ctx.ancestors
    loop: Optional[LoopStatement] = None
    between: List[cst.CSTNode] = []
    for i in range(len(ancestors) - 1, 0, -1):
        node, parent = ancestors[i], ancestors[i - 1]
        if isinstance(parent, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            break
        if isinstance(parent, (cst.For, cst.While)) and node is parent.body:
            loop, between = parent, []
        siblings = _siblings(parent)
        if siblings is None:
            continue
        for prev, alone in _earlier(siblings, node):
            value = _assigned(prev, target)
            if value is None:
                between.append(prev)
            elif loop is None:
                return None, True
            else:
                direct = node is loop and not between
                return _Start(prev, value, loop, between, direct, direct and alone), False  # type: ignore[arg-type]
    return None, False


def _exits_unobserved(ctx: FileContext, loop: LoopStatement, names: FrozenSet[str]) -> bool:
    """No `else:` of the loop and no handler or `finally` around it reads `names`: the
    value is next read after the loop, where a fix can complete it."""
    if loop.orelse is not None and _contains([loop.orelse], _mentions(names)):
        return False
    ancestors = ctx.ancestors
    for k in range(_index(ctx, loop) - 1, -1, -1):
        node, child = ancestors[k], ancestors[k + 1]
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            break
        if isinstance(node, (cst.Try, cst.TryStar)):
            parts: List[cst.CSTNode] = [h for h in node.handlers if h is not child]
            if node.finalbody is not None and node.finalbody is not child:
                parts.append(node.finalbody)
            if _contains(parts, _mentions(names)):
                return False
    return True


def _fresh_name(facts: ScopeFacts, hint: str) -> str:
    taken = facts.bindings.keys() | facts.uses.keys()
    for candidate in (f"{hint}_parts", "parts"):
        if candidate not in taken:
            return candidate
    n = 2
    while f"{hint}_parts{n}" in taken:
        n += 1
    return f"{hint}_parts{n}"


def _to_append(parts: str) -> Callable[[cst.CSTNode], cst.CSTNode]:
    """`t += v` / `t = t + v` -> `parts.append(v)`."""

    def replace(updated: cst.CSTNode) -> cst.CSTNode:
        found = _accumulation(updated)
        if found is None or not isinstance(updated, (cst.AugAssign, cst.Assign)):
            raise ValueError("accumulation changed under the fix")
        call = cst.Call(
            func=cst.Attribute(cst.Name(parts), cst.Name("append")),
            args=[cst.Arg(rewrite.sole_argument(found[1]))],
        )
        return cst.Expr(call, semicolon=updated.semicolon)

    return replace


def _join_fix(
    rule: Rule, ctx: FileContext, facts: ScopeFacts, start: _Start, target: Target,
    statements: Sequence[cst.CSTNode], hint: str,
) -> Optional[Fix]:
    """Collect the parts in a list during the loop and join them once after it; None where
    a handler inside the loop catches the TypeError of adding a non-str (the join after
    the loop would raise it out of that handler's reach)."""
    if any(ctx.is_caught(stmt, ("TypeError",), start.loop) for stmt in statements):
        return None
    parts = _fresh_name(facts, hint)
    code = rewrite.code_of(ctx, target)
    empty = _is_empty_literal(start.value)
    edits = [Edit(stmt, replace=_to_append(parts)) for stmt in statements]
    empty_string = rewrite.quote(ctx) * 2
    after = rewrite.statement(ctx, f'{code} {"=" if empty else "+="} {empty_string}.join({parts})')
    if empty and start.own_line and isinstance(start.init, cst.Assign):
        init = rewrite.statement(ctx, f"{parts} = []")
        edits.append(rewrite.replace(start.init, init.body[0]))  # type: ignore[attr-defined]
        edits.append(Edit(start.loop, after=(after,)))
    else:
        edits.append(Edit(start.loop, before=(rewrite.statement(ctx, f"{parts} = []"),), after=(after,)))
    return rule.make_fix(*edits)


# -- local accumulators (PFL202, PFL203) ----------------------------------------------------------
@dataclass
class _Local:
    """A local name set to a literal before a loop and only added to inside it."""

    target: cst.Name
    kind: str  # "str" or "bytes"
    facts: ScopeFacts
    start: _Start
    statements: List[cst.CSTNode]  # the accumulating statements in the loop
    reads: List[Use]  # other reads of the name in the loop
    closure: bool  # a nested function reads it

    @property
    def name(self) -> str:
        return self.target.value

    @property
    def names(self) -> FrozenSet[str]:
        return frozenset((self.target.value,))


def _local_accumulator(ctx: FileContext, node: cst.BaseSmallStatement) -> Optional[_Local]:
    found = _accumulation(node)
    if found is None or not isinstance(found[0], cst.Name):
        return None
    function = ctx.function()
    if not isinstance(function, cst.FunctionDef) or not ctx.loops():
        return None
    name = found[0].value
    facts = ctx.facts(function)
    if facts.is_shared(name):
        return None
    start, _ = _find_start(ctx, found[0])
    kind = _literal_kind(start.value) if start is not None else None
    if start is None or kind is None:
        return None
    statements: List[cst.CSTNode] = []
    for binding in facts.bindings_in(name, start.loop):
        accumulated = binding.statement is not None and _accumulation(binding.statement)
        if not accumulated or not accumulated[0].deep_equals(found[0]):
            return None  # set to something else inside the loop
        statements.append(binding.statement)  # type: ignore[arg-type]
    if not _unchanged_before(ctx, facts, name, start):
        return None
    accumulating = {id(_accumulated_name(stmt)) for stmt in statements}
    reads = [u for u in facts.uses_in(name, start.loop) if id(u.node) not in accumulating]
    closure = any(u.nested for u in facts.uses.get(name, ()))
    return _Local(found[0], kind, facts, start, statements, reads, closure)




def _accumulated_name(stmt: cst.CSTNode) -> cst.CSTNode:
    """The read of the target in `t += v` (the target) or `t = t + v` (the left operand)."""
    if isinstance(stmt, cst.Assign):
        expr = stmt.value
        while isinstance(expr, cst.BinaryOperation):
            expr = expr.left
        return expr
    return stmt.target  # type: ignore[attr-defined,no-any-return]


def _unchanged_before(ctx: FileContext, facts: ScopeFacts, name: str, start: _Start) -> bool:
    """Nothing binds `name` between its literal and the loop (nor in the loop's header or
    the statements around the loop), so it still holds that literal's type."""
    statements = {id(b.statement) for b in facts.bindings.get(name, ()) if b.statement is not start.init}
    if _contains(start.between, lambda n: id(n) in statements):
        return False
    for node in reversed(ctx.ancestors[: _index(ctx, start.loop) + 1]):
        if isinstance(node, cst.FunctionDef):
            return True
        if id(node) in statements:
            return False
    return True


def _index(ctx: FileContext, node: cst.CSTNode) -> int:
    return next(i for i, ancestor in enumerate(ctx.ancestors) if ancestor is node)


# -- attribute, item, global and nonlocal accumulators (PFL201, PFL203) ---------------------------
_UNKNOWN = cst.Name("_")  # stands for a write whose value is not a literal


class _Writes(Visitor):
    """Every write to an attribute or item in a tree, keyed by the target's code."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self.module = module
        self.values: Dict[str, List[Optional[cst.BaseExpression]]] = {}

    def _add(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._add(element.value, _UNKNOWN)
        elif isinstance(target, (cst.Attribute, cst.Subscript, cst.StarredElement)):
            inner = target.value if isinstance(target, cst.StarredElement) else target
            self.values.setdefault(self.module.code_for_node(inner), []).append(value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._add(target.target, node.value if len(node.targets) == 1 else _UNKNOWN)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._add(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        # None: adds to the value (keeps a str a str); anything else is unknown.
        self._add(node.target, None if isinstance(node.operator, cst.AddAssign) else _UNKNOWN)

    def visit_For(self, node: cst.For) -> None:
        self._add(node.target, _UNKNOWN)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._add(node.asname.name, _UNKNOWN)


def _kind_of(values: Sequence[Optional[cst.BaseExpression]]) -> Optional[str]:
    """The one literal type all plain writes store ("str"/"bytes"), if there is one."""
    kinds = set()
    for value in values:
        if value is not None:
            kinds.add(_literal_kind(value))
    return kinds.pop() if len(kinds) == 1 else None


def _binding_values(bindings: Sequence[Binding]) -> List[Optional[cst.BaseExpression]]:
    """What each binding stores: its value, None for an addition, `_UNKNOWN` otherwise."""
    values: List[Optional[cst.BaseExpression]] = []
    for binding in bindings:
        kind, statement, value = binding.kind, binding.statement, binding.value
        if kind in ("assign", "annassign") and statement is not None and _accumulation(statement):
            values.append(None)
        elif kind in ("assign", "annassign"):
            values.append(value)
        elif kind == "augassign" and isinstance(statement, cst.AugAssign) and isinstance(statement.operator, cst.AddAssign):
            values.append(None)
        else:
            values.append(_UNKNOWN)
    return values


@dataclass
class _Shared:
    """An attribute, item, global or nonlocal added to in a loop, known to hold `kind`."""

    target: Target
    kind: str
    facts: ScopeFacts
    start: Optional[_Start]
    names: FrozenSet[str]  # the variables the target reads


class _SharedTargets:
    """Finds `_Shared` accumulators; remembers the writes of each function and class."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._writes: Dict[int, _Writes] = {}

    def writes(self, tree: cst.CSTNode) -> _Writes:
        found = self._writes.get(id(tree))
        if found is None:
            found = self._writes[id(tree)] = _Writes(self.ctx.module)
            visit(tree, found)
        return found

    def find(self, node: cst.BaseSmallStatement) -> Optional[_Shared]:
        found = _accumulation(node)
        if found is None or _is_numeric(found[1]) or not _is_plain_target(found[0]):
            return None
        target = found[0]
        ctx = self.ctx
        function = ctx.function()
        if not isinstance(function, cst.FunctionDef):
            return None
        loops = ctx.loops()
        if not loops:
            return None
        facts = ctx.facts(function)
        if isinstance(target, cst.Name):
            kind = self._variable_kind(facts, target.value)
        else:
            kind = self._item_kind(function, facts, target, loops[0])
        if kind is None:
            return None
        start, reset = _find_start(ctx, target)
        if reset or self._set_in_loop(facts, target, start.loop if start is not None else loops[-1]):
            return None
        names = frozenset(n.value for n in _read_names(target))
        return _Shared(target, kind, facts, start, names)

    def _set_in_loop(self, facts: ScopeFacts, target: Target, loop: cst.CSTNode) -> bool:
        """Whether the loop also sets the target afresh (short segments, not one string)."""
        if isinstance(target, cst.Name):
            return any(b.statement is None or not _accumulation(b.statement) for b in facts.bindings_in(target.value, loop))
        return any(value is not None for value in self.writes(loop).values.get(self.ctx.module.code_for_node(target), ()))

    def _variable_kind(self, facts: ScopeFacts, name: str) -> Optional[str]:
        """The literal type of a global or nonlocal name, from all its visible bindings."""
        ctx = self.ctx
        owner: Optional[ScopeFacts] = None
        if name in facts.declared_global:
            owner = ctx.facts(ctx.module)
        elif name in facts.declared_nonlocal:
            for scope in ctx.scopes()[1:]:
                scope_facts = ctx.facts(scope)
                if isinstance(scope, cst.FunctionDef) and name in scope_facts.bindings:
                    owner = scope_facts if name not in scope_facts.declared_nonlocal else None
                    break
        if owner is None:
            return None
        return _kind_of(_binding_values([*owner.bindings.get(name, ()), *facts.bindings.get(name, ())]))

    def _item_kind(
        self, function: cst.FunctionDef, facts: ScopeFacts, target: Target, loop: cst.CSTNode
    ) -> Optional[str]:
        """The literal type stored in an attribute or item, from the writes to it in the
        function (and, for `self.x`, in the class); None unless the same object is added
        to on every iteration (`lines[i] += x` adds to a different item each time)."""
        if _is_str_defaultdict(self.ctx, facts, target):
            return "str"
        if any(facts.bindings_in(name.value, loop) for name in _read_names(target)):
            return None
        code = self.ctx.module.code_for_node(target)
        values = list(self.writes(function).values.get(code, ()))
        cls = self._method_class(function, target)
        if cls is not None:
            values = list(self.writes(cls).values.get(code, ()))
            attr = target.attr.value  # type: ignore[attr-defined]
            values += _binding_values(self.ctx.facts(cls).bindings.get(attr, ()))
        return _kind_of(values)

    def _method_class(self, function: cst.FunctionDef, target: Target) -> Optional[cst.ClassDef]:
        """The class of a method, when `target` is `self.attr` (self: its first parameter)."""
        params = function.params.posonly_params or function.params.params
        if not params or not isinstance(target, cst.Attribute) or not isinstance(target.value, cst.Name):
            return None
        if target.value.value != params[0].name.value:
            return None
        ancestors = self.ctx.ancestors
        index = _index(self.ctx, function)
        cls = ancestors[index - 2] if index >= 2 else None
        return cls if isinstance(cls, cst.ClassDef) else None


def _is_str_defaultdict(ctx: FileContext, facts: ScopeFacts, target: Target) -> bool:
    """`d[k]` where the local `d` is `collections.defaultdict(str)`."""
    if not isinstance(target, cst.Subscript) or not isinstance(target.value, cst.Name):
        return False
    value = facts.sole_value(target.value.value)
    return (
        isinstance(value, cst.Call)
        and len(value.args) == 1
        and isinstance(value.args[0].value, cst.Name)
        and value.args[0].value.value == "str"
        and value.args[0].keyword is None
        and ctx.qualified_name(value.func) == "collections.defaultdict"
    )


class _LoopBody(Visitor):
    """What a loop does besides adding to `target`: other reads of the variables the
    target reads, calls that could read the target, and suspensions (yield, await)."""

    def __init__(self, ctx: FileContext, facts: ScopeFacts, loop: LoopStatement, target: Target, names: FrozenSet[str]) -> None:
        super().__init__()
        self.ctx, self.facts, self.loop, self.target, self.names = ctx, facts, loop, target, names
        self.statements: List[cst.CSTNode] = []
        self.allowed: Set[int] = set()
        self.mentions: List[cst.Name] = []
        self.opaque = False
        self.loop_names = _bound_names(loop.target) if isinstance(loop, cst.For) else set()

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._write(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._write(node)

    def _write(self, node: Union[cst.AugAssign, cst.Assign]) -> None:
        found = _accumulation(node)
        if found is not None and found[0].deep_equals(self.target):
            self.statements.append(node)
            reads = [found[0], _accumulated_name(node)]
            self.allowed |= {id(name) for read in reads for name in _read_names(read)}

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.names:
            self.mentions.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        visit(node.value, self)
        return False

    def visit_Yield(self, node: cst.Yield) -> None:
        self.opaque = True

    def visit_Await(self, node: cst.Await) -> None:
        self.opaque = True

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name):
            plain = func.value in _PLAIN_BUILTINS and self.ctx.bindings(func.value)[0] is None
        elif isinstance(func, cst.Attribute):
            receiver = func.value
            plain = isinstance(receiver, (cst.SimpleString, cst.ConcatenatedString)) or (
                isinstance(receiver, cst.Name)
                and receiver.value not in self.names
                and (receiver.value in self.loop_names or bool(self.facts.bindings_in(receiver.value, self.loop)))
            )
        else:
            plain = False
        self.opaque = self.opaque or not plain

    def alone(self) -> bool:
        """Nothing in the loop but the additions can see the target."""
        return not self.opaque and all(id(name) in self.allowed for name in self.mentions)


def _shared_fix(rule: Rule, ctx: FileContext, found: _Shared) -> Optional[Fix]:
    """The join fix, when the target is set right before the loop and nothing in the loop
    (no call into other code, no other read) can observe it before the loop ends."""
    start = found.start
    if start is None or not start.direct or not _exits_unobserved(ctx, start.loop, found.names):
        return None
    body = _LoopBody(ctx, found.facts, start.loop, found.target, found.names)
    parts: List[cst.CSTNode] = [start.loop.body]
    if isinstance(start.loop, cst.While):
        parts.append(start.loop.test)
    if start.loop.orelse is not None:
        parts.append(start.loop.orelse)
    for part in parts:
        visit(part, body)
    if not body.alone():
        return None
    target = found.target
    hint = target.value if isinstance(target, cst.Name) else target.attr.value if isinstance(target, cst.Attribute) else "item"
    return _join_fix(rule, ctx, found.facts, start, target, body.statements, hint)


def _bytearray_fix(rule: Rule, ctx: FileContext, local: _Local) -> Fix:
    """Accumulate in a bytearray (extended in place) and turn it back into bytes after."""
    name, start = local.name, local.start
    edits = [Edit(stmt, replace=_to_augmented) for stmt in local.statements if isinstance(stmt, cst.Assign)]
    after = rewrite.statement(ctx, f"{name} = bytes({name})")
    if start.own_line and isinstance(start.init, cst.Assign):
        initial = "" if _is_empty_literal(start.value) else rewrite.code_of(ctx, start.value)
        value = rewrite.expression(ctx, f"bytearray({initial})")
        edits.append(Edit(start.init, replace=lambda updated: updated.with_changes(value=value)))
        edits.append(Edit(start.loop, after=(after,)))
    else:
        before = rewrite.statement(ctx, f"{name} = bytearray({name})")
        edits.append(Edit(start.loop, before=(before,), after=(after,)))
    return rule.make_fix(*edits)


def _to_augmented(updated: cst.CSTNode) -> cst.CSTNode:
    """`t = t + v` -> `t += v`."""
    found = _accumulation(updated)
    if found is None or not isinstance(updated, cst.Assign):
        raise ValueError("accumulation changed under the fix")
    return cst.AugAssign(found[0], cst.AddAssign(), found[1], semicolon=updated.semicolon)


# -- triage: where the accumulator rules can fire (see `Rule.may_fire`) ---------------------------
# The rules need an addition (`t += v`, `t = t + v`) in a loop of a function, to a target
# seen to hold a literal of their kind. Regions are judged from a walk over their
# statements (never their expressions), which is exact where regular expressions would
# trip over parentheses, continuations and comments.
_AST_KINDS: Dict[type, str] = {str: "str", bytes: "bytes"}
_AST_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_AST_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_AST_BLOCKS = ("body", "orelse", "finalbody")


def _ast_kind(value: Optional[ast.expr]) -> Optional[str]:
    """"str" or "bytes" for what `_literal_kind` calls a literal, as `ast` parses it."""
    if isinstance(value, ast.Constant):
        return _AST_KINDS.get(type(value.value))
    return "str" if isinstance(value, ast.JoinedStr) else None


def _ast_key(expr: ast.expr) -> Optional[str]:
    """A key for a target built of names, attributes and subscripts, the same for any two
    such targets libcst prints alike (a subscript's index is left out: coarser is safe)."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, (ast.Attribute, ast.Subscript)):
        inner = _ast_key(expr.value)
        if inner is None:
            return None
        return f"{inner}.{expr.attr}" if isinstance(expr, ast.Attribute) else f"{inner}[]"
    return None


def _ast_added(stmt: ast.stmt) -> Optional[ast.expr]:
    """The target of `t += v` or `t = t + a + b`, as `_accumulation` finds it."""
    if isinstance(stmt, ast.AugAssign):
        return stmt.target if isinstance(stmt.op, ast.Add) else None
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
        return None
    value = stmt.value
    if not isinstance(value, ast.BinOp):
        return None
    while isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        value = value.left
    key = _ast_key(value)
    return stmt.targets[0] if key is not None and key == _ast_key(stmt.targets[0]) else None


def _is_str_call(value: Optional[ast.expr]) -> bool:
    """A call with `str` as its only argument (`defaultdict(str)`, by any name)."""
    if not isinstance(value, ast.Call) or len(value.args) != 1 or value.keywords:
        return False
    arg = value.args[0]
    arg = arg.value if isinstance(arg, ast.Starred) else arg
    return isinstance(arg, ast.Name) and arg.id == "str"


class _Function:
    """What one function's own statements (not those of nested scopes) do."""

    __slots__ = ("inits", "added", "shared")

    def __init__(self) -> None:
        self.inits: Dict[str, Set[str]] = {"str": set(), "bytes": set()}  # names set to a literal
        self.added: Set[str] = set()  # names added to in a loop
        self.shared: Set[str] = set()  # names declared global or nonlocal


class _Seen:
    """What the accumulator rules look for in a region."""

    __slots__ = ("local", "shared_names", "added", "writes", "class_attrs", "str_calls")

    def __init__(self) -> None:
        # a function sets a local to a literal of the kind and adds to it in a loop
        self.local = {"str": False, "bytes": False}
        self.shared_names = False  # a function adds to a global or nonlocal in a loop
        self.added: Set[str] = set()  # keys of attributes and items added to in a loop of a function
        self.writes: Dict[str, Set[str]] = {"str": set(), "bytes": set()}  # ... set to a literal
        self.class_attrs: Dict[str, Set[str]] = {"str": set(), "bytes": set()}  # set in a class body
        self.str_calls: Set[str] = set()  # names set to `f(str)` (`defaultdict(str)`)

    def scan(self, body: Sequence[ast.stmt], function: Optional[_Function], in_loop: bool, in_class: bool) -> None:
        for stmt in body:
            if isinstance(stmt, _AST_DEFS):
                inner = _Function()
                self.scan(stmt.body, inner, False, False)
                for kind, names in inner.inits.items():
                    self.local[kind] = self.local[kind] or not names.isdisjoint(inner.added)
                self.shared_names = self.shared_names or not inner.shared.isdisjoint(inner.added)
            elif isinstance(stmt, ast.ClassDef):
                self.scan(stmt.body, None, False, True)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                self.simple(stmt, function, in_loop, in_class)
            elif isinstance(stmt, (ast.Global, ast.Nonlocal)):
                if function is not None:
                    function.shared.update(stmt.names)
            else:
                looping = in_loop or isinstance(stmt, _AST_LOOPS)
                self.scan(getattr(stmt, "body", ()), function, looping, in_class)
                for field in _AST_BLOCKS[1:]:
                    self.scan(getattr(stmt, field, ()), function, in_loop, in_class)
                for part in [*getattr(stmt, "handlers", ()), *getattr(stmt, "cases", ())]:
                    self.scan(part.body, function, in_loop, in_class)

    def simple(self, stmt: Union[ast.Assign, ast.AnnAssign, ast.AugAssign], function: Optional[_Function], in_loop: bool, in_class: bool) -> None:
        if function is not None and in_loop:
            target = _ast_added(stmt)
            if isinstance(target, ast.Name):
                function.added.add(target.id)
            elif target is not None:
                key = _ast_key(target)
                if key is not None:
                    self.added.add(key)
        if isinstance(stmt, ast.AugAssign) or stmt.value is None:
            return
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        kind = _ast_kind(stmt.value)
        str_call = _is_str_call(stmt.value)
        for target in targets:
            if isinstance(target, ast.Name):
                if kind is not None and function is not None and len(targets) == 1:
                    function.inits[kind].add(target.id)
                if kind is not None and in_class:
                    self.class_attrs[kind].add(target.id)
                if str_call:
                    self.str_calls.add(target.id)
            elif kind is not None and len(targets) == 1:
                key = _ast_key(target)
                if key is not None:
                    self.writes[kind].add(key)

    def shared(self, kind: str) -> bool:
        """Whether an attribute, item, global or nonlocal added to in a loop can be known
        to hold `kind` (see `_SharedTargets`)."""
        if self.shared_names:
            return True
        for key in self.added:
            if key in self.writes[kind]:
                return True
            head, _, attr = key.rpartition(".")
            if head and attr in self.class_attrs[kind]:  # `self.attr` set in the class body
                return True
            if kind == "str" and key.endswith("[]") and key[:-2] in self.str_calls:
                return True
        return False


def _scan(region: Region) -> Optional[_Seen]:
    """What the accumulator rules look for in `region` (None: unknown, as for a whole
    file); see `_seen`."""
    if region.node is None:
        return None
    seen = _Seen()
    seen.scan([region.node], None, False, False)
    return seen


def _seen(region: Region) -> Optional[_Seen]:
    """`_scan`, once per region for all the accumulator rules."""
    return region.derived(_scan)


class _AccumulatorRule(Rule):
    """Reports each accumulator once per loop, at its first addition."""

    hints: ClassVar[Tuple[str, ...]] = (LOOP, r"\+")
    reads_class = True  # attribute accumulators: what else the class assigns to them

    def __init__(self, ctx: FileContext, findings: List[Finding]) -> None:
        super().__init__(ctx, findings)
        self._reported: Set[Tuple[int, str]] = set()
        self._targets = _SharedTargets(ctx)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.operator, cst.AddAssign):
            self.check(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.BinaryOperation) and isinstance(node.value.operator, cst.Add):
            self.check(node)

    def check(self, node: cst.BaseSmallStatement) -> None:
        raise NotImplementedError

    def first(self, loop: cst.CSTNode, target: cst.CSTNode) -> bool:
        key = (id(loop), self.ctx.module.code_for_node(target))
        if key in self._reported:
            return False
        self._reported.add(key)
        return True

    def shared(self, node: cst.BaseSmallStatement, kind: str) -> Optional[_Shared]:
        found = self._targets.find(node)
        if found is None or found.kind != kind:
            return None
        return found if self.first(self.outermost(found), found.target) else None

    def outermost(self, found: _Shared) -> cst.CSTNode:
        """The loop whose passes the shared accumulator lives through."""
        return found.start.loop if found.start is not None else self.ctx.loops()[-1]


@register
class QuadraticStrConcat(_AccumulatorRule):
    """Only a plain local str can be extended in place by `+=`. When the string lives in
    an attribute, a container item, a global or a nonlocal, the container keeps a second
    reference, so every `+=` copies the whole string built so far: accumulating n parts
    costs O(n^2). Collect the parts in a list and `"".join` them once (30x faster at 20,000
    five-character parts, measured; the gap grows with the length).

    Only targets seen to hold a str are reported: set to a str literal or f-string in the
    function (or, for `self.x`, anywhere in the class), or items of a
    `defaultdict(str)`; an attribute or item of a different object on each iteration
    (`for node in nodes: node.text += s`) is not accumulation and is not reported.

    The fix keeps the parts in a local list and stores the joined string after the loop;
    it is offered only when the target is set right before the loop and nothing in the
    loop could look at it meanwhile (no other use, no call of unknown code, no yield or
    await). It is unsafe because code run by the loop body (a property, a `__str__`)
    would see the value from before the loop, and if the loop raises, the target keeps
    that value instead of the partial result. Not offered where a handler inside the loop
    catches TypeError: adding a non-str raises it at the `+=`, joining raises it after the
    loop, out of that handler's reach.
    """

    code = "PFL201"
    impact = Impact.ALGORITHMIC
    name = "quadratic-str-concat"
    message = (
        "`+=` on a str attribute, item or global copies the whole string each time (quadratic): "
        "collect the parts in a list and `\"\".join` them"
    )
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "def render(self, rows):\n"
            "    self.html = \"\"\n"
            "    for row in rows:\n"
            "        self.html += f\"<tr>{row}</tr>\"\n",
            "def render(self, rows):\n"
            "    html_parts = []\n"
            "    for row in rows:\n"
            "        html_parts.append(f\"<tr>{row}</tr>\")\n"
            "    self.html = \"\".join(html_parts)\n",
        ),
        Example(
            "log = \"\"\n"
            "def record(events):\n"
            "    global log\n"
            "    for event in events:\n"
            "        log = log + event + \"\\n\"\n",
            None,
        ),
        Example(
            "class Writer:\n"
            "    def __init__(self):\n"
            "        self.out = \"\"\n"
            "    def write_all(self, items):\n"
            "        for item in items:\n"
            "            self.out += self.format(item)\n",
            None,
        ),
        Example(
            "import collections\n"
            "def group(pairs):\n"
            "    text = collections.defaultdict(str)\n"
            "    for key, line in pairs:\n"
            "        text[key] += line\n"
            "    return text\n",
            None,
        ),
        Example(
            "def build(parts):\n"
            "    acc = {\"body\": \"\"}\n"
            "    acc[\"body\"] = \"<p>\"\n"
            "    for part in parts:\n"
            "        acc[\"body\"] += part.strip()\n"
            "    return acc\n",
            "def build(parts):\n"
            "    acc = {\"body\": \"\"}\n"
            "    acc[\"body\"] = \"<p>\"\n"
            "    item_parts = []\n"
            "    for part in parts:\n"
            "        item_parts.append(part.strip())\n"
            "    acc[\"body\"] += \"\".join(item_parts)\n"
            "    return acc\n",
        ),
    )
    good = (
        # numeric accumulators
        "def f(self, xs):\n    self.total = 0\n    for x in xs:\n        self.total += x\n",
        "def f(self, xs):\n    for x in xs:\n        self.count += 1\n        self.size += len(x)\n        self.n += x * 2\n",
        # type not visible
        "def f(self, xs):\n    for x in xs:\n        self.text += x\n",
        "def f(obj, xs):\n    obj.text = make()\n    for x in xs:\n        obj.text += x\n",
        (
            "class A:\n    def __init__(self):\n        self.t = None\n    def f(self, xs):\n        self.t = ''\n"
            "        for x in xs:\n            self.t += x\n"
        ),
        # a different item or object on each iteration: linear
        "def f(lines):\n    lines[0] = ''\n    for i in range(len(lines)):\n        lines[i] += '\\n'\n",
        "def f(nodes):\n    for node in nodes:\n        node.text = ''\n        node.text += 'x'\n",
        "def f(d, keys):\n    d[0] = ''\n    for k in keys:\n        d[k] += 'x'\n",
        # reset in the same iteration
        "def f(self, xs):\n    for x in xs:\n        self.line = ''\n        self.line += x\n        emit(self.line)\n",
        # globals not known to be str, and plain locals (PFL202)
        "count = 0\ndef f(xs):\n    global count\n    for x in xs:\n        count += x\n",
        "def f(xs):\n    s = ''\n    for x in xs:\n        s += x\n    return s\n",
        # module level
        "out = ''\nfor x in range(3):\n    out += str(x)\n",
    )
    bench = Bench(
        setup="parts = [str(i % 10) * 5 for i in range(N)]\nclass Page:\n    pass",
        before=(
            "def run():\n    page = Page()\n    page.html = ''\n    for p in parts:\n"
            "        page.html += p\n    return page.html"
        ),
        after=(
            "def run():\n    page = Page()\n    html_parts = []\n    for p in parts:\n"
            "        html_parts.append(p)\n    page.html = ''.join(html_parts)\n    return page.html"
        ),
        size=20_000,
    )

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        if not super().may_fire(region):
            return False
        seen = _seen(region)
        return seen is None or seen.shared("str")


    def check(self, node: cst.BaseSmallStatement) -> None:
        found = self.shared(node, "str")
        if found is not None:
            fixed = fixed_accumulation(self.ctx, self.outermost(found))
            self.report(node, fix=_shared_fix(self, self.ctx, found), fixed_size=fixed)


@register
class StrConcatInLoop(_AccumulatorRule):
    """`s += part` on a local str is linear in CPython only because the interpreter
    extends the string in place when nothing else refers to it; it still does a
    resize-and-copy step per part. Appending to a list and joining once is about 1.5x
    faster at 20,000 short parts (measured on CPython 3.11); the gain is modest, but the
    in-place trick is CPython-only (PyPy and others go quadratic) and disappears as soon as
    anything else holds the string (a closure variable is quadratic: 30x slower).

    Reported when `s` is set to a str literal or f-string before the loop and only added
    to (`s += x`, `s = s + x`) inside it. Not reported when the loop also reads `s` (it
    needs the string as it grows, which a list of parts cannot give, and the in-place
    append keeps it linear). The fix collects the parts in a list and joins them right
    after the loop. It is not offered when an `else:` of the loop or a handler around it
    reads `s`, or when a nested function uses it, or where a handler inside the loop
    catches TypeError (adding a non-str raises it at the `+=`; the join would raise it
    after the loop). Unsafe because if the loop raises, `s` keeps its value from before
    the loop rather than the partial string.
    """

    hints = _AccumulatorRule.hints + (r"['\"]",)  # set to a str literal
    reads_class = False  # a local of the function
    code = "PFL202"
    impact = Impact.CONSTANT
    name = "str-concat-in-loop"
    message = "str built with `+=` in a loop: append the parts to a list and `\"\".join` it after the loop"
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "def csv_line(values):\n"
            "    line = \"\"\n"
            "    for v in values:\n"
            "        line += str(v) + \",\"\n"
            "    return line\n",
            "def csv_line(values):\n"
            "    line_parts = []\n"
            "    for v in values:\n"
            "        line_parts.append(str(v) + \",\")\n"
            "    line = \"\".join(line_parts)\n"
            "    return line\n",
        ),
        Example(  # the file writes single quotes: so does the fix
            "def csv_line(values):\n    line = ''\n    for v in values:\n        line += str(v) + ','\n    return line\n",
            "def csv_line(values):\n    line_parts = []\n    for v in values:\n        line_parts.append(str(v) + ',')\n"
            "    line = ''.join(line_parts)\n    return line\n",
        ),
        Example(
            "def dump(rows, title):\n"
            "    text = f\"# {title}\\n\"\n"
            "    for row in rows:\n"
            "        if not row:\n"
            "            break\n"
            "        for cell in row:\n"
            "            text = text + cell + \" \"\n"
            "        text += \"\\n\"  # end of row\n"
            "    return text\n",
            "def dump(rows, title):\n"
            "    text = f\"# {title}\\n\"\n"
            "    text_parts = []\n"
            "    for row in rows:\n"
            "        if not row:\n"
            "            break\n"
            "        for cell in row:\n"
            "            text_parts.append(cell + \" \")\n"
            "        text_parts.append(\"\\n\")  # end of row\n"
            "    text += \"\".join(text_parts)\n"
            "    return text\n",
        ),
        Example(
            "def f(xs):\n"
            "    s = \"\"\n"
            "    for x in xs:\n"
            "        s += x\n"
            "    else:\n"
            "        print(s)\n"
            "    return s\n",
            None,
        ),
        Example(  # the handler skips parts that are no str: the join would not
            "def f(xs):\n"
            "    s = \"\"\n"
            "    for x in xs:\n"
            "        try:\n"
            "            s += x\n"
            "        except TypeError:\n"
            "            pass\n"
            "    return s\n",
            None,
        ),
    )
    good = (
        "def f(xs):\n    n = 0\n    for x in xs:\n        n += x\n    return n\n",
        "def f(xs, s):\n    for x in xs:\n        s += x\n    return s\n",
        "def f(xs):\n    s = get()\n    for x in xs:\n        s += x\n    return s\n",
        "def f(xs):\n    s = ''\n    s = None\n    for x in xs:\n        s += x\n",
        # reset inside the loop: short segments, not one growing string
        (
            "def f(xs, out):\n    s = ''\n    for x in xs:\n        s += x\n        if x == '\\n':\n"
            "            out.append(s)\n            s = ''\n"
        ),
        # set and added once per iteration
        "def f(xs, out):\n    for x in xs:\n        s = ''\n        s += x\n        out.append(s)\n",
        "def f(xs):\n    s = b''\n    for x in xs:\n        s += x\n    return s\n",
        "s = ''\nfor x in range(3):\n    s += str(x)\n",
        # the loop reads the string as it grows: parts in a list cannot replace it
        "def wrap(words):\n    s = ''\n    for w in words:\n        if len(s) > 70:\n            break\n        s += w\n    return s\n",
    )
    bench = Bench(
        setup="parts = [str(i % 10) * 5 for i in range(N)]",
        before="def run():\n    s = ''\n    for p in parts:\n        s += p\n    return s",
        after=(
            "def run():\n    s_parts = []\n    for p in parts:\n        s_parts.append(p)\n"
            "    return ''.join(s_parts)"
        ),
        size=20_000,
    )

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        if not super().may_fire(region):
            return False
        seen = _seen(region)
        return seen is None or seen.local["str"]


    def check(self, node: cst.BaseSmallStatement) -> None:
        local = _local_accumulator(self.ctx, node)
        if local is None or local.kind != "str" or local.reads or not self.first(local.start.loop, local.target):
            return
        fix = None
        if not local.closure and _exits_unobserved(self.ctx, local.start.loop, local.names):
            fix = _join_fix(self, self.ctx, local.facts, local.start, local.target, local.statements, local.name)
        self.report(node, fix=fix)


@register
class BytesConcatInLoop(_AccumulatorRule):
    """bytes are never extended in place: each `b += chunk` copies everything gathered
    so far, so reading a stream or building a packet this way is quadratic (22x slower
    than a bytearray at 20,000 five-byte chunks, measured; worse as it grows). A
    `bytearray` grows in place; `bytes(buf)` turns it back at the end.

    Reported for a local set to a bytes literal before the loop, and for attributes,
    items and globals known to hold bytes (as PFL201 decides for str; those are reported
    without a fix). The fix makes the local a bytearray for the duration of the loop and
    converts it back right after, so code after the loop still sees bytes; it is offered
    only when the loop uses the name for nothing but the additions and `len()`, and no
    `else:` or handler around the loop reads it. Unsafe because, if the loop raises, a
    handler further up would see a bytearray.
    """

    hints = _AccumulatorRule.hints + (r"['\"]",)  # set to a bytes literal
    code = "PFL203"
    impact = Impact.ALGORITHMIC
    name = "bytes-concat-in-loop"
    message = "bytes built with `+=` in a loop is copied each time (quadratic): accumulate in a `bytearray`"
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "def recv_exactly(sock, n):\n"
            "    data = b\"\"\n"
            "    while len(data) < n:\n"
            "        chunk = sock.recv(n - len(data))\n"
            "        if not chunk:\n"
            "            raise EOFError\n"
            "        data += chunk\n"
            "    return data\n",
            "def recv_exactly(sock, n):\n"
            "    data = bytearray()\n"
            "    while len(data) < n:\n"
            "        chunk = sock.recv(n - len(data))\n"
            "        if not chunk:\n"
            "            raise EOFError\n"
            "        data += chunk\n"
            "    data = bytes(data)\n"
            "    return data\n",
        ),
        Example(
            "def pack(items):\n"
            "    out: bytes = b\"\\x00\"\n"
            "    for item in items:\n"
            "        out = out + item.encode() + b\"\\x00\"\n"
            "    return out\n",
            "def pack(items):\n"
            "    out: bytes = b\"\\x00\"\n"
            "    out = bytearray(out)\n"
            "    for item in items:\n"
            "        out += item.encode() + b\"\\x00\"\n"
            "    out = bytes(out)\n"
            "    return out\n",
        ),
        Example(
            "def f(chunks, seen):\n"
            "    buf = b\"\"\n"
            "    for c in chunks:\n"
            "        buf += c\n"
            "        seen[buf] = 1\n",
            None,
        ),
        Example(
            "class Reader:\n"
            "    def __init__(self):\n"
            "        self.buffer = b\"\"\n"
            "    def fill(self, stream):\n"
            "        for block in stream:\n"
            "            self.buffer += block\n",
            None,
        ),
    )
    good = (
        "def f(chunks):\n    buf = bytearray()\n    for c in chunks:\n        buf += c\n    return bytes(buf)\n",
        "def f(chunks):\n    buf = ''\n    for c in chunks:\n        buf += c\n    return buf\n",
        "def f(chunks, buf):\n    for c in chunks:\n        buf += c\n    return buf\n",
        "def f(chunks, out):\n    for c in chunks:\n        buf = b''\n        buf += c\n        out.append(buf)\n",
        "def f(self, chunks):\n    for c in chunks:\n        self.size += len(c)\n",
    )
    bench = Bench(
        setup="chunks = [bytes([i % 256]) * 5 for i in range(N)]",
        before="def run():\n    data = b''\n    for c in chunks:\n        data += c\n    return data",
        after=(
            "def run():\n    data = bytearray()\n    for c in chunks:\n        data += c\n"
            "    data = bytes(data)\n    return data"
        ),
        size=20_000,
    )

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        if not super().may_fire(region):
            return False
        seen = _seen(region)
        return seen is None or seen.local["bytes"] or seen.shared("bytes")


    def check(self, node: cst.BaseSmallStatement) -> None:
        local = _local_accumulator(self.ctx, node)
        if local is None:
            found = self.shared(node, "bytes")
            if found is not None:
                self.report(node, fixed_size=fixed_accumulation(self.ctx, self.outermost(found)))
            return
        if local.kind != "bytes" or not self.first(local.start.loop, local.target):
            return
        fixable = (
            all(_is_len_call(self.ctx, read) for read in local.reads)
            and not local.closure
            and _exits_unobserved(self.ctx, local.start.loop, local.names)
        )
        fixed = fixed_accumulation(self.ctx, local.start.loop)
        self.report(node, fix=_bytearray_fix(self, self.ctx, local) if fixable else None, fixed_size=fixed)


def _is_len_call(ctx: FileContext, use: Use) -> bool:
    call = use.grandparent
    return (
        isinstance(use.parent, cst.Arg)
        and isinstance(call, cst.Call)
        and isinstance(call.func, cst.Name)
        and call.func.value == "len"
        and len(call.args) == 1
        and ctx.bindings("len")[0] is None
    )


# `.join(`, with any spaces, continuations and comments the grammar allows around `join`
_JOIN_CALL = re.compile(r"\.(?:[\s\\]|#[^\n]*(?![^\n]))*join(?:[\s\\]|#[^\n]*(?![^\n]))*\(")
# what nests, or hides nesting, in a call's arguments: brackets, `for`, comments, strings
_CALL_TOKENS = re.compile(r"""[()\[\]{}]|\bfor\b|#[^\n]*|(\w*)('''|\"\"\"|'|")""")
_STRING_ENDS = {
    "'''": re.compile(r"(?:[^\\']|\\.|'(?!''))*'''", re.DOTALL),
    '"""': re.compile(r'(?:[^\\"]|\\.|"(?!""))*"""', re.DOTALL),
    "'": re.compile(r"(?:[^\\'\n]|\\.)*'", re.DOTALL),
    '"': re.compile(r'(?:[^\\"\n]|\\.)*"', re.DOTALL),
}
_FOR = re.compile(r"\bfor\b")


def _may_pass_generator(text: str, start: int) -> bool:
    """Whether the call whose arguments start at `start` can have a generator expression
    among them: the word `for` in its parentheses, not inside a `[]` or `{}` there.
    Permissive where the text defeats the scan (unclosed, an f-string that may nest
    quotes)."""
    stack = ["("]
    pos = start
    while stack:
        token = _CALL_TOKENS.search(text, pos)
        if token is None:
            return True
        pos = token.end()
        found = token.group()
        if found in "([{":
            stack.append(found)
        elif found in ")]}":
            stack.pop()
        elif found == "for":
            if "[" not in stack and "{" not in stack:
                return True
        elif token.group(2):
            if "f" in token.group(1).lower():
                return _FOR.search(text, start) is not None  # quotes nest in f-strings (3.12)
            end = _STRING_ENDS[token.group(2)].match(text, pos)
            if end is None:
                return True
            pos = end.end()
    return False


@register
class JoinGenerator(Rule):
    """`str.join` needs the length of its input before it copies anything, so it turns a
    generator into a list first; handing it a list comprehension skips the generator's
    per-item resume cost (1.9x faster at 1,000 items, measured). Same for `bytes.join`.

    Not reported when the receiver is an imported module (`os.path.join`, `shlex.join`),
    the generator is asynchronous, or the join builds the message of a `raise` or
    `assert`, or sits in a block that ends with a `raise` (an error path is never hot).
    The fix is safe: the comprehension computes the same items in the same order.
    """

    code = "PFL204"
    impact = Impact.CONSTANT
    hints = (r"\bjoin\b", r"\bfor\b")
    name = "join-generator"
    message = "pass a list comprehension to `join`, not a generator expression"
    fix = Applicability.SAFE
    bad = (
        Example(
            "def f(words):\n    return \" \".join(w.title() for w in words if w)\n",
            "def f(words):\n    return \" \".join([w.title() for w in words if w])\n",
        ),
        Example(
            "line = sep.join(\n"
            "    str(x)  # each value\n"
            "    for x in values\n"
            ")\n",
            "line = sep.join(\n"
            "    [str(x)  # each value\n"
            "    for x in values]\n"
            ")\n",
            Bound.RUNS_ONCE,
        ),
        Example(
            "data = b\"\".join((chunk for chunk in chunks))\n",
            "data = b\"\".join([chunk for chunk in chunks])\n",
            Bound.RUNS_ONCE,
        ),
    )
    good = (
        "s = ''.join([x for x in y])\n",
        "s = ''.join(y)\n",
        "import os\np = os.path.join(x for x in y)\n",
        "def f(bad):\n    raise ValueError(', '.join(repr(b) for b in bad))\n",  # an error path
        "def f(bad):\n    if bad:\n        names = ', '.join(repr(b) for b in bad)\n        raise ValueError(names)\n",
        "import shlex\ncmd = shlex.join(a for a in args)\n",
        "async def f(y):\n    return ''.join(x async for x in y)\n",
        "s = ''.join((x for x in y), z)\n",
    )
    bench = Bench(
        setup="words = [str(i) for i in range(N)]",
        before="def run():\n    return ','.join(w for w in words)",
        after="def run():\n    return ','.join([w for w in words])",
        size=1_000,
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "join" or len(node.args) != 1:
            return
        arg = node.args[0]
        generator = arg.value
        if not isinstance(generator, cst.GeneratorExp) or arg.keyword is not None or arg.star:
            return
        comp: Optional[cst.CompFor] = generator.for_in
        while comp is not None:
            if comp.asynchronous is not None:
                return
            comp = comp.inner_for_in
        if isinstance(func.value, (cst.Name, cst.Attribute)) and self.ctx.qualified_name(func.value) is not None:
            return
        if self.ctx.on_error_path():
            return  # an error message: never hot
        self.report(node, fix=self.make_fix(Edit(generator, replace=_as_list_comp)))

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """A `.join(` whose parentheses hold a `for` (see `_may_pass_generator`)."""
        return super().may_fire(region) and _joins_generator(region.text)

    @classmethod
    def may_fire_in_file(cls, file: Region) -> bool:
        return super().may_fire_in_file(file) and _joins_generator(file.text)


def _joins_generator(text: str) -> bool:
    return any(_may_pass_generator(text, call.end()) for call in _JOIN_CALL.finditer(text))


def _as_list_comp(updated: cst.CSTNode) -> cst.CSTNode:
    """`(x for x in y)` -> `[x for x in y]`, the innermost parentheses becoming brackets."""
    if not isinstance(updated, cst.GeneratorExp):
        raise TypeError("generator changed under the fix")
    lpar, rpar = list(updated.lpar), list(updated.rpar)
    lbracket = cst.LeftSquareBracket(whitespace_after=lpar[-1].whitespace_after) if lpar else cst.LeftSquareBracket()
    rbracket = cst.RightSquareBracket(whitespace_before=rpar[0].whitespace_before) if rpar else cst.RightSquareBracket()
    return cst.ListComp(
        updated.elt, updated.for_in, lbracket=lbracket, rbracket=rbracket, lpar=lpar[:-1], rpar=rpar[1:]
    )
