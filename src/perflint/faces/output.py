"""Formatters: results in, text out. Columns are shown 1-based, as Ruff, flake8 and SARIF do.

`full` (the default on a terminal, as in Ruff) and `concise` (one line per finding, the
default elsewhere; `text` is its old name) are for people, `json` for tools (each fix
with its text edits), `sarif` for code-scanning uploads, `github` for annotations in
GitHub Actions logs.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from perflint import __version__
from perflint.catalog import RULES
from perflint.engine import noqa, sourcefile
from perflint.engine.notebook import Notebook, NotebookError, is_notebook
from perflint.engine.runner import FileResult
from perflint.engine.selection import Selectable
from perflint.model import Applicability, Diagnostic, FileError, TextEdit

if TYPE_CHECKING:
    from perflint.rules.base import Rule

FORMATS = ("full", "concise", "text", "json", "sarif", "github")
FIX_PREVIEWS = 20  # full output: fixes shown as a diff in a file with at most this many


def chosen(fmt: str | None, stream: TextIO) -> str:
    """The format to print in: `full` on a terminal unless one is asked for; `text` is
    `concise` under its old name."""
    if fmt is None:
        return "full" if stream.isatty() else "concise"
    return "concise" if fmt == "text" else fmt


def colored(stream: TextIO) -> bool:
    """Colours on a terminal, unless NO_COLOR says otherwise (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")
IMPACT = {rule.code: rule.impact for rule in RULES}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _fixable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    kind = diagnostic.fix_applicability
    return kind is Applicability.SAFE or (kind is Applicability.UNSAFE and unsafe)


def _place(diagnostic: Diagnostic) -> str:
    """`line:col`, or `cell N:line:col` in a notebook (as Ruff writes it)."""
    cell = f"cell {diagnostic.cell}:" if diagnostic.cell is not None else ""
    return f"{cell}{diagnostic.line}:{diagnostic.column + 1}"


def text_line(diagnostic: Diagnostic, unsafe: bool) -> str:
    mark = "[*] " if _fixable(diagnostic, unsafe) else ""
    return f"{diagnostic.path}:{_place(diagnostic)}: {diagnostic.code} {mark}{diagnostic.message}"


def full_lines(
    results: Sequence[FileResult], unsafe: bool, color: bool, sources: Mapping[str, str] | None = None
) -> list[str]:
    """Every finding with its source and its fix (`snippet`); a file's text comes from
    `sources` (stdin) or is read again, as it is after --fix."""
    from perflint.faces import snippet  # only this format draws them

    found = []
    for result in results:
        if not result.diagnostics:
            continue
        texts = _shown_texts(result.path, sources or {})
        for index, diagnostic in enumerate(result.diagnostics):
            lines = [line.rstrip("\r\n") for line in noqa.lines(texts.get(diagnostic.cell, ""))]
            found += snippet.finding(diagnostic, _fixable(diagnostic, unsafe), lines, result.fix_edits.get(index), color)
    return found


def _shown_texts(path: str, sources: Mapping[str, str]) -> dict[int | None, str]:
    """The text findings of `path` are placed in, by cell (None for a plain file): a
    notebook's findings count lines in their cell's source, not in the file's JSON."""
    if path in sources:
        return {None: sources[path]}
    if is_notebook(path):
        try:
            book = Notebook(Path(path).read_bytes())
        except (OSError, NotebookError):
            return {}
        return {cell.number: cell.source for cell in book.cells}
    try:
        return {None: sourcefile.read(Path(path)).text}
    except sourcefile.SourceError:
        return {}


def summary(diagnostics: Sequence[Diagnostic], unsafe: bool, errors: Sequence[FileError] = ()) -> str:
    """The last line: what remains, what `--fix` could still do, which files failed."""
    total = len(diagnostics)
    failed = _failed_files(errors)
    if not total:
        return "No findings." + failed
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
    return ", ".join(parts) + "." + failed


def would_fix(applied: int, remaining: Sequence[Diagnostic], unsafe: bool) -> str:
    """The line after `--diff`: what the diff fixes, and what `--unsafe-fixes` would add."""
    more = 0 if unsafe else sum(1 for d in remaining if d.fix_applicability is Applicability.UNSAFE)
    if not applied:
        return "No findings would be fixed" + (f" ({more} fixable with --unsafe-fixes)." if more else ".")
    hint = f" ({more} more with --unsafe-fixes)" if more else ""
    return f"Would fix {applied} finding{'s' if applied != 1 else ''}{hint}."


def _failed_files(errors: Sequence[FileError]) -> str:
    """` 1 file could not be analyzed, 2 files could not be written (see above).` (a
    file that could not be written was analyzed: its findings are counted as remaining)."""
    unwritten = sum(error.unwritten for error in errors)
    counts = ((len(errors) - unwritten, "analyzed"), (unwritten, "written"))
    parts = [f"{n} file{'s' if n != 1 else ''} could not be {what}" for n, what in counts if n]
    return f" {', '.join(parts)} (see above)." if parts else ""


def _counts(diagnostics: Sequence[Diagnostic], unsafe: bool) -> list[tuple[str, str, int, bool]]:
    """(code, name, count, fixable) per rule, most frequent first."""
    counts = Counter(d.code for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    fixable = {d.code for d in diagnostics if _fixable(d, unsafe)}
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(code, names[code], count, code in fixable) for code, count in ordered]


def statistics(diagnostics: Sequence[Diagnostic], unsafe: bool) -> list[str]:
    return [
        f"{count:>6}  {code}  {'[*]' if fixable else '   '} {name}"
        for code, name, count, fixable in _counts(diagnostics, unsafe)
    ]


def statistics_json(diagnostics: Sequence[Diagnostic], unsafe: bool) -> str:
    rows = [
        {"code": code, "name": name, "count": count, "fixable": fixable}
        for code, name, count, fixable in _counts(diagnostics, unsafe)
    ]
    return json.dumps(rows, indent=2)


def _edit(edit: TextEdit) -> dict[str, Any]:
    return {
        "cell": edit.cell,
        "line": edit.line, "column": edit.column + 1,
        "end_line": edit.end_line, "end_column": edit.end_column + 1,
        "content": edit.content,
    }


def as_dict(diagnostic: Diagnostic, edits: Sequence[TextEdit] | None = None) -> dict[str, Any]:
    """One finding as json; `fix` is null when there is nothing `--fix` could apply."""
    fix: dict[str, Any] | None = None
    if diagnostic.fix_applicability is not None and diagnostic.fix is not None:
        fix = {
            "applicability": diagnostic.fix.applicability.value,
            "description": diagnostic.fix.description,
            "edits": [_edit(edit) for edit in edits or ()],
        }
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "message": diagnostic.message,
        "path": diagnostic.path,
        "cell": diagnostic.cell,
        "line": diagnostic.line,
        "column": diagnostic.column + 1,
        "end_line": diagnostic.end_line,
        "end_column": diagnostic.end_column + 1,
        "fix": fix,
        "impact": IMPACT.get(diagnostic.code),
        "bounded": diagnostic.bounded.value if diagnostic.bounded is not None else None,
    }


