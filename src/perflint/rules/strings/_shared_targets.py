"""Accumulators shared across functions and classes (an attribute or a global that several
build up): where they are written, and with what."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.scope import Binding, ScopeFacts
from perflint.analysis.walk import Visitor, visit
from perflint.rules.strings._shared import (
    Target,
    _accumulation,
    _find_start,
    _index,
    _literal_kind,
    _read_names,
    _Shared,
)


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
