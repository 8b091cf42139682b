"""Read the profiles the Python world already makes, without running anything.

Three shapes cover every supported tool, and each keeps what that tool really measured:

- `CallProfile`: one record per function, with its callers (cProfile / profile, read from
  the `marshal` file `pstats` reads; no line numbers).
- `SampleProfile`: call stacks with weights (py-spy's speedscope JSON and raw collapsed
  stacks); frames carry the line that was running.
- `LineProfile`: time and hits per line of the profiled functions (line_profiler's text
  report, or its `.lprof` file, which is a pickle and is only read when the caller allows
  it, through an unpickler that can build nothing but plain data).

Every reader raises `ProfileError` with a one-line message on bad input.
"""

from __future__ import annotations

import io
import json
import marshal
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Callable, Union

FORMATS = ("pstats", "speedscope", "collapsed", "line-profiler", "lprof")

FunctionKey = tuple[str, int, str]  # (file, first line of the code object, its name)
Frame = tuple[str, int]  # (file, line running in that frame)


class ProfileError(Exception):
    """The profile cannot be read; the message says why, in one line."""


@dataclass
class CallProfile:
    """cProfile/profile statistics: per function (calls, own time, cumulative time, callers).

    `callers[g][f]` is what cProfile records for the calls from f to g: a tuple whose
    fourth item is their cumulative time (the pure-Python `profile` module records only a
    call count).
    """

    stats: dict[FunctionKey, tuple[int, int, float, float, dict[FunctionKey, object]]]
    format: str = "pstats"
    counts: str = "calls"
    absent: str = "never ran in the profile"

    @property
    def total(self) -> float:
        return sum(record[2] for record in self.stats.values())


@dataclass
class SampleProfile:
    """Sampled stacks (outermost frame first) with their weight and number of samples."""

    stacks: dict[tuple[Frame, ...], tuple[float, int]]
    format: str
    counts: str = "samples"
    absent: str = "never sampled in the profile"

    @property
    def total(self) -> float:
        return sum(weight for weight, _ in self.stacks.values())


@dataclass
class LineProfile:
    """line_profiler timings: per profiled function, (line, hits, seconds) rows.

    line_profiler records no total run time: the slowest profiled function's time stands
    for the whole run, which is right when the entry point is profiled too (as with
    `kernprof -l -p script.py`, which profiles every function of the script).
    """

    functions: dict[FunctionKey, list[tuple[int, int, float]]]
    format: str
    counts: str = "hits"
    absent: str = "not in the profile (not profiled, or never ran)"

    @property
    def total(self) -> float:
        return max((sum(time for _, _, time in rows) for rows in self.functions.values()), default=0.0)


Profile = Union[CallProfile, SampleProfile, LineProfile]