def error_dict(error: FileError) -> dict[str, Any]:
    """A file that could not be analyzed (or, with --fix, written) as a json entry of the
    findings' shape, as Ruff lists syntax errors: `code` is null, `message` says why, and
    the position is where the file stops parsing (null when unknown)."""
    return {
        "code": None,
        "name": None,
        "message": error.reason,
        "path": error.path,
        "line": error.line, "column": error.column, "end_line": error.line, "end_column": error.column,
        "fix": None,
        "impact": None,
        "bounded": None,
    }


def as_json(results: Sequence[FileResult]) -> str:
    rows = []
    for result in results:
        rows += [as_dict(diagnostic, result.fix_edits.get(index)) for index, diagnostic in enumerate(result.diagnostics)]
        if result.error is not None:
            rows.append(error_dict(result.error))
    return json.dumps(rows, indent=2)


def _uri(path: str) -> str:
    return quote(Path(path).as_posix())


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": column + 1, "endLine": end_line, "endColumn": end_column + 1}


def _error_region(error: FileError) -> dict[str, int] | None:
    if error.line is None or error.column is None:
        return None
    return {"startLine": error.line, "startColumn": error.column}


def _location(path: str, region: dict[str, int] | None = None, cell: int | None = None) -> dict[str, Any]:
    """A file's location; in a notebook the region's lines are the cell's, and the cell
    is a logical location (its lines are not the lines of the file's JSON)."""
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path), "uriBaseId": "%SRCROOT%"}}
    if region is not None:
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if cell is not None:
        location["logicalLocations"] = [{"name": f"cell {cell}", "kind": "notebook cell"}]
    return location


def _sarif_rule(rule: type[Rule]) -> dict[str, Any]:
    doc = rule.doc()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": doc.split("\n\n")[0] if doc else rule.message},
        "help": {"text": doc or rule.message},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"fix": rule.fix.value, "default": rule.default_on, "impact": rule.impact.value},
    }


def as_sarif(results: Sequence[FileResult], selected: Sequence[Selectable]) -> str:
    """A SARIF 2.1.0 log: the enabled rules with their docs, the findings, unreadable files."""
    from perflint.rules.base import rule_classes

    rules = rule_classes(selected)
    index = {rule.code: position for position, rule in enumerate(rules)}
    findings = [
        {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": "warning",
            "message": {"text": d.message},
            "locations": [_location(d.path, _region(d.line, d.column, d.end_line, d.end_column), d.cell)],
            **({"properties": {"cell": d.cell}} if d.cell is not None else {}),
        }
        for result in results
        for d in result.diagnostics
    ]
    errors = [
        {"level": "error", "message": {"text": r.error.reason}, "locations": [_location(r.error.path, _error_region(r.error))]}
        for r in results
        if r.error is not None
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "perflint",
                "version": __version__,
                "rules": [_sarif_rule(rule) for rule in rules],
            }},
            "invocations": [{"executionSuccessful": not errors, "toolExecutionNotifications": errors}],
            "results": findings,
        }],
    }
    return json.dumps(log, indent=2)


def _escape(text: str, property_value: bool = False) -> str:
    """GitHub's workflow-command escaping (properties also escape `:` and `,`)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def _github_place(diagnostic: Diagnostic) -> str:
    return "" if diagnostic.cell is not None else f"line={diagnostic.line},col={diagnostic.column + 1},"


def _cell_prefix(diagnostic: Diagnostic) -> str:
    return f"{_place(diagnostic)}: " if diagnostic.cell is not None else ""


def github_lines(results: Sequence[FileResult]) -> list[str]:
    """`::warning` annotations for findings, `::error` for files that could not be checked.
    A notebook's finding is annotated on the file, its cell and line in the message: the
    cell's lines are not the lines of the file GitHub shows."""
    lines = [
        f"::warning file={_escape(d.path, True)},{_github_place(d)}"
        f"title={d.code}::{_escape(f'{_cell_prefix(d)}{d.code} {d.message}')}"
        for result in results
        for d in result.diagnostics
    ]
    lines += [
        f"::error file={_escape(r.error.path, True)},{_error_position(r.error)}title=perflint::{_escape(r.error.reason)}"
        for r in results
        if r.error is not None
    ]
    return lines


def _error_position(error: FileError) -> str:
    return "" if error.line is None else f"line={error.line},col={error.column or 1},"
