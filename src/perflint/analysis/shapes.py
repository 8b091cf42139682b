"""Small tests of node shapes that several rules ask (cheaper to import and to run than
libcst.matchers, whose import alone costs more than checking a file)."""

from __future__ import annotations

from typing import List, Optional, Tuple, Type

import libcst as cst

from perflint.analysis.walk import children


def is_name(node: object, *values: str) -> bool:
    """Whether `node` is a bare name (one of `values`, if any are given)."""
    return isinstance(node, cst.Name) and (not values or node.value in values)


def target_names(target: cst.BaseExpression) -> List[cst.Name]:
    """The names an assignment or loop target binds (`a, (b, *c)` -> a, b, c)."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in target_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return target_names(target.value)
    return []


def plain_target_names(target: cst.BaseExpression) -> Optional[List[str]]:
    """The names a loop target binds (`a, (b, *c)` -> a, b, c), or None if it also
    assigns an attribute or an item (which is a side effect, not a name)."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        found: List[str] = []
        for element in target.elements:
            names = plain_target_names(element.value)
            if names is None:
                return None
            found += names
        return found
    if isinstance(target, cst.StarredElement):
        return plain_target_names(target.value)
    return None


def dotted(expr: cst.BaseExpression) -> Optional[List[str]]:
    """`os.path.join` -> ["os", "path", "join"]; None if it is not a dotted name."""
    parts: List[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return None
    parts.append(expr.value)
    return parts[::-1]


def contains(node: cst.CSTNode, kind: Type[cst.CSTNode]) -> bool:
    """Whether a node of type `kind` sits anywhere in `node` (formatting aside)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if type(current) is kind:
            return True
        stack.extend(children(current))
    return False


def clauses(comp: cst.BaseComp) -> List[cst.CompFor]:
    """The `for` clauses of a comprehension, outermost first."""
    found: List[cst.CompFor] = []
    clause: Optional[cst.CompFor] = comp.for_in
    while clause is not None:
        found.append(clause)
        clause = clause.inner_for_in
    return found


def has_async_for(comp: cst.BaseComp) -> bool:
    """Whether a clause is `async for` (the comprehension is then an async one)."""
    return any(clause.asynchronous is not None for clause in clauses(comp))


def annotated_list(function: cst.FunctionDef, name: str) -> bool:
    """Whether `name` is a parameter annotated as a list (`list`, `list[int]`, `List[str]`,
    `typing.List`): a type the function's author states, which rules take as known."""
    return annotated_as(function, name, ("list", "List"))


def annotated_as(function: cst.FunctionDef, name: str, types: Tuple[str, ...]) -> bool:
    """Whether `name` is a parameter annotated as one of `types` (bare, subscripted, or an
    attribute of `typing`)."""
    params = function.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == name and param.annotation is not None:
            hint = param.annotation.annotation
            if isinstance(hint, cst.Subscript):
                hint = hint.value
            if isinstance(hint, cst.Attribute) and is_name(hint.value, "typing"):
                hint = hint.attr
            return is_name(hint, *types)
    return False
