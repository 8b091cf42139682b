"""Check that `perflint --fix` never breaks code, on a copy of a real corpus.

    python scripts/fix_roundtrip.py [SOURCE_DIR] [--unsafe-fixes] [--select CODES] [--keep DIR]

SOURCE_DIR defaults to the running interpreter's standard library; test packages,
site-packages and caches are left out of the copy. The script fixes the copy, then checks
that every changed file still compiles, that it keeps every comment (compared as tokens,
so moved comments count as kept), and that a second `--fix` changes nothing. It prints a
summary and exits 1 if any check fails.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import io
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
    command = [sys.executable, "-m", "perflint", "--fix", "--exit-zero", "--quiet", "--no-cache", str(root)]
    if unsafe:
        command.insert(4, "--unsafe-fixes")
    if select:
        command[4:4] = ["--select", select]
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--unsafe-fixes", action="store_true")
    parser.add_argument("--select", help="rules to run (default: the rules on by default)")
    parser.add_argument("--keep", type=Path, help="fix a copy in this directory and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="perflint-roundtrip-"))
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    shutil.copytree(args.source, corpus, ignore=SKIP, symlinks=True)
    before = _snapshot(corpus)
    seconds = _fix(corpus, args.unsafe_fixes, args.select)
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
    print(f"{len(before)} files, {len(changed)} changed by --fix in {seconds:.1f} s, "
          f"{len(broken)} problems, fixed corpus sha256 {digest[:12]}")
    for line in broken:
        print("  " + line)
    if not args.keep:
        shutil.rmtree(work)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
