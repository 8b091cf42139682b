"""Keeping the lines a fix writes within the project's line length, wrapped as black would.

A fix that turns a loop into a comprehension or renames a call can leave a statement
longer than the project allows. Only statements a fix wrote or grew are touched: a new
statement with a line over the limit, or a changed one whose longest line grew past it.
Such a statement (a compound statement: its header alone) is reformatted by black, with
the file's quotes kept, at the width left after its indentation; black's result is taken
only if it is narrower.

black is a dependency rather than hand-written wrapping: it is the wrapping the issue
asks for by name, keeps comments and `# type: ignore` where they apply, and knows every
corner of the grammar. It costs 0.15 s to import, so it is imported only when a
statement needs wrapping; files without such a fix never load it.
"""

from __future__ import annotations

from typing import List, Optional, Sequence

import libcst as cst

from perflint.rules.rewrite import Statement

_TAB_WIDTH = 4  # as Ruff's E501 counts a tab (its default indent-width)
_PASS = cst.IndentedBlock([cst.SimpleStatementLine([cst.Pass()])])


def fitted(
    module: cst.Module,
    statement: Statement,
    original: Optional[Statement],
    indent: str,
    line_length: int,
) -> Sequence[Statement]:
    """`statement` (at `indent` in `module`), or black's wrapping of it when a fix made it
    wider than `line_length` (`original`: what it replaced, None for a new statement)."""
    header = _header(statement)
    if header is None:
        return [statement]
    width = _width(module, header, indent)
    if width <= line_length:
        return [statement]
    before = _header(original) if original is not None else None
    if before is not None and width <= _width(module, before, indent):
        return [statement]
    wrapped = _black(module, header, line_length - len(indent.expandtabs(_TAB_WIDTH)))
    if wrapped is None or max(_width(module, s, indent) for s in wrapped) >= width:
        return [statement]
    if header is not statement:  # put the block (and else) back under the wrapped header
        if len(wrapped) != 1 or type(wrapped[0]) is not type(statement):
            return [statement]
        body = statement.body if isinstance(statement.body, cst.IndentedBlock) else wrapped[0].body
        wrapped = [wrapped[0].with_changes(body=body, orelse=getattr(statement, "orelse", None))]
    return [wrapped[0].with_changes(leading_lines=statement.leading_lines), *wrapped[1:]]


def _header(statement: Statement) -> Optional[Statement]:
    """The part of `statement` a fix may widen: a simple statement whole, the first line
    of `if`/`while`/`for`/`with` (its header, with a `pass` block for an indented one;
    `if x: y` whole, which black splits); None for anything else."""
    if isinstance(statement, cst.SimpleStatementLine):
        return statement
    if not isinstance(statement, (cst.If, cst.While, cst.For, cst.With)):
        return None
    body = _PASS if isinstance(statement.body, cst.IndentedBlock) else statement.body
    if isinstance(statement, cst.With):
        return statement.with_changes(body=body)
    return statement.with_changes(body=body, orelse=None)


def _width(module: cst.Module, header: Statement, indent: str) -> int:
    """The widest line `header` has at `indent` (its leading comments aside; for a
    compound statement, without its `pass` body)."""
    bare = header.with_changes(leading_lines=())
    node = cst.IndentedBlock([bare], indent=indent) if indent else bare
    lines = module.code_for_node(node).splitlines()
    if not isinstance(header, cst.SimpleStatementLine) and isinstance(getattr(header, "body", None), cst.IndentedBlock):
        lines = lines[:-1]  # the `pass` block
    return max((len(line.expandtabs(_TAB_WIDTH)) for line in lines), default=0)


def _black(module: cst.Module, header: Statement, line_length: int) -> Optional[List[Statement]]:
    """black's formatting of `header` alone (None if black declines it)."""
    import black

    code = module.code_for_node(header.with_changes(leading_lines=()))
    mode = black.Mode(line_length=max(line_length, 1), string_normalization=False)
    try:
        formatted = black.format_str(code, mode=mode)
        parsed = cst.parse_module(formatted.replace("\n", module.default_newline), config=module.config_for_parsing)
    except Exception:  # noqa: BLE001 (black's errors have no common base: keep the fix unwrapped)
        return None
    return list(parsed.body) or None
