"""Which files to analyze: `*.py`/`*.pyi` and Jupyter notebooks (`*.ipynb`) under the
given paths, minus ignored ones.

Directories are pruned early: the usual tool and environment folders, and whatever the
`.gitignore` files of the repository say (read with `pathspec`, which implements git's
own matching). A file named explicitly is always analyzed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, FrozenSet, Hashable, Iterator, List, Optional, Sequence, Set, Tuple

import pathspec

SUFFIXES = (".py", ".pyi", ".ipynb")
# Folder names never entered, at any depth. `build` is not one of them: it is a common
# package name (pip's `operations/build`), and Ruff dropped it from its defaults for
# that reason; a build output folder is in `.gitignore`, which is read.
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "__pycache__", "dist", ".tox", ".nox",
     "node_modules", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".perflint_cache", ".eggs",
     ".ipynb_checkpoints"}  # Jupyter's copies of the notebooks beside it
)

Ignore = Tuple[Path, pathspec.PathSpec]
# For a folder: the configured excludes for what it holds, and folder names never entered.
Exclusions = Callable[[Path], Tuple[Optional[Ignore], FrozenSet[str]]]


def _gitignore(directory: Path) -> List[Ignore]:
    file = directory / ".gitignore"
    if not file.is_file():
        return []
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [(directory, pathspec.GitIgnoreSpec.from_lines(lines))]


def _inherited_ignores(directory: Path) -> List[Ignore]:
    """`.gitignore` files above `directory`, up to the top of its git repository."""
    found: List[Ignore] = []
    if (directory / ".git").exists():
        return found
    for parent in directory.resolve().parents:
        found = _gitignore(parent) + found
        if (parent / ".git").exists():
            return found
    return []  # not in a repository: outer .gitignore files do not apply


def _ignored(path: Path, is_dir: bool, ignores: Sequence[Ignore]) -> bool:
    for base, spec in ignores:
        try:
            relative = path.resolve().relative_to(base).as_posix()
        except ValueError:
            continue
        if spec.match_file(relative + "/" if is_dir else relative):
            return True
    return False


def _defaults(directory: Path) -> Tuple[Optional[Ignore], FrozenSet[str]]:
    return None, SKIPPED_DIRS


def discover(paths: Sequence[Path], exclusions: Exclusions = _defaults) -> Iterator[Path]:
    """Files to analyze, in a stable order. Paths that do not exist raise FileNotFoundError.

    `exclusions` says, for a folder, which configured patterns (and the directory they are
    relative to) apply to what it holds, and which folder names are never entered: the
    configuration can differ from folder to folder (see `resolver`). Configured excludes
    apply to named paths too, since pre-commit names every file. A file reached twice
    (through a symbolic or hard link, or named twice) is analyzed once, under the path
    given or found first: reporting it twice would count its findings twice, and fixing
    it twice would write it twice.
    """
    seen: Set[Hashable] = set()
    for path in _candidates(paths, exclusions):
        key = _identity(path)
        if key not in seen:
            seen.add(key)
            yield path


def _identity(path: Path) -> Hashable:
    """What the file is, whatever its name: device and inode (one `stat`, where resolving
    the path would take one per folder); a broken link is only its name."""
    try:
        info = path.stat()
    except OSError:
        return path
    return info.st_dev, info.st_ino


def _configured(directory: Path, exclusions: Exclusions) -> List[Ignore]:
    exclude, _ = exclusions(directory)
    return [exclude] if exclude is not None else []


def _candidates(paths: Sequence[Path], exclusions: Exclusions) -> Iterator[Path]:
    for root in paths:
        if not root.exists():
            raise FileNotFoundError(str(root))
        if _ignored(root, root.is_dir(), _configured(root.parent, exclusions)):
            continue
        if not root.is_dir():
            yield root
            continue
        inherited = _inherited_ignores(root)
        if _ignored(root, True, inherited):
            inherited = []  # a folder git ignores, named on purpose: check what is in it
        yield from _walk(root, inherited + _gitignore(root.resolve()), exclusions)


def _walk(root: Path, root_ignores: List[Ignore], exclusions: Exclusions) -> Iterator[Path]:
    """What `root` holds; `.gitignore` files add up on the way down, while each folder's
    configuration says what it excludes."""
    gitignores = {root: root_ignores}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        inherited = gitignores.pop(here)
        exclude, skipped = exclusions(here)
        active = inherited + ([exclude] if exclude is not None else [])
        kept = []
        for name in sorted(dirnames):
            child = here / name
            if name in skipped or _ignored(child, True, active):
                continue
            gitignores[child] = inherited + _gitignore(child.resolve())
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            child = here / name
            if name.endswith(SUFFIXES) and not _ignored(child, False, active):
                yield child
