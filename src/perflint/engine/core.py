"""Parse once, run every enabled rule in one traversal, place findings, apply fixes.

Costs decide the shape (measured on the standard library): positions are computed only
for files that have findings, the tree is never deep-copied, and no libcst metadata
provider runs during the traversal; rules get what they need from `FileContext`.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from dataclasses import dataclass, replace
from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple, Type

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.walk import Callback, walk
from perflint.engine import noqa
from perflint.engine.fixes import apply_fixes, non_overlapping
from perflint.engine.locate import Locator
from perflint.engine.statements import Anchors, anchors
from perflint.engine.triage import Triage, triage
from perflint.model import DEFAULT_LINE_LENGTH, Applicability, Diagnostic, Finding, Fix
from perflint.rules.base import Rule, Target, rule_classes

# libcst visits recursively; long implicitly joined strings (pydoc_data/topics.py) need
# more than the default limit.
RECURSION_LIMIT = 20_000
MAX_FIX_ROUNDS = 100


class AnalysisError(Exception):
    """The file cannot be analyzed (syntax error, too deeply nested, ...); `line` and
    `column` (1-based) say where, when known."""

    def __init__(self, reason: str, line: Optional[int] = None, column: Optional[int] = None) -> None:
        super().__init__(reason)
        self.line, self.column = line, column


_HANDLERS: Dict[type, List[Tuple[str, bool, type]]] = {}


def _handlers(rule_type: type) -> List[Tuple[str, bool, type]]:
    """(method name, is a visit, node type) of a rule class's handlers, found once per run."""
    found = _HANDLERS.get(rule_type)
    if found is None:
        found = []
        for attr in dir(rule_type):
            kind, _, node_name = attr.partition("_")
            node_type = getattr(cst, node_name, None) if kind in ("visit", "leave") else None
            if isinstance(node_type, type):
                found.append((attr, kind == "visit", node_type))
        _HANDLERS[rule_type] = found
    return found


def callback_tables(rules: Sequence[Rule]) -> Tuple[Dict[type, List[Callback]], Dict[type, List[Callback]]]:
    """Every rule's `visit_X`/`leave_X` methods, keyed by the libcst node type X."""
    visits: Dict[type, List[Callback]] = {}
    leaves: Dict[type, List[Callback]] = {}
    for rule in rules:
        for attr, is_visit, node_type in _handlers(type(rule)):
            (visits if is_visit else leaves).setdefault(node_type, []).append(getattr(rule, attr))
    return visits, leaves


def _raise_recursion_limit() -> None:
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


def parse(source: str) -> cst.Module:
    _raise_recursion_limit()
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise _syntax_error(source, error) from None
    except RecursionError:
        raise AnalysisError("cannot parse: too deeply nested (recursion limit)") from None


def _syntax_error(source: str, error: cst.ParserSyntaxError) -> AnalysisError:
    """Where and why the file does not parse, as Python says it.

    libcst places some errors after the fact (`def broken(:` at the next line, an
    unmatched dedent nowhere) and its message lists every token it expected, which helps
    no one; Python's own parser names the place and the reason. Only where Python
    accepts what libcst does not (syntax newer than libcst knows) is libcst's word kept.
    """
    python = _python_syntax_error(source)
    if python is not None and python.lineno:
        offset = python.offset if python.offset and python.offset > 0 else 1
        return AnalysisError(
            f"cannot parse: {python.msg} at line {python.lineno}, column {offset}", python.lineno, offset
        )
    match = re.match(r"(?:parser|tokenizer) error: (?:error at (\d+):(\d+): )?(.*)", error.message.strip(), re.S)
    if match is None:
        return AnalysisError(f"cannot parse: {error.message.strip()}")
    line, column, detail = match.groups()
    detail = "invalid syntax" if detail.startswith("expected one of") else detail.splitlines()[0]
    if line is None:
        return AnalysisError(f"cannot parse: {detail}")
    row, col = int(line), int(column) + 1  # libcst's columns are 0-based
    return AnalysisError(f"cannot parse: {detail} at line {row}, column {col}", row, col)


