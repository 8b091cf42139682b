"""What more than one of the containers rules uses (or their triage helpers do)."""

from __future__ import annotations

from typing import List, Optional, Sequence, Set, Tuple

import libcst as cst

from perflint.analysis.walk import subtree_ids
from perflint.rules import rewrite

# Builtins that read an argument without keeping or changing it.
READING_BUILTINS = frozenset({
    "all", "any", "bool", "dict", "enumerate", "frozenset", "iter", "len", "list", "max", "min",
    "print", "repr", "reversed", "set", "sorted", "str", "sum", "tuple", "zip",
})
LIST_READ_METHODS = frozenset({"count", "index", "copy"})


# -- small predicates on nodes -------------------------------------------------------------
def _is_zero(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Integer) and node.value == "0"


def _is_simple(node: cst.BaseExpression) -> bool:
    """An expression that can be evaluated once or twice with the same result."""
    if isinstance(node, (cst.Name, cst.SimpleString, cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.Attribute):
        return _is_simple(node.value)
    if isinstance(node, cst.Subscript):
        return (
            _is_simple(node.value)
            and len(node.slice) == 1
            and isinstance(node.slice[0].slice, cst.Index)
            and _is_simple(node.slice[0].slice.value)
        )
    if isinstance(node, cst.Tuple):
        return all(isinstance(e, cst.Element) and _is_simple(e.value) for e in node.elements)
    return False


def _is_receiver(node: cst.BaseExpression) -> bool:
    """`name` or `name.attr.attr`: a container we can name twice."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


def _same(a: cst.CSTNode, b: cst.CSTNode) -> bool:
    return a.deep_equals(b)


def _item(node: cst.BaseExpression) -> Optional[Tuple[cst.BaseExpression, cst.BaseExpression]]:
    """(`d`, `k`) for a subscript `d[k]` with a plain index."""
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index) and index.star is None:
            return node.value, index.value
    return None


def _single(statement: cst.CSTNode) -> Optional[cst.BaseSmallStatement]:
    """The one small statement of a simple statement line."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        return statement.body[0]
    return None


def _block_body(block: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    if isinstance(block, cst.IndentedBlock):
        return block.body
    return [cst.SimpleStatementLine(block.body)] if isinstance(block, cst.SimpleStatementSuite) else ()


def _comment_lines(node: cst.CSTNode) -> List[cst.EmptyLine]:
    """Every comment inside a statement that a fix removes, as lines to keep elsewhere."""
    return [cst.EmptyLine(comment=c) for c in rewrite.comments(node)]


def _with_lines(lines: Sequence[cst.EmptyLine], before: bool = True):  # type: ignore[no-untyped-def]
    """An `Edit.replace` adding comment lines above a statement (before or after its own)."""
    if before:
        return lambda n: n.with_changes(leading_lines=(*lines, *n.leading_lines))
    return lambda n: n.with_changes(leading_lines=(*n.leading_lines, *lines))


def _names_in(node: cst.CSTNode) -> Set[int]:
    """Ids of every node in a subtree (to tell which uses sit inside it)."""
    return subtree_ids(node)


def _method(kind: str) -> str:
    """`append` for the use kind `method:append` (empty for other kinds)."""
    return kind[len("method:"):] if kind.startswith("method:") else ""


def _set_display(node: cst.CSTNode) -> cst.BaseExpression:
    """`[a, b]` / `(a, b)` / `[x for ...]` as the matching set display, keeping comments."""
    if isinstance(node, cst.ListComp):
        return cst.SetComp(
            node.elt, node.for_in,
            lbrace=cst.LeftCurlyBrace(whitespace_after=node.lbracket.whitespace_after),
            rbrace=cst.RightCurlyBrace(whitespace_before=node.rbracket.whitespace_before),
            lpar=node.lpar, rpar=node.rpar,
        )
    if isinstance(node, cst.List):
        after, before = node.lbracket.whitespace_after, node.rbracket.whitespace_before
        lpar, rpar = node.lpar, node.rpar
    else:
        assert isinstance(node, cst.Tuple)
        after, before = node.lpar[-1].whitespace_after, node.rpar[0].whitespace_before
        lpar, rpar = node.lpar[:-1], node.rpar[1:]
    return cst.Set(
        node.elements,
        lbrace=cst.LeftCurlyBrace(whitespace_after=after),
        rbrace=cst.RightCurlyBrace(whitespace_before=before),
        lpar=lpar, rpar=rpar,
    )


# -- PFL305 ---------------------------------------------------------------------------------
def _method_call(statement: cst.CSTNode, method: str) -> Optional[Tuple[cst.Call, cst.BaseExpression]]:
    """(call, receiver) of a statement that is just `receiver.method(...)`."""
    small = _single(statement)
    call = small.value if isinstance(small, cst.Expr) else None
    if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == method:
        return call, call.func.value
    return None


def _store(small: Optional[cst.CSTNode]) -> Optional[Tuple[cst.BaseExpression, cst.BaseExpression, cst.BaseExpression]]:
    """(`d`, `k`, `v`) for `d[k] = v`."""
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        item = _item(small.targets[0].target)
        if item is not None:
            return (*item, small.value)
    return None


def _membership(test: cst.BaseExpression) -> Optional[Tuple[cst.BaseExpression, cst.BaseExpression, bool]]:
    """(`k`, `d`, negated) for `k in d` / `k not in d`."""
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        if isinstance(target.operator, (cst.In, cst.NotIn)):
            return test.left, target.comparator, isinstance(target.operator, cst.NotIn)
    return None


def _single_of(block: cst.BaseSuite) -> Optional[cst.BaseSmallStatement]:
    body = _block_body(block)
    return _single(body[0]) if len(body) == 1 else None
