"""How much code triage hands to libcst, and proof that it never changes a finding.

    python benchmarks/triage_check.py PATH... [--select CODES] [--target py312] [--jobs N]
                                      [--per-rule] [--no-compare]

For every Python file under PATH: the share of lines triage keeps for libcst (stubbed
lines are empty), and, unless `--no-compare`, the findings with and without triage, which
must be the same (files that differ are listed, and the exit code is 1). `--per-rule`
also shows the share each rule keeps on its own, the place to look for a need worth
sharpening. Needs are necessary conditions (see `Rule.needs` and analysis/facts.py); run
this over large real code (the standard library with its tests, site-packages) after
changing one.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from perflint.engine import core, statements, triage
from perflint.engine.selection import parse_target, select_rules

Findings = List[Tuple[int, int, str, str]]


def _findings(text: str, rules: Sequence[type], target: Tuple[int, int], reduce: bool) -> object:
    saved = core.triage
    if not reduce:
        core.triage = lambda t, r: triage.Triage(t, statements.anchors(t), r)  # type: ignore[assignment]
    try:
        return sorted((d.line, d.column, d.code, d.message) for d in core.check_source(text, "f.py", rules, target))
    except core.AnalysisError as error:
        return str(error)
    finally:
        core.triage = saved


def _kept_lines(text: str, rules: Sequence[type]) -> int:
    reduced = triage.triage(text, rules).text
    return 0 if reduced is None else sum(1 for line in reduced.splitlines() if line.strip())


def _check(job: Tuple[str, List[str], Tuple[int, int], bool, bool]) -> Optional[Tuple[str, int, int, Dict[str, int], bool]]:
    path, select, target, compare, per_rule = job
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    rules = select_rules(target, select or None)
    lines = sum(1 for line in text.splitlines() if line.strip())
    alone = {rule.code: _kept_lines(text, [rule]) for rule in rules} if per_rule else {}
    same = not compare or _findings(text, rules, target, True) == _findings(text, rules, target, False)
    return path, lines, _kept_lines(text, rules), alone, same


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--select", default="", help="rule codes or prefixes, comma-separated (default: the default rules)")
    parser.add_argument("--target", default="py312")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--per-rule", action="store_true")
    parser.add_argument("--no-compare", action="store_true")
    args = parser.parse_args(argv)
    target = parse_target(args.target)
    select = [code for code in args.select.split(",") if code]
    files = sorted(str(p) for root in args.paths for p in ([root] if root.is_file() else root.rglob("*.py")))
    jobs = [(path, select, target, not args.no_compare, args.per_rule) for path in files]
    total = kept = 0
    alone: Dict[str, int] = {}
    differ: List[str] = []
    with ProcessPoolExecutor(args.jobs) as pool:
        for result in pool.map(_check, jobs, chunksize=8):
            if result is None:
                continue
            path, lines, kept_here, alone_here, same = result
            total, kept = total + lines, kept + kept_here
            for code, count in alone_here.items():
                alone[code] = alone.get(code, 0) + count
            if not same:
                differ.append(path)
    print(f"{len(files)} files, {total} non-blank lines, triage keeps {kept / max(total, 1):.1%}")
    for code, count in sorted(alone.items(), key=lambda item: -item[1]):
        print(f"  {code} alone keeps {count / max(total, 1):.1%}")
    if not args.no_compare:
        print(f"{len(differ)} files differ with and without triage")
        for path in differ:
            print(f"  {path}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
