"""Formatters: diagnostics in, text out. Columns are shown 1-based, as Ruff and flake8 do."""

from __future__ import annotations

import json
from collections import Counter
from typing import Dict, List, Optional, Sequence

from perflint.model import Applicability, Diagnostic


def _fixable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    kind = diagnostic.fix_applicability
    return kind is Applicability.SAFE or (kind is Applicability.UNSAFE and unsafe)


def text_line(diagnostic: Diagnostic, unsafe: bool) -> str:
    mark = "[*] " if _fixable(diagnostic, unsafe) else ""
    return (
        f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column + 1}: "
        f"{diagnostic.code} {mark}{diagnostic.message}"
    )


def summary(diagnostics: Sequence[Diagnostic], unsafe: bool) -> str:
    total = len(diagnostics)
    if not total:
        return "No findings."
    safe = sum(1 for d in diagnostics if d.fix_applicability is Applicability.SAFE)
    more = sum(1 for d in diagnostics if d.fix_applicability is Applicability.UNSAFE)
    noun = "finding" if total == 1 else "findings"
    parts = [f"{total} {noun}"]
    if unsafe:
        parts.append(f"{safe + more} fixable with --fix --unsafe-fixes")
    else:
        parts.append(f"{safe} fixable with --fix")
        if more:
            parts.append(f"{more} more with --unsafe-fixes")
    return ", ".join(parts) + "."


def statistics(diagnostics: Sequence[Diagnostic], unsafe: bool) -> List[str]:
    counts = Counter(d.code for d in diagnostics)
    names: Dict[str, str] = {d.code: d.name for d in diagnostics}
    fixable = {d.code for d in diagnostics if _fixable(d, unsafe)}
    return [
        f"{count:>6}  {code}  {'[*]' if code in fixable else '   '} {names[code]}"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def as_dict(diagnostic: Diagnostic) -> Dict[str, object]:
    fix: Optional[Dict[str, str]] = None
    if diagnostic.fix_applicability is not None and diagnostic.fix is not None:
        fix = {"applicability": diagnostic.fix.applicability.value, "description": diagnostic.fix.description}
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "message": diagnostic.message,
        "path": diagnostic.path,
        "line": diagnostic.line,
        "column": diagnostic.column + 1,
        "end_line": diagnostic.end_line,
        "end_column": diagnostic.end_column + 1,
        "fix": fix,
    }


def as_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([as_dict(d) for d in diagnostics], indent=2)
