"""Time every rule's before/after pair on each installed CPython and store the results.

    python scripts/measure_rules.py                  # every rule, on each CPython 3.9-3.13 pyenv has
    python scripts/measure_rules.py PFL301 PFL4      # only those (the other stored timings are kept)
    python scripts/measure_rules.py --python python3.12 --python /opt/py313/bin/python3
    python scripts/measure_rules.py --quick          # a smoke run of the machinery: stores nothing

Without `--python`, the interpreters are pyenv's CPython 3.9-3.13 (the newest patch
release of each) when pyenv is installed, with the running interpreter in place of its
own minor version (it has the test extras, NumPy and pandas), else the running one. Each runs
`python -m perflint.measure.timing` with perflint's `src` on its path: it needs only the standard
library, plus NumPy or pandas for the pairs that import them (pairs whose modules an
interpreter lacks are skipped there and their stored figures kept). The interpreters run
one after another, on a quiet machine; within each, a case's sides are timed in
alternating turns (see `perflint.measure.timing`). Then run `python scripts/generate.py`.
Exit status 1 if a pair fails or disagrees on some interpreter (nothing is stored for it
there), 2 if an interpreter cannot be run.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from perflint.faces import bench
from perflint.measure import speedups
from perflint.measure.timing import Timing
from perflint.rules.base import Rule

SRC = Path(__file__).resolve().parent.parent / "src"
VERSIONS = re.compile(r"^3\.(9|1[0-3])\.(\d+)$")  # the CPython releases perflint supports


def pyenv_interpreters() -> List[str]:
    """The newest patch release of each CPython 3.9-3.13 that pyenv has installed."""
    if shutil.which("pyenv") is None:
        return []
    root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=True).stdout.strip()
    listed = subprocess.run(["pyenv", "versions", "--bare"], capture_output=True, text=True, check=True).stdout.split()
    newest: Dict[int, Tuple[int, str]] = {}
    for name in listed:
        match = VERSIONS.match(name)
        if match:
            minor, patch = int(match.group(1)), int(match.group(2))
            if patch >= newest.get(minor, (-1, ""))[0]:
                newest[minor] = (patch, name)
    return [str(Path(root, "versions", name, "bin", "python")) for _, (_, name) in sorted(newest.items())]


def default_interpreters() -> List[str]:
    running = sys.version_info[:2]
    found = [python for python in pyenv_interpreters() if version_of(python) != running]
    return sorted([*found, sys.executable], key=version_of)


@functools.lru_cache(maxsize=None)
def version_of(python: str) -> speedups.Version:
    found = subprocess.run(
        [python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(found[0]), int(found[1])


def request(rules: List[type[Rule]], version: speedups.Version, quick: bool) -> Dict[str, Any]:
    """What `perflint.measure.timing` is asked to time on an interpreter of `version`."""
    pairs = []
    for rule in rules:
        if rule.bench is None or not rule.applies_to(version):  # "after" may use what it lacks
            continue
        cases = [asdict(program) for program in speedups.programs(rule.bench)]
        pairs.append({"code": rule.code, "size": rule.bench.size, "requires": list(rule.bench.requires), "cases": cases})
    return {"quick": quick, "pairs": pairs}


def run_pairs(python: str, asked: Dict[str, Any]) -> Dict[str, Any]:
    """Time the pairs in `python`, its progress shown as it goes."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]))
    done = subprocess.run(
        [python, "-m", "perflint.measure.timing"], input=json.dumps(asked), stdout=subprocess.PIPE, text=True, env=env, check=True
    )
    return json.loads(done.stdout)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("selectors", nargs="*", metavar="CODE", help="codes, prefixes or names (default: every rule)")
    parser.add_argument("--python", action="append", default=[], help="an interpreter to time on (repeatable)")
    parser.add_argument("--quick", action="store_true", help="small inputs, one short turn, nothing stored")
    options = parser.parse_args(argv)
    rules = bench.select(options.selectors)
    stored = {code: dict(entries) for code, entries in speedups.load().items()}
    failed = False
    for python in options.python or default_interpreters():
        print(f"{python}:", flush=True)
        try:
            version = version_of(python)
            answer = run_pairs(python, request(rules, version, options.quick))
        except (OSError, subprocess.CalledProcessError, ValueError) as error:
            print(f"{python}: cannot time pairs there: {error}", file=sys.stderr)
            return 2
        print(f"  timed on {answer['interpreter']}")
        for rule in rules:
            result = answer["results"].get(rule.code)
            if result is None or "skipped" in result:
                print(f"  {rule.code}: skipped ({result['skipped'] if result else 'does not apply'}); stored timings kept")
            elif "error" in result:
                print(f"  {rule.code}: error: {result['error']}", file=sys.stderr)
                failed = True
            elif not options.quick:
                timings = [Timing(**case) for case in result["cases"]]
                stored.setdefault(rule.code, {})[speedups.version_key(version)] = speedups.entry(
                    rule, timings, answer["interpreter"]
                )
    if not options.quick:
        speedups.save(stored)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
