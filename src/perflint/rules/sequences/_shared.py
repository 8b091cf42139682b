"""What more than one of the sequences rules uses (or their triage helpers do)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Callable, cast

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.model import Applicability, Edit, Fix
from perflint.rules import rewrite
from perflint.rules.base import Rule


def _module_usable(ctx: FileContext, module: str) -> bool:
    """Whether `module.attr` written by a fix (with `import module` added) names the module."""
    return ctx.bindings(module)[0] is None or ctx.imported_module(module) == module


def _int_value(node: cst.BaseExpression | None) -> int | None:
    """The value of an int literal such as `3` or `-1`."""
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = _int_value(node.expression)
        return None if inner is None else -inner
    if isinstance(node, cst.Integer):
        return cast(int, node.evaluated_value)
    return None


def _sole_slice(node: cst.Subscript) -> cst.BaseSlice | None:
    """The `0` of `x[0]` or the `1:` of `x[1:]` (not `x[0,]`, `x[a, b]` or `x[*a]`)."""
    if len(node.slice) != 1 or isinstance(node.slice[0].comma, cst.Comma):
        return None
    found = node.slice[0].slice
    if isinstance(found, cst.Index) and found.star is not None:
        return None
    return found


def _split_args(call: cst.Call) -> tuple[list[cst.Arg], dict[str, cst.Arg]] | None:
    """Positional and keyword arguments of a call without `*args`/`**kwargs`."""
    positional: list[cst.Arg] = []
    keywords: dict[str, cst.Arg] = {}
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            positional.append(arg)
        else:
            keywords[arg.keyword.value] = arg
    return positional, keywords


def _call(func: str, args: Sequence[cst.Arg]) -> cst.Call:
    """`func(args)` with plain `, ` separators; `func` may be dotted. A bare generator
    expression gets the parentheses it needs beside other arguments, and a sole
    positional argument loses redundant ones (`f(x for x in y)`, not `f((x for x in y))`)."""
    parts = func.split(".")
    callee: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        callee = cst.Attribute(callee, cst.Name(part))
    new_args = []
    for arg in args:
        value = arg.value
        if len(args) > 1 and isinstance(value, cst.GeneratorExp) and not value.lpar:
            arg = arg.with_changes(value=value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]))
        elif len(args) == 1 and arg.keyword is None and not arg.star:
            arg = arg.with_changes(value=rewrite.sole_argument(value))
        new_args.append(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT))
    return cst.Call(callee, new_args)


def _is_reference(node: cst.BaseExpression) -> bool:
    """A name or an attribute chain on a name (`xs`, `self.queue`): reading it has no effect."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


def _comments(node: cst.CSTNode) -> int:
    return len(rewrite.comments(node))


def _replacement(
    rule: Rule,
    node: cst.CSTNode,
    build: Callable[[cst.CSTNode], cst.CSTNode],
    imports: tuple[str, ...] = (),
    applicability: Applicability | None = None,
) -> Fix | None:
    """A fix replacing `node` by `build(node)`, built again from the updated node when it is
    applied (so edits inside survive); None if the new code would lose a comment."""
    if _comments(build(node)) != _comments(node):
        return None
    return rule.make_fix(Edit(node, replace=build), imports=imports, applicability=applicability)


def _bound_only_to(
    ctx: FileContext, name: str, allowed: Callable[[cst.BaseExpression], bool]
) -> cst.CSTNode | None:
    """The scope of `name` if it is the innermost function and every binding of `name`
    there is a one-target assignment of a value that `allowed` accepts (augmented
    assignments are allowed too: they keep a list or dict a list or dict)."""
    scope, bindings = ctx.bindings(name)
    if scope is None or scope is not ctx.function() or not bindings:
        return None
    if ctx.facts(scope).is_shared(name):
        return None
    for binding in bindings:
        if binding.kind == "augassign":
            continue
        statement = binding.statement
        if binding.kind not in ("assign", "annassign") or binding.value is None:
            return None
        if isinstance(statement, cst.Assign) and len(statement.targets) != 1:
            return None  # `a = b = []`: two names for one list
        if not allowed(binding.value):
            return None
    return scope


def _is_builtin_call(ctx: FileContext, node: cst.BaseExpression, name: str) -> bool:
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == name
        and ctx.is_builtin(name)
    )


# -- PFL313 and PFL314: loops that copy a whole sequence on every turn --------------------


def _self_assignment(node: cst.Assign) -> str | None:
    """`name` of `name = <value>` with one target."""
    if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
        return node.targets[0].target.value
    return None


# Methods of str, bytes or list that memoryview and NumPy arrays lack.
_SEQUENCE_METHODS = frozenset(
    {
        "startswith", "endswith", "find", "rfind", "split", "rsplit", "strip", "lstrip", "rstrip",
        "partition", "rpartition", "lower", "upper", "decode", "encode", "replace", "append", "pop",
        "insert", "extend",
    }
)
