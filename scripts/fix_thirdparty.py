"""Check that `perflint --fix --unsafe-fixes` keeps real libraries working, by their own tests.

    python scripts/fix_thirdparty.py [--only NAME[,NAME]] [--keep DIR] [--select CODES]

For each library below, at a pinned version, the script downloads the sdist with pip, unpacks
it twice (`original/` and `fixed/`), and runs `perflint --fix --unsafe-fixes` on the library's
source in `fixed/` (never on its tests). It then runs the library's own test suite against each
copy in a venv of its own: the released wheel is installed with its dependencies and what the
tests need, and the copy under test comes first on PYTHONPATH, so the tests import the copy
while the distribution's metadata and entry points stay available (the script checks that the
import really comes from the copy). Tests that fail with the fixed copy but pass with the
original are run once more on both, so that a flaky test is not reported as broken.

It prints, per library: files changed, fixes applied, tests passed/failed/errored with the
original and with the fixed copy, the tests that newly fail (by name), and whether a second
`--fix` changes anything. It exits 1 if some library has a new failure, or a second `--fix`
changed something. The work directory (downloads, venvs, both copies, test logs) is printed;
it is removed at the end unless `--keep DIR` names it, in which case a later run reuses its
downloads and venvs.

`--fix` fixes what perflint reports, and by default it holds constant-factor findings back;
`--select PFL` fixes with every rule (opt-in ones too), which puts far more fixes to the test.

The test runs are chosen to take a few minutes each on 2 cores (the whole run, both copies of
every library, takes about 25 minutes, most of it hypothesis):

- networkx, jsonschema, more-itertools, toolz, attrs: the whole suite shipped in the sdist.
  networkx runs with NumPy and SciPy installed (pandas, matplotlib and the other optional
  backends are absent, and the tests needing them skip).
- hypothesis: its sdists ship no tests, so they come from the project's git tag of the same
  version (`--tests-from hypothesis=GIT_DIR` reads them from a local clone instead of GitHub).
  Only `tests/cover` runs: the core engine and strategies, about 3,000 tests; the rest needs
  optional dependencies (numpy, pandas, django, ...) or takes far longer (`tests/nocover`).
- cfn-lint: `test/unit/rules` only (each rule against its template fixtures, the W7001 mapping
  rule among them); the whole `test/unit` re-runs every template through every rule in
  snapshot tests and takes much longer.

Versions are pinned for numbers that can be compared from one run to the next. pip downloads
the sdist with `--no-binary NAME` rather than `:all:`, so that the build backends pip needs to
read the sdist's metadata may come as wheels (building them from source needs a Rust toolchain
for some).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

PYTEST = "pytest==8.3.5"


@dataclass(frozen=True)
class Library:
    name: str  # the distribution on PyPI
    version: str
    module: str  # the import name, to check that the copy is what the tests import
    source: Tuple[str, ...]  # what perflint fixes, relative to the sdist's root
    tests: Tuple[str, ...]  # pytest arguments, run from the copy's root
    requires: Tuple[str, ...] = ()  # what the tests need besides the library's dependencies
    path: str = "."  # the directory PYTHONPATH gets, relative to the sdist's root
    exclude: str = "tests/,test/"  # gitignore patterns perflint leaves alone: the tests
    git_tests: Optional[Tuple[str, str, str]] = None  # (repository, tag, folder) for tests the sdist lacks

    @property
    def spec(self) -> str:
        return f"{self.name}=={self.version}"


LIBRARIES = (
    Library("networkx", "3.6.1", "networkx", ("networkx",), ("networkx",), (PYTEST, "numpy==2.2.6", "scipy==1.15.3")),
    Library(
        "hypothesis", "6.135.0", "hypothesis", ("src",), ("tests/cover",),
        (PYTEST, "pexpect==4.9.0", "attrs==24.1.0"), path="src",
        git_tests=("https://github.com/HypothesisWorks/hypothesis", "hypothesis-python-6.135.0", "hypothesis-python/tests"),
    ),
    Library("jsonschema", "4.26.0", "jsonschema", ("jsonschema",), ("jsonschema/tests",), (PYTEST, "jsonpath-ng==1.7.0")),
    Library("more-itertools", "11.2.1", "more_itertools", ("more_itertools",), ("tests",), (PYTEST,)),
    Library("toolz", "1.2.0", "toolz", ("toolz", "tlz"), ("toolz",), (PYTEST,)),
    Library(
        "attrs", "26.1.0", "attr", ("src",), ("tests",),
        (PYTEST, "hypothesis==6.135.0", "pympler==1.1", "cloudpickle==3.1.1"), path="src",
    ),
    Library("cfn-lint", "1.58.0", "cfnlint", ("src",), ("test/unit/rules",), (PYTEST, "cfn-lint[full]==1.58.0"), path="src"),
)

# A pytest plugin that writes every test's outcome, by node id, to $PERFLINT_OUTCOMES.
OUTCOMES_PLUGIN = '''
import json, os

_outcomes = {}
_RANK = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}


def _note(nodeid, outcome):
    if _RANK[outcome] >= _RANK.get(_outcomes.get(nodeid, "passed"), 0) or nodeid not in _outcomes:
        _outcomes[nodeid] = outcome


def pytest_runtest_logreport(report):
    if report.passed:
        outcome = "passed"
    elif report.skipped:
        outcome = "skipped"
    else:
        outcome = "failed" if report.when == "call" else "error"
    if report.when == "call" or outcome != "passed":
        _note(report.nodeid, outcome)


def pytest_collectreport(report):
    if report.failed:
        _note(report.nodeid or "<collection>", "error")


def pytest_sessionfinish(session):
    with open(os.environ["PERFLINT_OUTCOMES"], "w") as out:
        json.dump(_outcomes, out)
'''

Outcomes = Dict[str, str]


@dataclass
class Result:
    library: Library
    files: int = 0
    changed: int = 0
    fixes: int = 0
    stable: bool = True
    original: Optional[Outcomes] = None
    fixed: Optional[Outcomes] = None
    new: Tuple[str, ...] = ()
    flaky: Tuple[str, ...] = ()
    problem: str = ""


def _run(command: Sequence[str], cwd: Optional[Path] = None, env: Optional[Dict[str, str]] = None,
         log: Optional[Path] = None, timeout: Optional[float] = None) -> subprocess.CompletedProcess:
    """Run a command; its output goes to `log` (appended) if given, else is captured."""
    if log is None:
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    with log.open("a") as out:
        out.write(f"$ {' '.join(command)}\n")
        out.flush()
        return subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
                              timeout=timeout, check=False)


def _checked(command: Sequence[str], log: Path, cwd: Optional[Path] = None) -> None:
    if _run(command, cwd=cwd, log=log).returncode != 0:
        raise RuntimeError(f"failed: {' '.join(command)} (see {log})")


# -- getting the code ----------------------------------------------------------------------
def _download(library: Library, downloads: Path, log: Path) -> Path:
    stem = re.compile(rf"^{re.sub(r'[-_.]+', '[-_.]', library.name)}-{re.escape(library.version)}\.tar\.gz$", re.I)
    found = [p for p in downloads.glob("*.tar.gz") if stem.match(p.name)]
    if not found:
        _checked([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", library.name,
                  "--dest", str(downloads), library.spec], log)
        found = [p for p in downloads.glob("*.tar.gz") if stem.match(p.name)]
    if not found:
        raise RuntimeError(f"pip downloaded no sdist for {library.spec} (see {log})")
    return found[0]


def _unpack(sdist: Path, into: Path) -> Path:
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    with tarfile.open(sdist) as archive:
        archive.extractall(into)  # noqa: S202 (an sdist from PyPI, for this check only)
    (root,) = into.iterdir()
    return root


def _add_git_tests(library: Library, root: Path, tests_from: Dict[str, Path], work: Path, log: Path) -> None:
    """Put the tests the sdist lacks, from the library's git tag, at `root/tests`."""
    assert library.git_tests is not None
    repository, tag, folder = library.git_tests
    local = tests_from.get(library.name)
    if local is None:
        local = work / f"{library.name}-git"
        if not local.exists():
            _checked(["git", "clone", "--quiet", "--bare", "--depth", "1", "--branch", tag, repository, str(local)], log)
    archive = work / f"{library.name}-tests.tar"
    _checked(["git", "-C", str(local), "archive", "--output", str(archive), tag, folder], log)
    target = root / "tests"
    if target.exists():
        shutil.rmtree(target)
    with tarfile.open(archive) as tests:
        tests.extractall(work / f"{library.name}-tests")  # noqa: S202 (the project's own tag)
    shutil.move(str(work / f"{library.name}-tests" / folder), str(target))
    shutil.rmtree(work / f"{library.name}-tests")


