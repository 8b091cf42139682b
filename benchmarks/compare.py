"""Side-by-side speed of perflint and the linters people would use instead.

    python benchmarks/compare.py [--corpus DIR] [--peers BIN_DIR] [--repeats N]
                                 [--skip TOOL ...] [--only TOOL ...] [--one-file N]

The corpus defaults to a copy of the running interpreter's standard library without its
tests. Peers are looked up in BIN_DIR (see benchmarks/peers.txt for the venv that holds
them) and then on PATH; a peer that is not installed is left out. Runs are interleaved
(every tool once per round, order rotated), and the table shows medians of whole-process
wall time, CPU time (user + system, children included) and peak memory of the largest
process, with the exit codes seen (a peer that fails shows it there). Every tool runs in
the corpus's parent folder on the relative path (mypy-based refurb rejects a top-level
`abc.py`). perflint runs from this checkout with the running interpreter; its bytecode is
compiled first, as `pip install` does (an editable install under PYTHONDONTWRITEBYTECODE
would otherwise recompile every module in every process). The script installs nothing.

Then each of N files of the corpus (spread over its size range) is checked on its own by
perflint and flake8, interpreter start included, as pre-commit runs them; and the table
of targets says which are met.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
PYLINT_PLUGIN_MESSAGES = "W8101,W8102,W8201,W8202,R8203,W8204,W8205,W8301,W8401,W8402,W8403"
CORPUS_SKIP = shutil.ignore_patterns("site-packages", "__pycache__", "test", "tests", "idle_test", "*.pyc")


@dataclass
class Tool:
    name: str
    command: Callable[[Path], List[str]]
    prepare: Optional[Callable[[Path], object]] = None  # runs before each timed run, untimed
    samples: List["Sample"] = field(default_factory=list)


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    peak_mib: float
    exit_code: int


def run_once(command: Sequence[str], cwd: Path) -> Sample:
    """Run a command to completion in `cwd`; its wall time, CPU time, peak RSS and exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status))


def find_executable(name: str, peers: Optional[Path]) -> Optional[str]:
    if peers is not None and (peers / name).exists():
        return str(peers / name)
    return shutil.which(name)


def perflint_command(*extra: str) -> Callable[[Path], List[str]]:
    return lambda corpus: [sys.executable, "-m", "perflint", "--exit-zero", "--quiet", *extra, str(corpus)]


def tools(peers: Optional[Path], cache_dir: Path) -> List[Tool]:
    found: List[Tool] = [Tool("perflint", perflint_command(*_perflint_cold_flags(cache_dir)))]
    if _perflint_has("--cache-dir"):
        warm = perflint_command("--cache-dir", str(cache_dir / "warm"))
        found.append(Tool("perflint (warm cache)", warm, prepare=lambda corpus: run_once(warm(Path(corpus.name)), corpus.parent)))
    peer_commands: Dict[str, Callable[[str, Path], List[str]]] = {
        "ruff": lambda exe, c: [exe, "check", "--no-cache", "--exit-zero", "--select", "PERF,FURB,C4,SIM,PL", str(c)],
        "flake8": lambda exe, c: [exe, "-j", "2", "--exit-zero", str(c)],
        "pylint": lambda exe, c: [exe, "--load-plugins=perflint", "--disable=all",
                                  f"--enable={PYLINT_PLUGIN_MESSAGES}", "--jobs=2", "--exit-zero", str(c)],
        "refurb": lambda exe, c: [exe, "--quiet", str(c)],
        "fixit": lambda exe, c: [exe, "lint", str(c)],
    }
    for name, build in peer_commands.items():
        exe = find_executable(name, peers)
        if exe is not None:
            found.append(Tool(name, _bound(build, exe)))
    return found


def _bound(build: Callable[[str, Path], List[str]], exe: str) -> Callable[[Path], List[str]]:
    return lambda corpus: build(exe, corpus)


def _perflint_has(option: str) -> bool:
    help_text = subprocess.run([sys.executable, "-m", "perflint", "--help"], capture_output=True, text=True).stdout
    return option in help_text


def _perflint_cold_flags(cache_dir: Path) -> List[str]:
    return ["--no-cache"] if _perflint_has("--no-cache") else []


def build_corpus(destination: Path) -> Path:
    corpus = destination / "corpus"
    shutil.copytree(sysconfig.get_paths()["stdlib"], corpus, ignore=CORPUS_SKIP, symlinks=True)
    return corpus