def _python_syntax_error(source: str) -> Optional[SyntaxError]:
    """The SyntaxError (IndentationError, TabError) Python's parser raises on `source`,
    if any. Warnings about the code (invalid escapes) are not the user's concern here."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except SyntaxError as error:
        return error
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def find(module: cst.Module, rules: Sequence[Type[Rule]], target: Target, cells: bool = False) -> List[Finding]:
    """Every finding of `rules` in `module`, in traversal order (`cells`: the module is
    a notebook's cells, see `FileContext`)."""
    if not rules or not module.body:
        return []
    _raise_recursion_limit()
    findings: List[Finding] = []
    ctx = FileContext(module, target, cells)
    try:
        visits, leaves = callback_tables([rule(ctx, findings) for rule in rules])
        walk(ctx.module, visits, leaves, ctx.ancestors)
    except RecursionError:
        raise AnalysisError("cannot analyze: too deeply nested (recursion limit)") from None
    return findings


def unsilenced(findings: List[Finding], locator: Locator, inline_noqa: bool, code: Optional[str] = None) -> List[Finding]:
    """The findings no `# noqa` comment silences (so their fixes are not applied either).
    `code` is the module's source if known (generating it again costs half a parse)."""
    if not inline_noqa or not findings:
        return findings
    comments = noqa.Inline(code if code is not None else locator.module.code)
    if not comments:
        return findings
    return [f for f in findings if not comments.silences(f.code, locator.range(f).start.line)]


def place(findings: Sequence[Finding], locator: Locator, path: str) -> List[Diagnostic]:
    """Turn findings into diagnostics with positions."""
    diagnostics = []
    for finding in findings:
        where = locator.range(finding)
        diagnostics.append(
            Diagnostic(
                finding.code, finding.name, finding.message, path,
                where.start.line, where.start.column, where.end.line, where.end.column,
                finding.fix, finding.bounded,
            )
        )
    diagnostics.sort(key=lambda d: (d.line, d.column, d.code))
    return diagnostics


def check(
    source: str, path: str, rules: Sequence[Type[Rule]], target: Target, inline_noqa: bool = False,
    cells: bool = False, reduced: Optional[Triage] = None,
) -> Tuple[Optional[cst.Module], List[Diagnostic]]:
    """The parsed (triaged) module and its diagnostics; no module when triage found
    nothing any rule could fire on (`reduced`: the triage of `source` for `rules`, if
    the caller has it). A notebook's `cells` are not triaged: triage judges
    module-level code as code that runs once, and notebooks are small. Raises
    AnalysisError."""
    if cells:
        module = parse(source)
        return module, diagnose(module, path, rules, target, inline_noqa, code=source, cells=True)
    reduced = reduced or triage(source, rules)
    if reduced.text is None:
        return None, []
    module = parse(reduced.text)
    kept = rule_classes(reduced.rules)
    return module, diagnose(module, path, kept, target, inline_noqa, reduced.anchors, reduced.text)


def check_source(
    source: str, path: str, rules: Sequence[Type[Rule]], target: Target, inline_noqa: bool = False
) -> List[Diagnostic]:
    """Diagnostics for one file's text. Raises AnalysisError."""
    return check(source, path, rules, target, inline_noqa)[1]


def diagnose(
    module: cst.Module,
    path: str,
    rules: Sequence[Type[Rule]],
    target: Target,
    inline_noqa: bool = False,
    starts: Optional[Anchors] = None,
    code: Optional[str] = None,
    cells: bool = False,
) -> List[Diagnostic]:
    """Diagnostics for a parsed file (whose fixes can then be applied to `module`);
    `code` is the text it was parsed from, if known."""
    findings = find(module, rules, target, cells)
    if not findings:
        return []
    locator = Locator(module, starts)
    try:
        return place(unsilenced(findings, locator, inline_noqa, code), locator, path)
    except RecursionError:
        raise AnalysisError("cannot analyze: too deeply nested (recursion limit)") from None


def allowed_applicabilities(unsafe: bool) -> FrozenSet[Applicability]:
    return frozenset({Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE})


@dataclass
class FixOutcome:
    source: str
    applied: int
    diagnostics: List[Diagnostic]  # what remains after fixing
    module: Optional[cst.Module] = None  # the fixed tree, which the remaining fixes apply to


Keeps = Callable[[str], bool]  # whether fixed code keeps what the file needs (a notebook's cells)


def _valid(code: str, must_compile: bool, keeps: Optional[Keeps] = None) -> Optional[cst.Module]:
    """The parsed module if fixed code still parses (and compiles, if the input did)
    and `keeps` accepts it."""
    if keeps is not None and not keeps(code):
        return None
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
    inline_noqa: bool = False,
    reported: Optional[Callable[[Finding], bool]] = None,
    line_length: int = DEFAULT_LINE_LENGTH,
    cells: bool = False,
    keeps: Optional[Keeps] = None,
    reduced: Optional[Triage] = None,
) -> FixOutcome:
    """Apply fixes until none is left (or the round limit), then report what remains.

    Only the fixes of findings that `reported` accepts are applied (default: all). Each
    round applies a non-overlapping set and checks that the result parses and
    compiles; a set that breaks the code is retried one fix at a time, and a fix that
    breaks it alone is skipped (its finding stays, without a fix). Statements the fixes
    write are kept within `line_length`. A notebook's `cells` are analyzed as `check`
    analyzes them, and a fix whose code `keeps` refuses is skipped as one that breaks
    the code. `reduced` is the triage of `source` for `rules`, if the caller has it.
    Raises AnalysisError.
    """
    if not cells and (reduced or triage(source, rules)).text is None:
        return FixOutcome(source, 0, [], None)
    allowed = allowed_applicabilities(unsafe)
    module = parse(source)
    must_compile = _compiles(source)
    applied = 0
    skipped: set = set()  # indexes of findings whose fix failed, for the current tree

    def current(module: cst.Module) -> List[Finding]:
        return unsilenced(find(module, rules, target, cells), Locator(module), inline_noqa)

    findings = current(module)
    for _ in range(MAX_FIX_ROUNDS):
        candidates: List[Tuple[int, Fix]] = [
            (i, f.fix) for i, f in enumerate(findings)
            if f.fix is not None and f.fix.applicability in allowed and i not in skipped
            and (reported is None or reported(f))
        ]
        if not candidates:
            break
        chosen = non_overlapping(fix for _, fix in candidates)
        index_of = {id(fix): i for i, fix in candidates}
        fixed = _try(module, chosen, must_compile, line_length, keeps) or (
            _try(module, chosen[:1], must_compile, line_length, keeps) if len(chosen) > 1 else None
        )
        if fixed is None:
            skipped.add(index_of[id(chosen[0])])
            continue
        module, count = fixed
        applied += count
        skipped = set()
        findings = current(module)
    remaining = [replace(f, fix=None) if i in skipped else f for i, f in enumerate(findings)]
    locator = Locator(module, anchors(module.code)) if remaining else Locator(module)
    # libcst does not reproduce every file byte for byte (`except (A, B) :` loses a space):
    # a file no fix was applied to is returned exactly as it came.
    text = module.code if applied else source
    return FixOutcome(text, applied, place(remaining, locator, path), module)


def _try(
    module: cst.Module, fixes: Sequence[Fix], must_compile: bool, line_length: int, keeps: Optional[Keeps] = None
) -> Optional[Tuple[cst.Module, int]]:
    try:
        code = apply_fixes(module, fixes, line_length).code
    except Exception:  # a rule's fix is buggy: keep the code as it was
        return None
    if code == module.code:
        return None
    checked = _valid(code, must_compile, keeps)
    return (checked, len(fixes)) if checked is not None else None

