"""Where statements start, read off the C `ast` parser's tree: the engine computes
positions for one top-level statement at a time instead of for the whole file (see
engine/locate.py), and triage cuts files at the same places."""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from typing import Dict, List, Optional

_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")


@dataclass(frozen=True)
class Anchors:
    """Where `ast` says statements start: each top-level statement, and each statement in
    the body of a top-level class (by the class's index). A definition starts on its
    `def`/`class` line."""

    top: List[int]
    members: Dict[int, List[int]]


def top_level(tree: ast.Module) -> Anchors:
    members = {
        index: [inner.lineno for inner in node.body]
        for index, node in enumerate(tree.body)
        if isinstance(node, ast.ClassDef)
    }
    return Anchors([node.lineno for node in tree.body], members)


def source_lines(text: str) -> List[str]:
    """`text`'s lines with their endings, ended where `ast` ends them (`str.splitlines`
    also ends a line at a form feed and other separators, which would shift every line
    after it)."""
    return _LINE.findall(text)


def parse(text: str) -> Optional[ast.Module]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # libcst will report it (or parse what ast cannot)


def anchors(text: str) -> Optional[Anchors]:
    tree = parse(text)
    return None if tree is None else top_level(tree)
