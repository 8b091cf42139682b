"""One file in, one `FileResult` out: the unit of work every face runs.

Kept free of I/O to the terminal so a process pool can run it and the faces only print.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Type

import libcst as cst

from perflint import engine, noqa, sourcefile
from perflint.edits import TextEdit, text_edits
from perflint.model import Diagnostic, FileError
from perflint.rule import Rule, Target


@dataclass(frozen=True)
class Settings:
    rules: Sequence[Type[Rule]]
    target: Target
    fix: bool = False  # apply fixes (write, or only diff when `diff` is set)
    unsafe_fixes: bool = False
    diff: bool = False
    inline_noqa: bool = True  # off under flake8, which handles noqa comments itself
    describe_fixes: bool = False  # compute each fix's text edits (json output)


@dataclass
class FileResult:
    path: str
    diagnostics: List[Diagnostic] = field(default_factory=list)
    error: Optional[FileError] = None
    applied: int = 0  # fixes applied (or that would be, with --diff)
    diff: str = ""
    fix_edits: Dict[int, List[TextEdit]] = field(default_factory=dict)  # by diagnostic index


def run_source(text: str, path: str, settings: Settings) -> "tuple[FileResult, str]":
    """Analyze (and with fix/diff, fix) one file's text; returns the result and new text.

    `# perflint: noqa` lines turn rules off for the file before anything runs.
    """
    result = FileResult(path)
    rules = noqa.active_rules(text, settings.rules)
    new_text = text
    try:
        if settings.fix or settings.diff:
            outcome = engine.fix_source(
                text, path, rules, settings.target, settings.unsafe_fixes, settings.inline_noqa
            )
            result.diagnostics, result.applied = outcome.diagnostics, outcome.applied
            module, new_text = outcome.module, outcome.source
            if new_text != text and settings.diff:
                result.diff = "".join(difflib.unified_diff(
                    text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                    fromfile=path, tofile=path,
                ))
        else:
            module, result.diagnostics = engine.check(text, path, rules, settings.target, settings.inline_noqa)
        if settings.describe_fixes and module is not None:
            result.fix_edits = _edits(module, result.diagnostics)
    except engine.AnalysisError as error:
        result.error = FileError(path, str(error))
    return result, new_text


def _edits(module: cst.Module, diagnostics: Sequence[Diagnostic]) -> Dict[int, List[TextEdit]]:
    """Each fixable diagnostic's edits; a fix that raises (a buggy rule) gets none."""
    found = {}
    for index, diagnostic in enumerate(diagnostics):
        if diagnostic.fix is not None and diagnostic.fix_applicability is not None:
            try:
                found[index] = text_edits(module, diagnostic.fix)
            except Exception:  # noqa: BLE001, S110 (the finding is still reported)
                pass
    return found


def run_file(path: Path, settings: Settings) -> FileResult:
    """Analyze one file; with `fix` (and not `diff`) write the fixed text back."""
    shown = str(path)
    try:
        source = sourcefile.read(path)
    except sourcefile.SourceError as error:
        return FileResult(shown, error=FileError(shown, str(error)))
    result, fixed = run_source(source.text, shown, settings)
    if settings.fix and not settings.diff and fixed != source.text:
        try:
            sourcefile.write(source, fixed)
        except (OSError, UnicodeEncodeError) as error:
            return FileResult(shown, result.diagnostics, FileError(shown, f"cannot write: {error}"))
    return result
