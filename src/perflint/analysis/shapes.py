"""Small tests of node shapes that several rules ask (cheaper to import and to run than
libcst.matchers, whose import alone costs more than checking a file)."""

from __future__ import annotations

from typing import Type

import libcst as cst

from perflint.walk import children


def is_name(node: object, *values: str) -> bool:
    """Whether `node` is a bare name (one of `values`, if any are given)."""
    return isinstance(node, cst.Name) and (not values or node.value in values)


def contains(node: cst.CSTNode, kind: Type[cst.CSTNode]) -> bool:
    """Whether a node of type `kind` sits anywhere in `node` (formatting aside)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if type(current) is kind:
            return True
        stack.extend(children(current))
    return False
