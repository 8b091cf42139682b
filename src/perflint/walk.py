"""A depth-first walk over a libcst tree that is several times cheaper than `visit`.

libcst's `CSTNode.visit` rebuilds every node it passes through (its visitors and
transformers share one code path), which costs as much as parsing. Rules only read the
tree, so the engine walks it itself: children are read straight from each node's dataclass
fields, in source order, skipping the fields that hold only whitespace and punctuation
(which no rule inspects). Leave callbacks run with the node still on `ancestors`.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Dict, Iterable, List, Mapping, Tuple

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
    first = [name for name in _SOURCE_ORDER.get(node_type, ()) if name in names]
    ordered = tuple(first + [name for name in names if name not in first])
    _FIELDS[node_type] = ordered
    return ordered


def children(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """The node's children that carry meaning, in source order."""
    fields = _FIELDS.get(type(node)) or _child_fields(type(node))
    for name in fields:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (tuple, list)):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


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
        stack.extend(reversed(list(children(node))))
