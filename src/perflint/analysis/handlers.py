"""Where the code itself catches an exception: `try` bodies and `with suppress(...)` blocks.

A fix that changes what a statement calls or iterates also changes what it raises: the old
form's AttributeError becomes a TypeError, an IndexError a StopIteration, an error inside a
loop moves to the statement after it. Where nothing in the function catches it, that is the
edge case an unsafe fix names; inside a `try` whose handler catches what either form raises,
the code visibly depends on which one it is (`try: for k, v in values.items() ... except
AttributeError:` routes non-mappings elsewhere), and the fix would break it.

Exceptions are named by their class names. A handler catches a builtin exception when it
names it or one of its builtin bases (`LookupError` catches `KeyError`), or when it is bare.
A handler whose type perflint cannot read (a name bound by assignment, as `ERRORS = (TypeError,
KeyError)`, an unknown name, an expression) is taken to catch everything; a class defined
in the file, an imported name or an attribute (`socket.error`) is taken to be an exception
class of its own, catching only exceptions raised by that name.
"""

from __future__ import annotations

import builtins
from typing import Callable, Optional, Sequence, Set, Tuple

import libcst as cst

from perflint.analysis.walk import children, subtree_ids

# `raised` meaning: whatever the code in question may raise (any handler catches it).
ANYTHING: Tuple[str, ...] = ()

# Context managers that swallow the exceptions named by their (first) arguments.
_SUPPRESSORS = {"suppress": None, "raises": 1, "assertRaises": 1, "assertRaisesRegex": 1}
_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)

# How a handler's name is bound: "class" (an exception class of the file), "import",
# "assign", or None when nothing binds it (a builtin, or unknown).
Resolver = Callable[[str], Optional[str]]


def _builtin_exception(name: str) -> Optional[type]:
    value = getattr(builtins, name, None)
    return value if isinstance(value, type) and issubclass(value, BaseException) else None


def _names(expr: cst.BaseExpression) -> Sequence[cst.BaseExpression]:
    if isinstance(expr, cst.Tuple):
        return [element.value for element in expr.elements]
    return [expr]


def catches(expr: cst.BaseExpression, raised: Sequence[str], resolve: Resolver) -> bool:
    """Whether an `except EXPR:` clause catches one of `raised` (anything, if empty)."""
    if not raised:
        return True
    for part in _names(expr):
        if isinstance(part, cst.Attribute):
            if part.attr.value in raised:
                return True
            continue
        if not isinstance(part, cst.Name):
            return True  # `except error_types():`, `except *ERRORS`: cannot be read
        name = part.value
        if name in raised:
            return True
        kind = resolve(name)
        if kind in ("class", "import"):
            continue
        handler = _builtin_exception(name) if kind is None else None
        if handler is None:
            return True  # bound by assignment, or unknown: it may be a tuple of anything
        for exception in raised:
            own = _builtin_exception(exception)
            if own is not None and issubclass(own, handler) or own is None and handler in (Exception, BaseException):
                return True
    return False


def _with_catches(item: cst.WithItem, raised: Sequence[str], resolve: Resolver) -> bool:
    call = item.item
    if not isinstance(call, cst.Call):
        return False
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    if name not in _SUPPRESSORS:
        return False
    if any(arg.star for arg in call.args):
        return True
    types = [arg.value for arg in call.args if arg.keyword is None][: _SUPPRESSORS[name]]
    return any(catches(t, raised, resolve) for t in types)


def handled(root: cst.CSTNode, raised: Sequence[str], resolve: Resolver) -> Set[int]:
    """Ids of the nodes in `root` (not inside a nested def, lambda or class) that sit in
    the body of a `try` or `with` inside `root` that catches one of `raised`."""
    found: Set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node is not root and isinstance(node, _SCOPES):
            continue
        if isinstance(node, (cst.Try, cst.TryStar)):
            if any(h.type is None or catches(h.type, raised, resolve) for h in node.handlers):
                found |= subtree_ids(node.body)
        elif isinstance(node, cst.With):
            if any(_with_catches(item, raised, resolve) for item in node.items):
                found |= subtree_ids(node.body)
        stack.extend(children(node))
    return found
