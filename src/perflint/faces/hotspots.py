"""Put each finding in a profile: which profiled function holds it, and how hot it is.

A finding's cost is what the profile measured for the code the finding covers:
- with line data (py-spy, line_profiler), the time of the finding's lines;
- otherwise (cProfile), the time of the function holding it, *minus* the time of the
  analyzed project's own functions it calls: those have their own findings, and a
  fix in the caller would not speed them up. Library and builtin calls stay with the
  caller: `re.match` or `list.pop(0)` in a loop is where the time of that loop goes.

Sampling profiles follow the same idea: a sample counts for the innermost frame that lies
in an analyzed file. Functions are found with `ast` (cheap, and it runs nothing).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from perflint.engine import sourcefile
from perflint.measure.profiles import CallProfile, LineProfile, Profile, SampleProfile
from perflint.model import Diagnostic


@dataclass(frozen=True)
class Span:
    """A code object as profilers name it: `first` is `co_firstlineno` (the first
    decorator's line for a decorated function), `start`..`end` the lines it covers."""

    name: str
    first: int
    start: int
    end: int
    named: bool  # a def, class or the module; not a lambda or comprehension


_ANONYMOUS = {
    ast.Lambda: "<lambda>", ast.GeneratorExp: "<genexpr>", ast.ListComp: "<listcomp>",
    ast.SetComp: "<setcomp>", ast.DictComp: "<dictcomp>",
}
COMPREHENSIONS = frozenset({"<genexpr>", "<listcomp>", "<setcomp>", "<dictcomp>"})


def spans(source: str) -> list[Span]:
    """Every code object of a module, the module first. Raises SyntaxError."""
    tree = ast.parse(source)
    found = [Span("<module>", 1, 1, max(len(source.splitlines()), 1), True)]
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([d.lineno for d in node.decorator_list] + [node.lineno])
            found.append(Span(node.name, first, node.lineno, node.end_lineno or node.lineno, True))
        elif type(node) in _ANONYMOUS:
            found.append(Span(_ANONYMOUS[type(node)], node.lineno, node.lineno, node.end_lineno or node.lineno, False))  # type: ignore[attr-defined]
    return found


def enclosing(all_spans: Sequence[Span], line: int) -> list[Span]:
    """The spans holding `line`, innermost first."""
    holding = [s for s in all_spans if s.start <= line <= s.end]
    return sorted(holding, key=lambda s: (s.end - s.start, -s.start))


class Files:
    """Maps the file names a profile uses to the analyzed files.

    Profiles name files as the profiled program saw them: absolute, relative to where it
    ran, or shortened (py-spy). A profile file matches an analyzed file when one path is a
    trailing part of the other (`pkg/mod.py` and `/srv/app/pkg/mod.py`); the longest
    match wins, and a tie means the file cannot be told apart, so it matches nothing.
    """

    def __init__(self, analyzed: Iterable[str]) -> None:
        self._analyzed = {path: (_parts(path), _parts(os.path.abspath(path))) for path in analyzed}
        self._cache: dict[str, str | None] = {}

    def match(self, profiled: str) -> str | None:
        if profiled not in self._cache:
            self._cache[profiled] = self._best(_parts(profiled))
        return self._cache[profiled]

    def _best(self, parts: tuple[str, ...]) -> str | None:
        scores: dict[int, list[str]] = {}
        for path, (shown, absolute) in self._analyzed.items():
            score = max(_suffix(parts, shown), _suffix(parts, absolute))
            if score:
                scores.setdefault(score, []).append(path)
        best = scores.get(max(scores, default=0), [])
        return best[0] if len(best) == 1 else None


def _parts(path: str) -> tuple[str, ...]:
    return tuple(part for part in PurePath(path.replace("\\", "/")).parts if part not in ("", "."))


def _suffix(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """Length of the shorter path if it is a trailing part of the longer one, else 0."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) if short and long[len(long) - len(short):] == short else 0


@dataclass(frozen=True)
class Cost:
    time: float  # in the profile's unit (seconds, or samples)
    count: int | None  # calls, samples or hits; None where the profile has no count


@dataclass
class Costs:
    """A profile's costs, keyed by analyzed file: per code object and per line."""

    functions: dict[tuple[str, int, str], Cost]
    lines: dict[tuple[str, int], Cost]
    has_lines: bool
    sum_counts: bool  # samples add up over lines; hits do not (a loop's lines share them)


def costs(profile: Profile, files: Files) -> Costs:
    if isinstance(profile, CallProfile):
        return _call_costs(profile, files)
    if isinstance(profile, SampleProfile):
        return _sample_costs(profile, files)
    return _line_costs(profile, files)


def _call_costs(profile: CallProfile, files: Files) -> Costs:
    ours = {key: files.match(key[0]) for key in profile.stats}
    callees_time: dict[tuple[str, int, str], float] = {}
    for callee, (_, calls, _, cumulative, callers) in profile.stats.items():
        if ours[callee] is None:
            continue
        for caller, edge in callers.items():
            if caller != callee and ours.get(caller) is not None:
                # cProfile records (calls, calls, own, cumulative) per edge; `profile` a count
                share = edge[3] if isinstance(edge, tuple) else cumulative * edge / max(calls, 1)  # type: ignore[operator]
                callees_time[caller] = callees_time.get(caller, 0.0) + share
    functions = {
        (path, key[1], key[2]): Cost(max(record[3] - callees_time.get(key, 0.0), 0.0), record[1])
        for key, record in profile.stats.items()
        for path in [ours[key]] if path is not None
    }
    return Costs(functions, {}, has_lines=False, sum_counts=True)


def _sample_costs(profile: SampleProfile, files: Files) -> Costs:
    lines: dict[tuple[str, int], Cost] = {}
    for frames, (weight, samples) in profile.stacks.items():
        for profiled, line in reversed(frames):
            path = files.match(profiled)
            if path is not None:
                old = lines.get((path, line), Cost(0.0, 0))
                lines[(path, line)] = Cost(old.time + weight, (old.count or 0) + samples)
                break
    return Costs({}, lines, has_lines=True, sum_counts=True)


def _line_costs(profile: LineProfile, files: Files) -> Costs:
    functions: dict[tuple[str, int, str], Cost] = {}
    lines: dict[tuple[str, int], Cost] = {}
    for (profiled, first, name), rows in profile.functions.items():
        path = files.match(profiled)
        if path is None or not rows:  # line_profiler lists profiled functions that never ran
            continue
        functions[(path, first, name)] = Cost(sum(time for _, _, time in rows), None)
        for line, hits, time in rows:
            old = lines.get((path, line), Cost(0.0, 0))
            lines[(path, line)] = Cost(old.time + time, max(old.count or 0, hits))
    return Costs(functions, lines, has_lines=True, sum_counts=False)


@dataclass(frozen=True)
class Heat:
    """Where a finding sits in the profile and how much of the run it accounts for."""

    function: str  # the innermost def (or class, or "<module>") holding the finding
    function_line: int
    share: float | None  # of the total run time; None: the profile never ran this code
    function_share: float | None
    count: int | None
    counts: str  # what `count` counts: calls, samples or hits
    scope: str  # "line" when the profile has line data, else "function"
    innermost: str = ""  # the innermost code object holding it: `function`, or "<listcomp>", ...


def attribute(diagnostic: Diagnostic, file_spans: Sequence[Span], table: Costs, total: float, counts: str) -> Heat:
    """The heat of one finding, given the spans of its file and the profile's costs."""
    path = diagnostic.path
    chain = enclosing(file_spans, diagnostic.line)
    named = next(s for s in chain if s.named)
    own = chain[: chain.index(named) + 1]  # lambdas and comprehensions are their own code objects
    function = next((table.functions[k] for k in ((path, s.first, s.name) for s in own) if k in table.functions), None)
    if function is None and table.has_lines:
        inner = [s for s in file_spans if s.named and s is not named and named.start <= s.start <= named.end]
        owned = [n for n in range(named.start, named.end + 1) if not any(s.start <= n <= s.end for s in inner)]
        function = _sum(table, path, owned)
    line = _sum(table, path, range(diagnostic.line, diagnostic.end_line + 1)) if table.has_lines else None
    scope = "line" if table.has_lines else "function"
    if function is None:
        return Heat(named.name, named.start, None, None, None, counts, scope, chain[0].name)
    cost = (line or Cost(0.0, 0)) if table.has_lines else function
    return Heat(
        named.name, named.start, cost.time / total if total else 0.0, function.time / total if total else 0.0,
        cost.count, counts, scope, chain[0].name,
    )


def _sum(table: Costs, path: str, numbers: Iterable[int]) -> Cost | None:
    found = [table.lines[(path, n)] for n in numbers if (path, n) in table.lines]
    if not found:
        return None
    counts = [c.count or 0 for c in found]
    return Cost(sum(c.time for c in found), sum(counts) if table.sum_counts else max(counts))


def rank(
    diagnostics: Sequence[Diagnostic],
    profile: Profile,
    analyzed: Iterable[str],
    min_share: float = 0.0,
    sources: Mapping[str, str] | None = None,
) -> list[tuple[Diagnostic, Heat | None]]:
    """Findings with their heat, hottest first; those under `min_share` (a fraction) left
    out. Findings the profile never ran come last, in their original order. `sources`
    gives the text of files whose findings were made on text not (yet) on disk, such as
    an editor's unsaved buffer: their functions are found in that text."""
    table, total = costs(profile, Files(analyzed)), profile.total
    file_spans: dict[str, list[Span] | None] = {}
    ranked: list[tuple[Diagnostic, Heat | None]] = []
    for diagnostic in diagnostics:
        if diagnostic.path not in file_spans:
            text = (sources or {}).get(diagnostic.path)
            file_spans[diagnostic.path] = _file_spans(diagnostic.path, text)
        found = file_spans[diagnostic.path]
        heat = attribute(diagnostic, found, table, total, profile.counts) if found else None
        share = heat.share if heat is not None and heat.share is not None else None
        if min_share <= 0 or (share is not None and share >= min_share):
            ranked.append((diagnostic, heat))
    ranked.sort(key=lambda item: -_share(item[1]))
    return ranked


def _share(heat: Heat | None) -> float:
    return -1.0 if heat is None or heat.share is None else heat.share


def _file_spans(path: str, text: str | None = None) -> list[Span] | None:
    """Spans of an analyzed file (of `text`, when given), or None if this interpreter
    cannot parse it."""
    try:
        return spans(sourcefile.read(Path(path)).text if text is None else text)
    except (sourcefile.SourceError, SyntaxError, ValueError, RecursionError):
        return None


def describe(heat: Heat | None, absent: str) -> str:
    """`12.4% of run time, 3,210 calls`, or what the profile says of code it has no time for."""
    if heat is None or heat.share is None:
        return absent
    percent = heat.share * 100
    text = f"{percent:.1f}% of run time" if percent >= 0.05 or percent == 0 else "<0.1% of run time"
    if heat.count is None:
        return text
    return f"{text}, {heat.count:,} {heat.counts[:-1] if heat.count == 1 else heat.counts}"


def as_dict(heat: Heat | None) -> dict[str, object] | None:
    """The JSON form; None when the finding's file could not be placed in the profile."""
    if heat is None:
        return None
    return {
        "share": None if heat.share is None else round(heat.share, 6),
        "function": heat.function,
        "function_line": heat.function_line,
        "function_share": None if heat.function_share is None else round(heat.function_share, 6),
        "count": heat.count,
        "count_kind": heat.counts,
        "scope": heat.scope,
        "ran": heat.share is not None,
    }
