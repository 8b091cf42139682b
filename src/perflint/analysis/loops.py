"""Where a node sits relative to loops and scopes, read off its chain of ancestors.

"In a loop" follows RULES.md: the body of a `for`, the test or body of a `while`, or the
element/condition part of a comprehension, at any depth, without crossing a
`def`/`lambda`/`class`. The iterable of a `for` (and of a comprehension's first `for`) is
evaluated once, so it is not in that loop.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import libcst as cst

SCOPE_TYPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Module)
FUNCTION_TYPES = (cst.FunctionDef, cst.Lambda)
COMPREHENSION_TYPES = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


_SCOPE_SET = frozenset(SCOPE_TYPES)
_COMPREHENSION_SET = frozenset(COMPREHENSION_TYPES)

# Loops repeating a node, innermost first, and the comprehension whose repetition is
# pending (entered through its `for_in`, not yet through a repeated part of it).
LoopState = Tuple[Tuple[cst.CSTNode, ...], Optional[cst.CSTNode]]
START: LoopState = ((), None)


def _loop_of(parent: cst.CSTNode, child: cst.CSTNode) -> Optional[cst.CSTNode]:
    """The loop that `child` repeats in, if `child` is a repeated part of `parent`.

    Exact type tests: libcst's node classes are ABCs, and `isinstance` against an ABC
    that does not match goes through the slow ABC machinery.
    """
    kind = type(parent)
    if kind is cst.For:
        return parent if child is parent.body else None  # type: ignore[attr-defined]
    if kind is cst.While:
        return parent if child is parent.body or child is parent.test else None  # type: ignore[attr-defined]
    if kind is cst.DictComp:
        return parent if child is parent.key or child is parent.value else None  # type: ignore[attr-defined]
    if kind in _COMPREHENSION_SET:
        return parent if child is parent.elt else None  # type: ignore[attr-defined]
    return None


def step(parent: cst.CSTNode, child: cst.CSTNode, state: LoopState) -> LoopState:
    """The loop state of `child` from that of its `parent`."""
    kind = type(parent)
    if kind in _SCOPE_SET:
        return START
    loops, pending = state
    if kind is cst.CompFor:
        repeats = child is parent.inner_for_in or any(child is test for test in parent.ifs)  # type: ignore[attr-defined]
        return ((pending,) + loops, None) if repeats and pending is not None else state
    if kind in _COMPREHENSION_SET and child is parent.for_in:  # type: ignore[attr-defined]
        return (loops, parent)
    loop = _loop_of(parent, child)
    return ((loop,) + loops, pending) if loop is not None else state


def enclosing_loops(ancestors: Sequence[cst.CSTNode]) -> List[cst.CSTNode]:
    """Loops (innermost first) that repeat the last node of `ancestors`, up to its scope."""
    state = START
    for i in range(1, len(ancestors)):
        state = step(ancestors[i - 1], ancestors[i], state)
    return list(state[0])
