"""Check that `perflint --fix` never breaks code, on a copy of a real corpus.

    python scripts/fix_roundtrip.py [SOURCE_DIR] [--unsafe-fixes] [--select CODES] [--keep DIR] [--style]

SOURCE_DIR defaults to the running interpreter's standard library; test packages,
site-packages and caches are left out of the copy. The script fixes the copy, then checks
that every changed file still compiles, that it keeps every comment (compared as tokens,
so moved comments count as kept), and that a second `--fix` changes nothing. With
`--style` it also runs Ruff's import-sorting, line-length and blank-line checks on the
copy before and after fixing: the fixed code must not get more of any of them (a table
per code, and the files whose count grew). It prints a summary and exits 1 if any check
fails.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import io
import json
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import tokenize
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional

SKIP = shutil.ignore_patterns("site-packages", "__pycache__", "test", "tests", "idle_test", "*.pyc")
# What fixed code must not add: unsorted imports, long lines, blank lines around definitions.
STYLE_CODES = "I001,E501,E302,E303,E305"
STYLE_LINE_LENGTH = 88  # perflint's default, as the copy has no pyproject.toml


def _snapshot(root: Path) -> Dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*.py"))}


def _comments(data: bytes) -> Counter:
    try:
        tokens = tokenize.tokenize(io.BytesIO(data).readline)
        return Counter(t.string.strip() for t in tokens if t.type == tokenize.COMMENT)
    except (tokenize.TokenError, SyntaxError):
        return Counter()


def _compiles(data: bytes, path: Path) -> bool:
    try:
        compile(data, str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _fix(root: Path, unsafe: bool, select: Optional[str]) -> float:
    command = [sys.executable, "-m", "perflint", "--fix", "--exit-zero", "--quiet", "--no-cache", "."]
    if unsafe:
        command.insert(4, "--unsafe-fixes")
    if select:
        command[4:4] = ["--select", select]
    start = time.perf_counter()
    # Run from the copy, so that no pyproject.toml around the current directory applies.
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=root)
    return time.perf_counter() - start


def _style(root: Path) -> Counter:
    """Ruff's STYLE_CODES findings in `root`, by (file, code)."""
    command = [
        sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--preview", "--exit-zero",
        "--select", STYLE_CODES, "--line-length", str(STYLE_LINE_LENGTH), "--output-format", "json", str(root),
    ]
    found = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    return Counter((str(Path(f["filename"]).relative_to(root.resolve())), f["code"]) for f in found)


def _style_report(before: Counter, after: Counter) -> List[str]:
    """Print the counts per code; the problems: codes and files that got more."""
    problems = []
    print(f"{'ruff code':<10} {'original':>9} {'fixed':>9}")
    for code in STYLE_CODES.split(","):
        old = sum(n for (_, c), n in before.items() if c == code)
        new = sum(n for (_, c), n in after.items() if c == code)
        print(f"{code:<10} {old:>9} {new:>9}")
        if new > old:
            problems.append(f"{code}: {old} -> {new}")
    problems += [f"more {code} in {path}: {before[path, code]} -> {n}" for (path, code), n in sorted(after.items())
                 if n > before[path, code]]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--unsafe-fixes", action="store_true")
    parser.add_argument("--select", help="rules to run (default: the rules on by default)")
    parser.add_argument("--keep", type=Path, help="fix a copy in this directory and keep it")
    parser.add_argument("--style", action="store_true", help="compare Ruff's style findings before and after")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="perflint-roundtrip-"))
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    shutil.copytree(args.source, corpus, ignore=SKIP, symlinks=True)
    before = _snapshot(corpus)
    style_before = _style(corpus) if args.style else Counter()
    seconds = _fix(corpus, args.unsafe_fixes, args.select)
    style_after = _style(corpus) if args.style else Counter()
    after = _snapshot(corpus)
    changed = [p for p in before if after.get(p) != before[p]]
    broken: List[str] = []
    for path in changed:
        if _compiles(before[path], path) and not _compiles(after[path], path):
            broken.append(f"does not compile: {path.relative_to(corpus)}")
        lost = _comments(before[path]) - _comments(after[path])
        if lost:
            broken.append(f"lost comments in {path.relative_to(corpus)}: {heapq.nsmallest(3, lost)}")
    digest = hashlib.sha256(b"".join([after[p] for p in sorted(after)])).hexdigest()
    _fix(corpus, args.unsafe_fixes, args.select)
    again = _snapshot(corpus)
    unstable = [str(p.relative_to(corpus)) for p in again if again[p] != after.get(p)]
    broken += [f"second --fix changed: {p}" for p in unstable]
    if args.style:
        broken += _style_report(style_before, style_after)
    print(f"{len(before)} files, {len(changed)} changed by --fix in {seconds:.1f} s, "
          f"{len(broken)} problems, fixed corpus sha256 {digest[:12]}")
    for line in broken:
        print("  " + line)
    if not args.keep:
        shutil.rmtree(work)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