def corpus_size(corpus: Path) -> str:
    files = list(corpus.rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    return f"{len(files)} files, {lines // 1000}k lines"


def median_of(tool: Tool, attribute: str) -> float:
    return statistics.median(getattr(s, attribute) for s in tool.samples)


def table(found: Sequence[Tool]) -> str:
    reference = median_of(found[0], "wall")
    rows = ["| tool | wall s | cpu s | peak MiB | wall vs perflint | exit codes |", "|---|---|---|---|---|---|"]
    for tool in found:
        wall, cpu, peak = median_of(tool, "wall"), median_of(tool, "cpu"), median_of(tool, "peak_mib")
        codes = ",".join(sorted({str(s.exit_code) for s in tool.samples}))
        rows.append(f"| {tool.name} | {wall:.2f} | {cpu:.2f} | {peak:.0f} | {wall / reference:.2f}x | {codes} |")
    return "\n".join(rows)


def sample_files(corpus: Path, count: int) -> List[Path]:
    """`count` files spread evenly over the corpus's range of file sizes."""
    files = sorted(corpus.rglob("*.py"), key=lambda p: (p.stat().st_size, str(p)))
    if count <= 0 or not files:
        return []
    step = len(files) / count
    return [files[int(step * index + step / 2)] for index in range(count)]


OneFile = Dict[str, List[float]]  # tool name -> median wall time per sample file


def one_file_runs(corpus: Path, files: Sequence[Path], flake8: Optional[str], repeats: int) -> OneFile:
    """Median wall time of each tool on each file on its own, runs interleaved."""
    commands: Dict[str, Callable[[Path], List[str]]] = {
        "perflint": lambda path: [sys.executable, "-m", "perflint", "--exit-zero", "--quiet", "--no-cache", str(path)],
    }
    if flake8 is not None:
        commands["flake8"] = lambda path: [flake8, "--exit-zero", str(path)]
    times: OneFile = {name: [] for name in commands}
    for path in files:
        relative = path.relative_to(corpus.parent)
        samples: Dict[str, List[float]] = {name: [] for name in commands}
        for _ in range(repeats):
            for name, command in commands.items():
                samples[name].append(run_once(command(relative), corpus.parent).wall)
        for name in commands:
            times[name].append(statistics.median(samples[name]))
    return times


def one_file_table(corpus: Path, files: Sequence[Path], times: OneFile) -> str:
    names = list(times)
    rows = ["| file | lines | " + " | ".join(f"{n} s" for n in names) + " |", "|---|---|" + "---|" * len(names)]
    for index, path in enumerate(files):
        lines = path.read_bytes().count(b"\n")
        cells = " | ".join(f"{times[name][index]:.3f}" for name in names)
        rows.append(f"| {path.relative_to(corpus)} | {lines} | {cells} |")
    return "\n".join(rows)


def targets(found: Sequence[Tool], times: OneFile) -> str:
    """The speed targets perflint is held to, each with its measured value."""
    by_name = {tool.name.split()[0] + (" warm" if "warm" in tool.name else ""): tool for tool in found}
    cold = median_of(found[0], "wall")
    rows = ["| target | measured | met? |", "|---|---|---|"]

    def row(target: str, measured: str, met: bool) -> None:
        rows.append(f"| {target} | {measured} | {'yes' if met else 'NO'} |")

    def ratio(peer: str, limit: float, target: str, inverse: bool = False) -> None:
        tool = by_name.get(peer)
        if tool is None:
            rows.append(f"| {target} | {peer} not installed | - |")
            return
        value = median_of(tool, "wall") / cold if inverse else cold / median_of(tool, "wall")
        row(target, f"{value:.2f}x", value >= limit if inverse else value <= limit)

    ratio("flake8", 0.5, "cold wall <= 0.5x flake8 -j 2")
    ratio("pylint", 0.25, "cold wall <= 0.25x pylint + plugin --jobs=2")
    ratio("fixit", 20, "Fixit wall >= 20x perflint cold", inverse=True)
    warm, ruff = by_name.get("perflint warm"), by_name.get("ruff")
    if warm is not None and ruff is not None:
        value = median_of(warm, "wall") / median_of(ruff, "wall")
        row("warm wall <= 1.2x ruff --no-cache", f"{value:.2f}x", value <= 1.2)
    peak = median_of(found[0], "peak_mib")
    row("peak memory per process <= 250 MiB", f"{peak:.0f} MiB", peak <= 250)
    if "flake8" in times and times["perflint"]:
        within = sum(p <= f for p, f in zip(times["perflint"], times["flake8"]))
        total = len(times["perflint"])
        worst = max(p / f for p, f in zip(times["perflint"], times["flake8"]))
        row("one file <= flake8 (each sample file)", f"{within} of {total} files; worst {worst:.2f}x", within == total)
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="directory to lint (default: a copy of the stdlib without tests)")
    parser.add_argument("--peers", type=Path, help="bin directory of the peers' virtual environment")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip", nargs="*", default=[], help="tools to leave out (e.g. fixit, which takes minutes)")
    parser.add_argument("--only", nargs="*", default=[], help="run only these tools (perflint always runs)")
    parser.add_argument("--one-file", type=int, default=5, metavar="N", help="files to time one at a time (0: none)")
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "src" / "perflint"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="perflint-bench-") as scratch:
        corpus = (args.corpus.resolve() if args.corpus else None) or build_corpus(Path(scratch))
        found = [t for t in tools(args.peers, Path(scratch)) if t.name.split()[0] not in args.skip]
        if args.only:
            found = [t for t in found if t.name.split()[0] == "perflint" or t.name in args.only]
        for round_number in range(args.repeats):
            shift = round_number % len(found)
            for tool in found[shift:] + found[:shift]:
                if tool.prepare is not None:
                    tool.prepare(corpus)
                tool.samples.append(run_once(tool.command(Path(corpus.name)), corpus.parent))
        files = sample_files(corpus, args.one_file)
        times = one_file_runs(corpus, files, find_executable("flake8", args.peers), max(args.repeats, 5))
        print(f"Corpus: {corpus_size(corpus)}; Python {sys.version.split()[0]}; {os.cpu_count()} cores; "
              f"medians of {args.repeats} interleaved runs.\n")
        print(table(found))
        if files:
            print("\nOne file at a time, interpreter start included (median wall of "
                  f"{max(args.repeats, 5)} interleaved runs):\n")
            print(one_file_table(corpus, files, times))
        print("\nTargets:\n")
        print(targets(found, times))
    return 0


if __name__ == "__main__":
    sys.exit(main())
