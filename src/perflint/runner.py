"""One file in, one `FileResult` out: the unit of work every face runs.

Kept free of I/O to the terminal so a process pool can run it and the faces only print.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence, Type

from perflint import engine, sourcefile
from perflint.model import Diagnostic, FileError
from perflint.rule import Rule, Target


@dataclass(frozen=True)
class Settings:
    rules: Sequence[Type[Rule]]
    target: Target
    fix: bool = False  # apply fixes (write, or only diff when `diff` is set)
    unsafe_fixes: bool = False
    diff: bool = False


@dataclass
class FileResult:
    path: str
    diagnostics: List[Diagnostic] = field(default_factory=list)
    error: Optional[FileError] = None
    applied: int = 0  # fixes applied (or that would be, with --diff)
    diff: str = ""


def run_source(text: str, path: str, settings: Settings) -> "tuple[FileResult, str]":
    """Analyze (and with fix/diff, fix) one file's text; returns the result and new text."""
    result = FileResult(path)
    try:
        if settings.fix or settings.diff:
            outcome = engine.fix_source(text, path, settings.rules, settings.target, settings.unsafe_fixes)
            result.diagnostics, result.applied = outcome.diagnostics, outcome.applied
            if outcome.source != text and settings.diff:
                result.diff = "".join(difflib.unified_diff(
                    text.splitlines(keepends=True), outcome.source.splitlines(keepends=True),
                    fromfile=path, tofile=path,
                ))
            return result, outcome.source
        result.diagnostics = engine.check_source(text, path, settings.rules, settings.target)
    except engine.AnalysisError as error:
        result.error = FileError(path, str(error))
    return result, text


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