# -- fixing -----------------------------------------------------------------------------------
def _snapshot(root: Path, library: Library) -> Dict[Path, bytes]:
    return {p: p.read_bytes() for part in library.source for p in sorted((root / part).rglob("*.py"))}


def _fix(root: Path, library: Library, select: Optional[str], log: Path) -> int:
    """Fix the library's source in `root`; the number of fixes perflint says it applied."""
    command = [sys.executable, "-m", "perflint", "--fix", "--unsafe-fixes", "--exit-zero", "--no-cache",
               "--extend-exclude", library.exclude, *library.source]
    if select:
        command[4:4] = ["--select", select]
    result = _run(command, cwd=root)
    with log.open("a") as out:
        out.write(f"$ {' '.join(command)}\n{result.stdout}{result.stderr}")
    found = re.search(r"^Fixed (\d+) findings?\.$", result.stdout, re.M)
    return int(found.group(1)) if found else 0


# -- testing ----------------------------------------------------------------------------------
def _venv(library: Library, home: Path, log: Path) -> Path:
    """A venv with the released library, its dependencies and its test requirements (made
    once: a later run with the same requirements reuses it)."""
    python = home / "bin" / "python"
    wanted = "\n".join([library.spec, *library.requires])
    marker = home / "perflint-requirements.txt"
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    if home.exists():
        shutil.rmtree(home)
    _checked([sys.executable, "-m", "venv", str(home)], log)
    _checked([str(python), "-m", "pip", "install", "--quiet", library.spec, *library.requires], log)
    marker.write_text(wanted)
    return python