def load(data: bytes, fmt: str = "auto", allow_pickle: bool = False) -> Profile:
    """Parse a profile's bytes; `fmt` is one of FORMATS or "auto" (detect from content)."""
    if fmt == "auto":
        fmt = detect(data)
    if fmt == "lprof":
        return _read_lprof(data, allow_pickle)
    if fmt == "pstats":
        return _read_pstats(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProfileError(f"not a {fmt} profile: the file is not UTF-8 text") from None
    readers: dict[str, Callable[[str], Profile]] = {
        "speedscope": _read_speedscope,
        "collapsed": _read_collapsed,
        "line-profiler": _read_line_report,
    }
    return readers[fmt](text)


def detect(data: bytes) -> str:
    """The format of a profile, from its content (file names are not to be trusted)."""
    if data[:1] == b"\x80":  # the PROTO opcode that starts every pickle since protocol 2
        return "lprof"
    try:
        text = data.decode("utf-8").lstrip()
    except UnicodeDecodeError:
        text = None
    if text is not None and text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        if isinstance(document, dict):
            if "profiles" in document and "shared" in document:
                return "speedscope"
            raise ProfileError("unknown profile format: JSON, but not speedscope (py-spy record -f speedscope)")
    if text is not None and text.startswith("Timer unit:"):
        return "line-profiler"
    if text and all(_COLLAPSED.match(line) for line in text.splitlines() if line.strip()):
        return "collapsed"
    if data[:1] in (b"{", b"\xfb"):  # a marshalled dict (0x80 marks a reference)
        return "pstats"
    raise ProfileError(
        "unknown profile format (expected cProfile/pstats, py-spy speedscope or raw, or line_profiler output)"
    )


def _read_pstats(data: bytes) -> CallProfile:
    try:
        stats = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        raise ProfileError("not a cProfile/pstats file (cannot unmarshal it)") from None
    if not isinstance(stats, dict) or not all(_is_stat(key, value) for key, value in stats.items()):
        raise ProfileError("not a cProfile/pstats file (unexpected content)")
    return CallProfile(stats)


def _is_stat(key: object, value: object) -> bool:
    return (
        isinstance(key, tuple) and len(key) == 3 and isinstance(key[0], str) and isinstance(key[1], int)
        and isinstance(key[2], str)
        and isinstance(value, tuple) and len(value) == 5 and isinstance(value[4], dict)
        and all(isinstance(number, (int, float)) for number in value[:4])
    )


_FRAME = re.compile(r"^(?P<name>.*) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")
_COLLAPSED = re.compile(r"^.*\s\d+\s*$")


def _read_collapsed(text: str) -> SampleProfile:
    """py-spy `-f raw`: one line per distinct stack, `frame;frame;... COUNT`, root first,
    each frame `function (file:line)`; process and thread frames have no line."""
    stacks: dict[tuple[Frame, ...], tuple[float, int]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        stack, _, count = line.rstrip().rpartition(" ")
        if not count.isdigit():
            raise ProfileError(f"not a collapsed-stack profile: line {number} does not end in a sample count")
        _add(stacks, _collapsed_frames(stack), float(count), int(count))
    return _with_lines(SampleProfile(stacks, "collapsed"))


def _collapsed_frames(stack: str) -> tuple[Frame, ...]:
    frames = []
    for part in stack.split(";") if stack.strip() else ():
        match = _FRAME.match(part)
        if match and match["line"]:
            frames.append((match["file"], int(match["line"])))
    return tuple(frames)


def _read_speedscope(text: str) -> SampleProfile:
    try:
        document = json.loads(text)
        shared = [(frame.get("file") or "", frame.get("line") or 0) for frame in document["shared"]["frames"]]
        stacks: dict[tuple[Frame, ...], tuple[float, int]] = {}
        for profile in document["profiles"]:
            if profile.get("type") != "sampled":
                raise ProfileError("speedscope profile is not sampled (py-spy writes sampled profiles)")
            for sample, weight in zip(profile["samples"], profile["weights"]):
                frames = tuple(shared[index] for index in sample if shared[index][1])
                _add(stacks, frames, float(weight), 1)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise ProfileError("not a speedscope profile (unexpected content)") from None
    return _with_lines(SampleProfile(stacks, "speedscope"))


def _add(stacks: dict[tuple[Frame, ...], tuple[float, int]], frames: tuple[Frame, ...], weight: float, n: int) -> None:
    old_weight, old_n = stacks.get(frames, (0.0, 0))
    stacks[frames] = (old_weight + weight, old_n + n)


def _with_lines(profile: SampleProfile) -> SampleProfile:
    if not any(profile.stacks):
        raise ProfileError(f"{profile.format} profile has no frames with line numbers (recorded with --nolineno?)")
    return profile


_UNIT = re.compile(r"^Timer unit:\s*(\S+)\s*s\s*$")
_FUNCTION = re.compile(r"^Function:\s*(?P<name>.+?) at line (?P<line>\d+)\s*$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _read_line_report(text: str) -> LineProfile:
    """The text `python -m line_profiler FILE.lprof` prints (also with -r, -m, -t, -z)."""
    functions: dict[FunctionKey, list[tuple[int, int, float]]] = {}
    unit, path, key, column = 0.0, "", None, -1
    try:
        for raw in text.splitlines():
            line = _ANSI.sub("", raw)
            unit_match, function_match = _UNIT.match(line), _FUNCTION.match(line)
            if unit_match:
                unit = float(unit_match.group(1))
            elif line.startswith("File: "):
                path = line[len("File: "):].strip()
            elif function_match:
                key = (path, int(function_match["line"]), function_match["name"])
                functions[key], column = [], -1
            elif key is not None and "Line Contents" in line:
                column = line.index("Line Contents")
            elif key is not None and column > 0 and len(line[:column].split()) == 5:
                number, hits, time = line[:column].split()[:3]
                functions[key].append((int(number), int(hits), float(time) * unit))
    except ValueError:
        raise ProfileError("not a line_profiler report (unexpected numbers in a table)") from None
    if not unit or not functions:
        raise ProfileError("not a line_profiler report (no 'Timer unit' or no function tables)")
    return LineProfile(functions, "line-profiler")


class _LineStats:
    """Stands in for line_profiler's LineStats: the only class a .lprof may name."""

    timings: dict[tuple[str, int, str], Iterable[tuple[int, int, int]]]
    unit: float


class _DataOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        if name == "LineStats" and module.startswith("line_profiler"):
            return _LineStats
        raise ProfileError(f"refusing to load {module}.{name} from a pickle (not a line_profiler .lprof file)")


def _read_lprof(data: bytes, allow_pickle: bool) -> LineProfile:
    if not allow_pickle:
        raise ProfileError(
            "this is a pickle (line_profiler .lprof); loading a pickle can run code, so pass "
            "--allow-pickle if you made it yourself, or give the text report of "
            "`python -m line_profiler -rmt FILE.lprof` instead"
        )
    try:
        stats = _DataOnly(io.BytesIO(data)).load()
        unit = float(stats.unit)
        functions = {
            (str(path), int(first), str(name)): [(int(line), int(hits), time * unit) for line, hits, time in rows]
            for (path, first, name), rows in stats.timings.items()
        }
    except ProfileError:
        raise
    except Exception:  # noqa: BLE001  (a damaged pickle fails in many ways; none of them runs code here)
        raise ProfileError("not a line_profiler .lprof file (cannot read the pickle)") from None
    return LineProfile(functions, "lprof")


def from_file(path: str, fmt: str = "auto", allow_pickle: bool = False) -> Profile:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise ProfileError(f"cannot read profile {path}: {error.strerror or error}") from None
    try:
        return load(data, fmt, allow_pickle)
    except ProfileError as error:
        raise ProfileError(f"{path}: {error}") from None
