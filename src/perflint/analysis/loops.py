"""Where a node sits relative to loops and scopes, read off its chain of ancestors.

"In a loop" follows RULES.md: the body of a `for`, the test or body of a `while`, or the
element/condition part of a comprehension, at any depth, without crossing a
`def`/`lambda`/`class`. The iterable of a `for` (and of a comprehension's first `for`) is
evaluated once, so it is not in that loop.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Union

import libcst as cst

Loop = Union[cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp]
ScopeNode = Union[cst.Module, cst.FunctionDef, cst.Lambda, cst.ClassDef]

SCOPE_TYPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Module)
FUNCTION_TYPES = (cst.FunctionDef, cst.Lambda)
COMPREHENSION_TYPES = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def _loop_of(parent: cst.CSTNode, child: cst.CSTNode) -> Optional[cst.CSTNode]:
    """The loop that `child` repeats in, if `child` is a repeated part of `parent`.

    For comprehensions the loop is the comprehension node itself, so a `CompFor` passes
    the question up to it (see `enclosing_loops`).
    """
    if isinstance(parent, cst.For):
        return parent if child is parent.body else None
    if isinstance(parent, cst.While):
        return parent if child is parent.body or child is parent.test else None
    if isinstance(parent, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
        return parent if child is parent.elt else None
    if isinstance(parent, cst.DictComp):
        return parent if child is parent.key or child is parent.value else None
    return None


def _comp_for_repeats(parent: cst.CompFor, child: cst.CSTNode) -> bool:
    return child is parent.inner_for_in or any(child is test for test in parent.ifs)


def enclosing_loops(ancestors: Sequence[cst.CSTNode]) -> List[cst.CSTNode]:
    """Loops (innermost first) that repeat the last node of `ancestors`, up to its scope."""
    loops: List[cst.CSTNode] = []
    comp_for_repeats = False
    for i in range(len(ancestors) - 1, 0, -1):
        child, parent = ancestors[i], ancestors[i - 1]
        if isinstance(parent, SCOPE_TYPES):
            break
        if isinstance(parent, cst.CompFor):
            comp_for_repeats = comp_for_repeats or _comp_for_repeats(parent, child)
            continue
        if isinstance(parent, COMPREHENSION_TYPES) and child is parent.for_in:
            if comp_for_repeats:
                loops.append(parent)
            comp_for_repeats = False
            continue
        loop = _loop_of(parent, child)
        if loop is not None:
            loops.append(loop)
    return loops


def enclosing_scope(ancestors: Sequence[cst.CSTNode]) -> Optional[ScopeNode]:
    """The innermost def/lambda/class/module strictly above the last node."""
    for node in reversed(ancestors[:-1]):
        if isinstance(node, SCOPE_TYPES):
            return node  # type: ignore[return-value]
    return None


def enclosing_function(ancestors: Sequence[cst.CSTNode]) -> Optional[cst.FunctionDef]:
    """The innermost `def` whose body holds the last node, if no class/lambda is closer."""
    scope = enclosing_scope(ancestors)
    return scope if isinstance(scope, cst.FunctionDef) else None