def _environment(library: Library, root: Path, plugins: Path, outcomes: Path) -> Dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "PYTEST"))}
    env["PYTHONPATH"] = os.pathsep.join([str((root / library.path).resolve()), str(plugins)])
    env["PERFLINT_OUTCOMES"] = str(outcomes)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _imports_copy(python: Path, library: Library, root: Path, plugins: Path) -> bool:
    env = _environment(library, root, plugins, root / "unused.json")
    result = _run([str(python), "-c", f"import {library.module}; print({library.module}.__file__)"], cwd=root, env=env)
    return result.returncode == 0 and Path(result.stdout.strip()).resolve().is_relative_to(root.resolve())


def _test(python: Path, library: Library, root: Path, plugins: Path, outcomes: Path, log: Path,
          tests: Sequence[str], timeout: float) -> Outcomes:
    """Each test's outcome (passed, skipped, failed, error) when `tests` run against `root`."""
    if outcomes.exists():
        outcomes.unlink()
    command = [str(python), "-m", "pytest", "-p", "perflint_outcomes", "-p", "no:cacheprovider", "-q", "--no-header",
               "--continue-on-collection-errors", "-W", "ignore::pytest.PytestUnraisableExceptionWarning", *tests]
    try:
        _run(command, cwd=root, env=_environment(library, root, plugins, outcomes), log=log, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"tests took more than {timeout:.0f} s (see {log})") from None
    if not outcomes.exists():
        raise RuntimeError(f"pytest ended before reporting (see {log})")
    return json.loads(outcomes.read_text())  # type: ignore[no-any-return]


def _broken(outcomes: Outcomes) -> set:
    return {test for test, outcome in outcomes.items() if outcome in ("failed", "error")}


def _counts(outcomes: Optional[Outcomes]) -> str:
    if outcomes is None:
        return "-"
    values = list(outcomes.values())
    return f"{values.count('passed')}/{values.count('failed')}/{values.count('error')}"


