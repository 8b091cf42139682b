"""`# noqa` comments, read exactly as flake8 reads them, so both faces silence the same findings.

`# noqa` silences every finding on its line, `# noqa: PFL101,PFL303` those codes (or code
prefixes). As in flake8, the lines of one token run (a multi-line string, a backslash
continuation) share their comments, so the comment may sit on any of them. On a line of its
own, `# perflint: noqa` silences the whole file and `# perflint: noqa: CODES` those codes
there: flake8 knows nothing of it, so the flake8 plugin honours it through `file_codes` too.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Sequence
from typing import Optional, TypeVar

from perflint.engine.selection import Selectable
from perflint.model import Diagnostic

_CODES = r"(?::[ \t]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?"
INLINE = re.compile(r"# noqa" + _CODES, re.IGNORECASE)
FILE = re.compile(r"[ \t]*# perflint:[ \t]*noqa" + _CODES + r"[ \t]*$", re.IGNORECASE)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")

Codes = Optional[frozenset[str]]  # None: every code
ALL: Codes = None
R = TypeVar("R", bound=Selectable)


def _codes(match: re.Match[str]) -> Codes:
    found = match.group("codes")
    return None if found is None else frozenset(re.split(r"[,\s]+", found.strip()))


def silences(codes: Codes, code: str) -> bool:
    """Whether a comment naming `codes` silences `code` (flake8: equal or a prefix, case matters)."""
    return codes is None or code in codes or code.startswith(tuple(codes))


def lines(text: str) -> list[str]:
    """Physical lines with their endings, numbered as libcst and tokenize number them."""
    return _LINE.findall(text)


def file_codes(text: str) -> Codes:
    """What the `# perflint: noqa` lines silence in the whole file (an empty set: nothing)."""
    found: set[str] = set()
    if "perflint:" not in text:
        return frozenset(found)
    for line in lines(text):
        match = FILE.match(line.rstrip("\r\n"))
        if match:
            codes = _codes(match)
            if codes is None:
                return ALL
            found |= codes
    return frozenset(found)


def active_rules(text: str, rules: Sequence[R]) -> list[R]:
    """The rules that still run on a file once its `# perflint: noqa` lines are obeyed."""
    codes = file_codes(text)
    return [rule for rule in rules if not silences(codes, rule.code)]


def token_runs(physical: Sequence[str]) -> dict[int, tuple[int, int]]:
    """Line -> (first, last) line of the token run it belongs to (flake8's noqa mapping)."""
    runs: dict[int, tuple[int, int]] = {}
    first, last = len(physical) + 2, -1
    try:
        for token in tokenize.generate_tokens(io.StringIO("".join(physical)).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first, last = min(first, token.start[0]), max(last, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                runs.update(dict.fromkeys(range(first, last + 1), (first, last)))
                first, last = len(physical) + 2, -1
    except (tokenize.TokenError, SyntaxError):
        return {}
    return runs


class Inline:
    """The `# noqa` comments of one file, by the line they apply to."""

    def __init__(self, text: str) -> None:
        self.by_line: dict[int, Codes] = {}
        if "noqa" not in text.lower():
            return
        physical = lines(text)
        runs = token_runs(physical)
        for number in range(1, len(physical) + 1):
            first, last = runs.get(number, (number, number))
            match = INLINE.search("".join(physical[first - 1:last]))
            if match:
                self.by_line[number] = _codes(match)

    def __bool__(self) -> bool:
        return bool(self.by_line)

    def silences(self, code: str, line: int) -> bool:
        return line in self.by_line and silences(self.by_line[line], code)


def unsilenced(text: str, diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics no `# noqa` comment silences."""
    comments = Inline(text)
    return [d for d in diagnostics if not comments.silences(d.code, d.line)]


def add_noqa(text: str, diagnostics: Iterable[Diagnostic]) -> tuple[str, int]:
    """`text` with `# noqa: CODES` for every finding, and how many lines changed.

    The comment goes on the last line of the finding's token run (the only place a comment
    can follow a multi-line string or a backslash), merged into a `# noqa: ...` already there.
    """
    original = lines(text)
    physical = list(original)
    runs = token_runs(physical)
    wanted: dict[int, set[str]] = {}
    for diagnostic in diagnostics:
        last = runs.get(diagnostic.line, (diagnostic.line, diagnostic.line))[1]
        wanted.setdefault(last, set()).add(diagnostic.code)
    for number, codes in wanted.items():
        physical[number - 1] = _with_codes(physical[number - 1], codes)
    changed = sum(1 for old, new in zip(original, physical) if old != new)
    return "".join(physical), changed


def _with_codes(line: str, codes: Iterable[str]) -> str:
    body = line.rstrip("\r\n")
    ending = line[len(body):]
    match = INLINE.search(body)
    if match is None:
        return f"{body.rstrip()}  # noqa: {', '.join(sorted(codes))}{ending}"
    present = _codes(match)
    if present is None:
        return line
    merged = ", ".join(sorted(present | set(codes)))
    return f"{body[:match.start()]}# noqa: {merged}{body[match.end():]}{ending}"

