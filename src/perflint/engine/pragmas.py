"""Pragma comments stay at the end of the statement they govern.

`# type: ignore[...]`, `# noqa`, `# pragma: no cover` and their kind act on the line they
end: moved onto a line of their own (where fixes keep the comments of the code they
replace) they silence nothing, or the wrong line. So a pragma that ended a line of the
replaced code and lands above a statement the fix wrote is put back at the end of that
statement's line, `# type: ignore` first (mypy reads it only at the start of a comment).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import List, Optional, Union

import libcst as cst

from perflint.rules.rewrite import Statement

PRAGMA = re.compile(r"#\s*(?:type:\s*ignore|noqa|pragma\b|pyright:\s*ignore|pylint:|mypy:|nosec|fmt:\s*skip)", re.I)
_TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore")


class _TrailingPragmas(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: Counter = Counter()

    def visit_TrailingWhitespace(self, node: cst.TrailingWhitespace) -> None:
        if node.comment is not None and PRAGMA.match(node.comment.value):
            self.found[node.comment.value] += 1


def trailing_pragmas(node: cst.CSTNode) -> Counter:
    """The pragma comments that end lines of `node`, by text."""
    finder = _TrailingPragmas()
    node.visit(finder)
    return finder.found


def kept_at_line_end(statement: Statement, pool: Counter) -> Statement:
    """`statement` with the pragma comments of `pool` found on lines of their own above it
    moved to the end of its (first) line; each use takes one from `pool`."""
    end = _end_of_line(statement)
    if end is None:
        return statement
    moved: List[str] = []
    kept: List[cst.EmptyLine] = []
    for line in statement.leading_lines:
        text = line.comment.value if line.comment is not None else None
        if text is not None and pool[text] > 0:
            pool[text] -= 1
            moved.append(text)
        else:
            kept.append(line)
    if not moved:
        return statement
    if end.comment is not None:
        moved.append(end.comment.value)
    moved.sort(key=lambda text: _TYPE_IGNORE.match(text) is None)
    comment = cst.Comment("  ".join(moved))
    new_end = end.with_changes(whitespace=cst.SimpleWhitespace("  "), comment=comment)
    return _with_end_of_line(statement.with_changes(leading_lines=kept), new_end)


_Suite = Union[cst.IndentedBlock, cst.SimpleStatementSuite]


def _end_of_line(statement: Statement) -> Optional[cst.TrailingWhitespace]:
    if isinstance(statement, cst.SimpleStatementLine):
        return statement.trailing_whitespace
    body = getattr(statement, "body", None)
    if isinstance(body, cst.IndentedBlock):
        return body.header
    if isinstance(body, cst.SimpleStatementSuite):
        return body.trailing_whitespace
    return None


def _with_end_of_line(statement: Statement, end: cst.TrailingWhitespace) -> Statement:
    if isinstance(statement, cst.SimpleStatementLine):
        return statement.with_changes(trailing_whitespace=end)
    body: _Suite = getattr(statement, "body")  # noqa: B009 (checked by _end_of_line)
    if isinstance(body, cst.IndentedBlock):
        return statement.with_changes(body=body.with_changes(header=end))
    return statement.with_changes(body=body.with_changes(trailing_whitespace=end))
