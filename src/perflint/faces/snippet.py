"""The `full` output: each finding with its source, a caret under it, and its fix as a diff.

The one-line form (`concise`) is for grep and editors; on a terminal, as in Ruff, a finding
reads better next to the code it is about and to what `--fix` would make of it:

    app.py:4:12: PFL310 [*] use `key in dict` instead of `key in dict.keys()`
      |
    4 |         if word in seen.keys():
      |            ^^^^^^^^^^^^^^^^^^^
      |
      = fix (safe: applied by --fix)
      |
    4 -         if word in seen.keys():
    4 +         if word in seen:
      |

The header line is the concise line, so the output still greps and terminals still link
the position. The diff comes from the fix's text edits (`edits`), the same ones the json
output gives; without them (a file with more fixable findings than are worth a diff each)
only the fix's kind is said. Colours are click's, asked for by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from perflint.model import Applicability, Diagnostic, TextEdit

MAX_LINES = 4  # of a finding that spans more lines, the first few are shown



def _fix_line(diagnostic: Diagnostic, kind: Applicability) -> str:
    what = f": {diagnostic.fix.description}" if diagnostic.fix is not None and diagnostic.fix.description else ""
    if kind is Applicability.SAFE:
        return f"fix{what} (safe: applied by --fix)"
    return (
        f"unsafe fix{what} (applied by --fix --unsafe-fixes: it may change behaviour in an edge case, "
        f"see perflint explain {diagnostic.code})"
    )


def finding(
    diagnostic: Diagnostic, fixable: bool, lines: Sequence[str], edits: Sequence[TextEdit] | None, color: bool
) -> list[str]:
    """The lines of one finding: the concise line (`fixable`: marked `[*]`), then its
    file's source `lines` (without line endings) around it, then its fix."""

    def paint(text: str, **style: object) -> str:
        return click.style(text, **style) if color else text  # type: ignore[arg-type]

    shown = range(diagnostic.line, min(diagnostic.end_line, diagnostic.line + MAX_LINES - 1) + 1)
    kind = diagnostic.fix_applicability
    diff = _diff(lines, edits) if kind is not None and edits else []
    width = len(str(max([shown.stop - 1, *(number for _, number, _ in diff)])))
    gutter = paint(" " * width + " |", fg="blue")
    where = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column + 1}:"
    mark = paint("[*] ", fg="cyan") if fixable else ""
    out = [f"{paint(where, bold=True)} {paint(diagnostic.code, fg='red', bold=True)} {mark}{diagnostic.message}", gutter]
    for number in shown:
        out.append(paint(f"{number:>{width}} |", fg="blue") + _text(lines, number))
    out.append(gutter + paint(_carets(lines, diagnostic), fg="red", bold=True))
    if kind is not None:
        out += [gutter, paint(" " * width + " =", fg="blue") + " " + _fix_line(diagnostic, kind)]
        if diff:
            out.append(gutter)
            for sign, number, text in diff:
                line = f"{number:>{width}} {sign} {text.expandtabs()}".rstrip()
                out.append(paint(line, fg="red" if sign == "-" else "green"))
            out.append(gutter)
    return [*out, ""]


def _text(lines: Sequence[str], number: int) -> str:
    line = lines[number - 1].expandtabs() if 0 < number <= len(lines) else ""
    return f" {line}" if line else ""


def _carets(lines: Sequence[str], diagnostic: Diagnostic) -> str:
    """Spaces to the finding's first column, then a caret under each character of it on
    its first line (tabs expanded, as the line above them is)."""
    line = lines[diagnostic.line - 1] if 0 < diagnostic.line <= len(lines) else ""
    end = diagnostic.end_column if diagnostic.end_line == diagnostic.line else len(line)
    start = len(line[: diagnostic.column].expandtabs())
    stop = len(line[:end].expandtabs())
    return " " * (start + 1) + "^" * max(stop - start, 1)


def _diff(lines: Sequence[str], edits: Sequence[TextEdit]) -> list[tuple[str, int, str]]:
    """The edits as removed and added lines (sign, line number, text), each numbered in
    its own file: a later edit's added lines are shifted by what earlier ones added."""
    out: list[tuple[str, int, str]] = []
    shift = 0
    for edit in sorted(edits, key=lambda e: (e.line, e.column)):
        before = list(lines[edit.line - 1 : edit.end_line]) + [""] * (edit.end_line - max(len(lines), edit.line - 1))
        after = (before[0][: edit.column] + edit.content + before[-1][edit.end_column :]).split("\n")
        line = edit.line
        while before and after and before[0] == after[0]:  # lines the edit leaves as they were
            before, after, line = before[1:], after[1:], line + 1
        while before and after and before[-1] == after[-1]:
            before, after = before[:-1], after[:-1]
        out += [("-", line + n, text) for n, text in enumerate(before)]
        out += [("+", line + shift + n, text) for n, text in enumerate(after)]
        shift += len(after) - len(before)
    return out
