"""Parse once, run every enabled rule in one traversal, place findings, apply fixes.

Costs decide the shape (measured on the standard library): positions are computed only
for files that have findings, the tree is never deep-copied, and no libcst metadata
provider runs during the traversal; rules get what they need from `FileContext`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple, Type

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from perflint.analysis.context import FileContext
from perflint.fixes import apply_fixes, non_overlapping
from perflint.model import Applicability, Diagnostic, Finding, Fix
from perflint.rule import Rule, Target

# libcst visits recursively; long implicitly joined strings (pydoc_data/topics.py) need
# more than the default limit.
RECURSION_LIMIT = 20_000
MAX_FIX_ROUNDS = 100


class AnalysisError(Exception):
    """The file cannot be analyzed (syntax error, too deeply nested, ...)."""


Callback = Callable[[cst.CSTNode], object]


class Dispatcher(cst.CSTVisitor):
    """One traversal calling every rule's `visit_X`/`leave_X` for each node type X."""

    def __init__(self, ctx: FileContext, rules: Sequence[Rule]) -> None:
        super().__init__()
        self.ctx = ctx
        self.visits: Dict[type, List[Callback]] = {}
        self.leaves: Dict[type, List[Callback]] = {}
        for rule in rules:
            for attr in dir(type(rule)):
                kind, _, node_name = attr.partition("_")
                table = self.visits if kind == "visit" else self.leaves if kind == "leave" else None
                node_type = getattr(cst, node_name, None) if table is not None else None
                if table is not None and isinstance(node_type, type):
                    table.setdefault(node_type, []).append(getattr(rule, attr))

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.ctx.ancestors.append(node)
        for callback in self.visits.get(type(node), ()):
            callback(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        for callback in self.leaves.get(type(original_node), ()):
            callback(original_node)
        self.ctx.ancestors.pop()

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        pass

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        pass


def _raise_recursion_limit() -> None:
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


def parse(source: str) -> cst.Module:
    _raise_recursion_limit()
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise AnalysisError(f"cannot parse: {_syntax_reason(error)}") from None
    except RecursionError:
        raise AnalysisError("cannot parse: too deeply nested (recursion limit)") from None


def _syntax_reason(error: cst.ParserSyntaxError) -> str:
    """One short line: libcst's message lists every token it expected, which helps no one."""
    match = re.match(r"(?:parser|tokenizer) error: (?:error at (\d+):(\d+): )?(.*)", error.message.strip(), re.S)
    if match is None:
        return f"{error.message.strip()} at line {error.editor_line}"
    line, column, detail = match.groups()
    detail = "invalid syntax" if detail.startswith("expected one of") else detail.splitlines()[0]
    return f"{detail} at line {line}, column {column}" if line else detail


def find(module: cst.Module, rules: Sequence[Type[Rule]], target: Target) -> List[Finding]:
    """Every finding of `rules` in `module`, in traversal order."""
    if not rules:
        return []
    _raise_recursion_limit()
    findings: List[Finding] = []
    ctx = FileContext(module, target)
    try:
        module.visit(Dispatcher(ctx, [rule(ctx, findings) for rule in rules]))
    except RecursionError:
        raise AnalysisError("cannot analyze: too deeply nested (recursion limit)") from None
    return findings


def place(module: cst.Module, findings: Sequence[Finding], path: str) -> List[Diagnostic]:
    """Turn findings into diagnostics with positions (computed only when there are any)."""
    if not findings:
        return []
    try:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    except RecursionError:
        raise AnalysisError("cannot analyze: too deeply nested (recursion limit)") from None
    diagnostics = []
    for finding in findings:
        where = positions[finding.node]
        diagnostics.append(
            Diagnostic(
                finding.code, finding.name, finding.message, path,
                where.start.line, where.start.column, where.end.line, where.end.column,
                finding.fix,
            )
        )
    diagnostics.sort(key=lambda d: (d.line, d.column, d.code))
    return diagnostics


def check_source(source: str, path: str, rules: Sequence[Type[Rule]], target: Target) -> List[Diagnostic]:
    """Diagnostics for one file's text. Raises AnalysisError."""
    module = parse(source)
    return place(module, find(module, rules, target), path)


def allowed_applicabilities(unsafe: bool) -> FrozenSet[Applicability]:
    return frozenset({Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE})


@dataclass
class FixOutcome:
    source: str
    applied: int
    diagnostics: List[Diagnostic]  # what remains after fixing


def _valid(code: str, must_compile: bool) -> Optional[cst.Module]:
    """The parsed module if fixed code still parses (and compiles, if the input did)."""
    try:
        module = parse(code)
        if must_compile:
            compile(code, "<fixed>", "exec", dont_inherit=True)
    except (AnalysisError, SyntaxError, ValueError, RecursionError):
        return None
    return module


def _compiles(code: str) -> bool:
    try:
        compile(code, "<input>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError):
        return False
    return True


def fix_source(
    source: str,
    path: str,
    rules: Sequence[Type[Rule]],
    target: Target,
    unsafe: bool,
) -> FixOutcome:
    """Apply fixes until none is left (or the round limit), then report what remains.

    Each round applies a non-overlapping set and checks that the result parses and
    compiles; a set that breaks the code is retried one fix at a time, and a fix that
    breaks it alone is skipped (its finding stays, without a fix). Raises AnalysisError.
    """
    allowed = allowed_applicabilities(unsafe)
    module = parse(source)
    must_compile = _compiles(source)
    applied = 0
    skipped: set = set()  # indexes of findings whose fix failed, for the current tree
    findings = find(module, rules, target)
    for _ in range(MAX_FIX_ROUNDS):
        candidates: List[Tuple[int, Fix]] = [
            (i, f.fix) for i, f in enumerate(findings)
            if f.fix is not None and f.fix.applicability in allowed and i not in skipped
        ]
        if not candidates:
            break
        chosen = non_overlapping(fix for _, fix in candidates)
        index_of = {id(fix): i for i, fix in candidates}
        fixed = _try(module, chosen, must_compile) or (
            _try(module, chosen[:1], must_compile) if len(chosen) > 1 else None
        )
        if fixed is None:
            skipped.add(index_of[id(chosen[0])])
            continue
        module, count = fixed
        applied += count
        skipped = set()
        findings = find(module, rules, target)
    remaining = [
        Finding(f.code, f.name, f.message, f.node, None) if i in skipped else f
        for i, f in enumerate(findings)
    ]
    return FixOutcome(module.code, applied, place(module, remaining, path))


def _try(module: cst.Module, fixes: Sequence[Fix], must_compile: bool) -> Optional[Tuple[cst.Module, int]]:
    try:
        code = apply_fixes(module, fixes).code
    except Exception:  # a rule's fix is buggy: keep the code as it was
        return None
    if code == module.code:
        return None
    checked = _valid(code, must_compile)
    return (checked, len(fixes)) if checked is not None else None

