"""A depth-first walk over a libcst tree that is several times cheaper than `visit`.

libcst's `CSTNode.visit` rebuilds every node it passes through (its visitors and
transformers share one code path), which costs as much as parsing. Rules only read the
tree, so the engine walks it itself: children are read straight from each node's dataclass
fields, in source order, skipping the fields that hold only whitespace and punctuation
(which no rule inspects). Leave callbacks run with the node still on `ancestors`.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Dict, List, Mapping, Optional, Set, Tuple

import libcst as cst

Callback = Callable[[cst.CSTNode], object]

# Fields holding only formatting: whitespace, parentheses, commas, blank lines.
_FORMATTING_FIELDS = frozenset(
    {"lpar", "rpar", "leading_lines", "lines_after_decorators", "header", "footer", "comma",
     "semicolon", "dot", "colon", "equal", "trailing_whitespace", "newline", "indent",
     "lbracket", "rbracket", "lbrace", "rbrace", "leading_whitespace", "first_colon", "second_colon"}
)
# Where dataclass field order is not source order, these fields come first, in this order.
_SOURCE_ORDER: Dict[type, Tuple[str, ...]] = {
    cst.FunctionDef: ("decorators", "asynchronous", "name", "type_parameters", "params", "returns"),
    cst.ClassDef: ("decorators", "name", "type_parameters", "bases", "keywords"),
    cst.ImportFrom: ("relative", "module"),
    cst.Arg: ("keyword",),
    cst.IfExp: ("body", "test"),
    cst.Parameters: ("posonly_params", "posonly_ind", "params", "star_arg", "kwonly_params"),
    cst.ExceptHandler: ("type", "name"),
    cst.ExceptStarHandler: ("type", "name"),
    cst.Slice: ("lower", "upper"),
}
_FIELDS: Dict[type, Tuple[str, ...]] = {}


def _child_fields(node_type: type) -> Tuple[str, ...]:
    names = [
        f.name
        for f in dataclasses.fields(node_type)
        if not f.name.startswith("whitespace") and f.name not in _FORMATTING_FIELDS
    ]
    first = [name for name in _SOURCE_ORDER.get(node_type, ()) if name in names]  # noqa: PFL301 (a handful of names, once per node type)
    ordered = tuple(first + [name for name in names if name not in first])  # noqa: PFL301 (as above)
    _FIELDS[node_type] = ordered
    return ordered


_IS_NODE: Dict[type, bool] = {}


def _is_node(value: object) -> bool:
    """`isinstance(value, cst.CSTNode)` without the ABC machinery (by far the hot spot)."""
    kind = type(value)
    known = _IS_NODE.get(kind)
    if known is None:
        known = _IS_NODE[kind] = issubclass(kind, cst.CSTNode)
    return known


def children(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The node's children that carry meaning, in source order."""
    found: List[cst.CSTNode] = []
    for name in _FIELDS.get(type(node)) or _child_fields(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            found.extend(item for item in value if _is_node(item))
        elif _is_node(value):
            found.append(value)
    return found


def subtree_ids(root: cst.CSTNode) -> Set[int]:
    """Ids of the node and every meaningful node below it."""
    found: Set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        found.add(id(node))
        stack.extend(children(node))
    return found


_LEAVE = object()


def walk(
    root: cst.CSTNode,
    visits: Mapping[type, List[Callback]],
    leaves: Mapping[type, List[Callback]],
    ancestors: List[cst.CSTNode],
) -> None:
    """Call `visits[type(node)]` on the way down and `leaves[...]` on the way up."""
    stack: List[object] = [root]
    push, pop = stack.append, stack.pop
    no_callbacks: List[Callback] = []
    while stack:
        item = pop()
        if item is _LEAVE:
            node = ancestors[-1]
            for callback in leaves.get(type(node), no_callbacks):
                callback(node)
            ancestors.pop()
            continue
        node = item  # type: ignore[assignment]
        ancestors.append(node)
        for callback in visits.get(type(node), no_callbacks):
            callback(node)
        push(_LEAVE)
        stack.extend(reversed(children(node)))


_METHODS: Dict[Tuple[type, str, type], Optional[Callable[..., object]]] = {}


def _method(visitor_type: type, prefix: str, node_type: type) -> Optional[Callable[..., object]]:
    key = (visitor_type, prefix, node_type)
    if key not in _METHODS:
        _METHODS[key] = getattr(visitor_type, prefix + node_type.__name__, None)
    return _METHODS[key]


class Visitor:
    """libcst's read-only visitor protocol (`visit_X` returning False skips the children,
    `leave_X` always runs) over `children()`: formatting nodes are not visited. Run it with
    `visit(node, visitor)`; it costs a fraction of `node.visit(visitor)`."""

    def on_visit(self, node: cst.CSTNode) -> bool:
        method = _method(type(self), "visit_", type(node))
        return method is None or method(self, node) is not False

    def on_leave(self, node: cst.CSTNode) -> None:
        method = _method(type(self), "leave_", type(node))
        if method is not None:
            method(self, node)


class ValueVisitor(Visitor):
    """A visitor that sees names only where they are values: not the `attr` of `x.attr`
    nor the keyword of `f(key=value)`."""

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        visit(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        visit(node.value, self)
        return False


class _Leave:
    __slots__ = ("node",)

    def __init__(self, node: cst.CSTNode) -> None:
        self.node = node


def visit(root: cst.CSTNode, visitor: Visitor) -> None:
    stack: List[object] = [root]
    while stack:
        item = stack.pop()
        if type(item) is _Leave:
            visitor.on_leave(item.node)  # type: ignore[attr-defined]
            continue
        node: cst.CSTNode = item  # type: ignore[assignment]
        descend = visitor.on_visit(node)
        stack.append(_Leave(node))
        if descend:
            stack.extend(reversed(children(node)))