def check(library: Library, work: Path, select: Optional[str], tests_from: Dict[str, Path], timeout: float) -> Result:
    result = Result(library)
    home = work / library.name
    home.mkdir(parents=True, exist_ok=True)
    log = home / "log.txt"
    log.write_text("")
    sdist = _download(library, work / "downloads", log)
    original = _unpack(sdist, home / "original")
    if library.git_tests:
        _add_git_tests(library, original, tests_from, work, log)
    fixed = home / "fixed" / original.name
    if fixed.parent.exists():
        shutil.rmtree(fixed.parent)
    shutil.copytree(original, fixed, symlinks=True)

    before = _snapshot(fixed, library)
    result.fixes = _fix(fixed, library, select, log)
    after = _snapshot(fixed, library)
    result.files = len(before)
    result.changed = sum(after.get(p) != data for p, data in before.items())
    _fix(fixed, library, select, log)
    result.stable = _snapshot(fixed, library) == after

    python = _venv(library, home / "venv", log)
    plugins = home / "plugins"
    plugins.mkdir(exist_ok=True)
    (plugins / "perflint_outcomes.py").write_text(OUTCOMES_PLUGIN)
    for root in (original, fixed):
        if not _imports_copy(python, library, root, plugins):
            raise RuntimeError(f"the tests would not import {library.module} from {root}")
    outcomes = home / "outcomes.json"
    result.original = _test(python, library, original, plugins, outcomes, home / "tests-original.txt", library.tests, timeout)
    result.fixed = _test(python, library, fixed, plugins, outcomes, home / "tests-fixed.txt", library.tests, timeout)
    suspects = sorted(_broken(result.fixed) - _broken(result.original))
    if suspects:  # run them again on both copies: a test that changes its mind is flaky
        again_original = _test(python, library, original, plugins, outcomes, home / "rerun-original.txt", suspects, timeout)
        again_fixed = _test(python, library, fixed, plugins, outcomes, home / "rerun-fixed.txt", suspects, timeout)
        confirmed = _broken(again_fixed) - _broken(again_original)
        result.new = tuple(t for t in suspects if t in confirmed)
        result.flaky = tuple(t for t in suspects if t not in confirmed)
    return result


def _table(results: Sequence[Result]) -> List[str]:
    rows = [("library", "files", "changed", "fixes", "original p/f/e", "fixed p/f/e", "new failures", "2nd --fix")]
    for r in results:
        rows.append((
            f"{r.library.name} {r.library.version}", str(r.files), str(r.changed), str(r.fixes),
            _counts(r.original), _counts(r.fixed), "error" if r.problem else str(len(r.new)),
            "no change" if r.stable else "CHANGED",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated library names (default: all)")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (reusing its downloads and venvs)")
    parser.add_argument("--select", help="rules to fix with (default: the default report's); PFL for every rule")
    parser.add_argument("--tests-from", action="append", default=[], metavar="NAME=GIT_DIR",
                        help="read the tests of NAME from this local git clone instead of cloning it")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds one test run may take (default 3600)")
    args = parser.parse_args()
    known = {library.name: library for library in LIBRARIES}
    names = args.only.split(",") if args.only else list(known)
    unknown = [name for name in names if name not in known]
    if unknown:
        parser.error(f"unknown library: {', '.join(unknown)} (known: {', '.join(known)})")
    tests_from = {}
    for item in args.tests_from:
        name, _, folder = item.partition("=")
        if not folder:
            parser.error(f"--tests-from wants NAME=GIT_DIR, not {item!r}")
        tests_from[name] = Path(folder).resolve()
    work = (args.keep or Path(tempfile.mkdtemp(prefix="perflint-thirdparty-"))).resolve()
    (work / "downloads").mkdir(parents=True, exist_ok=True)
    print(f"work directory: {work}", flush=True)
    results = []
    for name in names:
        library = known[name]
        start = time.perf_counter()
        try:
            result = check(library, work, args.select, tests_from, args.timeout)
        except (RuntimeError, OSError) as error:
            result = Result(library, problem=str(error))
        results.append(result)
        print(f"\n{library.name} {library.version} ({time.perf_counter() - start:.0f} s)", flush=True)
        if result.problem:
            print(f"  could not check: {result.problem}")
            continue
        print(f"  {result.changed} of {result.files} files changed by {result.fixes} fixes; "
              f"second --fix: {'no change' if result.stable else 'CHANGED files'}")
        print(f"  tests passed/failed/errored: original {_counts(result.original)}, fixed {_counts(result.fixed)}")
        for test in result.new:
            print(f"  NEW FAILURE {test}")
        for test in result.flaky:
            print(f"  flaky (failed once with the fixed copy, not again): {test}")
    print()
    for line in _table(results):
        print(line)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if any(r.problem or r.new or not r.stable for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
