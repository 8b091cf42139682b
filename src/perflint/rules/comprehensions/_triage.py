"""What only the comprehensions rules' triage conditions (`hints`, `may_fire`) read: the
visitors never call these (see engine/triage.py)."""

from __future__ import annotations

import ast

from perflint.rules.hints import STATEMENT_BLOCKS, Region

# -- triage ---------------------------------------------------------------------------
# The loop shapes the rules below start from, found on a region's `ast` statements (a
# walk over statements, not expressions: cheap next to parsing with libcst). Each is a
# necessary condition of its rule's `visit_For`, checked no more strictly than libcst
# sees it, so a rule is asked to run only where it can fire (see `Rule.may_fire`).
_LIST_COMP, _LIST_COPY, _DICT_COMP, _SET_UPDATE = 1, 2, 4, 8


def _shapes(region: Region) -> int:
    """The shapes of the `for` loops inside a function anywhere in the region's statement."""
    node = region.node
    assert node is not None
    found = 0
    stack: list[tuple[ast.AST, bool]] = [(node, False)]
    while stack:
        stmt, in_function = stack.pop()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function = True
        elif isinstance(stmt, ast.ClassDef):
            in_function = False
        for field in STATEMENT_BLOCKS:
            block = getattr(stmt, field, None)
            if not block:
                continue
            for index, inner in enumerate(block):
                if in_function and type(inner) is ast.For:
                    found |= _shape(inner, block[index - 1] if index else None)
                stack.append((inner, in_function))
    return found


def _shape(loop: ast.For, before: ast.stmt | None) -> int:
    """What `_method_build`/`_item_build` may make of `loop` (`before` is the statement
    before it): an append of anything after an empty list, an append, add or discard of
    the loop variable, or an item assignment after an empty dict."""
    if loop.orelse or len(loop.body) != 1:
        return 0
    inner = loop.body[0]
    test: ast.expr | None = None
    if isinstance(inner, ast.If):
        if inner.orelse or len(inner.body) != 1:
            return 0
        test, inner = inner.test, inner.body[0]
    if isinstance(inner, ast.Expr):
        call = inner.value
        if not (
            isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name) and len(call.args) == 1
            and not call.keywords and not isinstance(call.args[0], ast.Starred)
        ):
            return 0
        item, method = call.args[0], call.func.attr
        identity = (
            test is None and isinstance(loop.target, ast.Name)
            and isinstance(item, ast.Name) and item.id == loop.target.id
        )
        if method == "append":
            return _LIST_COPY if identity else _LIST_COMP if _empty(before, call.func.value.id, "list") else 0
        return _SET_UPDATE if method in ("add", "discard") and identity else 0
    if isinstance(inner, ast.Assign) and len(inner.targets) == 1:
        target = inner.targets[0]
        if (
            isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
            and not isinstance(target.slice, ast.Slice) and _empty(before, target.value.id, "dict")
        ):
            return _DICT_COMP
    return 0


def _empty(before: ast.stmt | None, name: str, builtin: str) -> bool:
    """`before` is `name = []`/`name: T = list()` (`{}`/`dict()` for dicts), as
    `_initializer` and `_is_empty` want."""
    if isinstance(before, ast.Assign) and len(before.targets) == 1:
        target = before.targets[0]
    elif isinstance(before, ast.AnnAssign) and before.value is not None:
        target = before.target
    else:
        return False
    if not (isinstance(target, ast.Name) and target.id == name):
        return False
    value = before.value
    if isinstance(value, ast.List) and builtin == "list":
        return not value.elts
    if isinstance(value, ast.Dict) and builtin == "dict":
        return not value.keys
    return (
        isinstance(value, ast.Call) and not value.args and not value.keywords
        and isinstance(value.func, ast.Name) and value.func.id == builtin
    )


def _may_shape(region: Region, shape: int) -> bool:
    return region.node is None or bool(region.derived(_shapes) & shape)
