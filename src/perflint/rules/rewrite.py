"""Small builders for fixes, so rules state *what* changes, not how libcst spells it."""

from __future__ import annotations

import functools
from typing import List, Optional, Union

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.model import Edit

Statement = Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]  # what a block holds


def replace(node: cst.CSTNode, new: cst.CSTNode) -> Edit:
    """Replace `node` by `new` (anything edited inside `node` is dropped)."""
    return Edit(node, replace=lambda _updated: new)


def expression(ctx: FileContext, code: str) -> cst.BaseExpression:
    return cst.parse_expression(code, config=ctx.module.config_for_parsing)


def statement(ctx: FileContext, code: str) -> cst.BaseStatement:
    return cst.parse_statement(code, config=ctx.module.config_for_parsing)


def sole_argument(value: cst.BaseExpression) -> cst.BaseExpression:
    """`value` as the sole argument of a call: parenthesized if it must be, without
    redundant plain parentheses otherwise."""
    if isinstance(value, (cst.Yield, cst.Tuple)):
        return value if value.lpar else value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    plain = all(isinstance(p.whitespace_after, cst.SimpleWhitespace) for p in value.lpar) and all(
        isinstance(p.whitespace_before, cst.SimpleWhitespace) for p in value.rpar
    )
    return value.with_changes(lpar=value.lpar[1:], rpar=value.rpar[:-1]) if value.lpar and plain else value


def insert_before(anchor: cst.BaseStatement, ctx: FileContext, code: str) -> Edit:
    """Insert the statement `code` before `anchor`, at its indentation."""
    return Edit(anchor, before=(statement(ctx, code),))


def code_of(ctx: FileContext, node: cst.CSTNode) -> str:
    """Source text of a node (as the module would print it)."""
    return ctx.module.code_for_node(node)


class _CommentFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: List[cst.Comment] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found.append(node)


def comments(*nodes: Optional[cst.CSTNode]) -> List[cst.Comment]:
    """Every comment inside `nodes`, in order (for fixes that would drop part of them;
    libcst's own walk, which sees formatting, so call it on small candidates only)."""
    finder = _CommentFinder()
    for node in nodes:
        if node is not None:
            node.visit(finder)
    return finder.found


def has_comment(node: cst.CSTNode) -> bool:
    return bool(comments(node))


class _QuoteCounter(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.single = self.double = 0

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        quote = node.quote
        if quote == "'":
            self.single += 1
        elif quote == '"':
            self.double += 1


def quote(ctx: FileContext) -> str:
    """The quote the file writes its strings with (`'` if most one-line strings use it,
    else `"`), for fixes that write a string literal."""
    return _quote_of(ctx.module)


@functools.lru_cache(maxsize=1)  # the file being fixed (modules hash by identity)
def _quote_of(module: cst.Module) -> str:
    counter = _QuoteCounter()
    module.visit(counter)
    return "'" if counter.single > counter.double else '"'
