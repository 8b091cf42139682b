"""Which configuration governs each file, found as Ruff finds it.

A file is checked with the nearest `pyproject.toml` above it that has a `[tool.perflint]`
table, so `cd /tmp && perflint project/` reads `project/pyproject.toml`, and a folder with
a table of its own (a sub-project, vendored code) is checked by its own rules; tables are
not merged. A file with no such table above it gets the configuration found from the
current directory, and without either the nearest `pyproject.toml` at all (its
`requires-python` and line length). `--config` names one file for every file. The command
line goes on top of each configuration (`Config.with_overrides`).

Each folder is looked up once and each file read once, however many files share them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, Optional, Tuple

from perflint.project.config import FILENAME, Config, has_table, load
from perflint.project.discovery import Ignore

Overrides = Callable[[Config], Config]
_Nearest = Tuple[Optional[Path], Optional[Path]]  # with a [tool.perflint] table, at all


class Resolver:
    """Configurations by folder. Raises ConfigError (a bad file) when one is first read."""

    def __init__(self, config_file: Optional[Path], overrides: Overrides, cwd: Optional[Path] = None) -> None:
        self._overrides = overrides
        self._cwd = (cwd or Path.cwd()).resolve()
        self._configs: Dict[Optional[Path], Config] = {}  # by the file read
        self._folders: Dict[Path, Config] = {}  # by the folder as named
        self._nearest: Dict[Path, _Nearest] = {}  # by the real folder
        self._fixed = overrides(load(config_file)) if config_file is not None else None
        with_table, _ = self._find(self._cwd)
        self._fallback = self._config(with_table) if with_table is not None else None

    @property
    def base(self) -> Config:
        """The configuration of the current directory: what a run with no file says."""
        return self.for_directory(self._cwd)

    def for_file(self, path: Path) -> Config:
        return self.for_directory(path.parent)

    def for_directory(self, directory: Path) -> Config:
        """The configuration of what `directory` holds (its own pyproject.toml counts)."""
        if self._fixed is not None:
            return self._fixed
        found = self._folders.get(directory)
        if found is None:
            with_table, nearest = self._find((self._cwd / directory).resolve())
            found = self._config(with_table) if with_table is not None else self._fallback or self._config(nearest)
            self._folders[directory] = found
        return found

    def exclusions(self, directory: Path) -> Tuple[Optional[Ignore], frozenset]:
        """What discovery skips inside `directory`: its configuration's excludes, and the
        folder names never entered."""
        config = self.for_directory(directory)
        return config.excluded, config.skipped_dirs

    def _config(self, path: Optional[Path]) -> Config:
        found = self._configs.get(path)
        if found is None:
            found = self._overrides(load(path) if path is not None else Config(root=self._cwd))
            self._configs[path] = found
        return found

    def _find(self, directory: Path) -> _Nearest:
        """The nearest pyproject.toml with a table at or above `directory`, and the nearest
        at all; every folder on the way is remembered."""
        known = self._nearest.get(directory)
        if known is not None:
            return known
        candidate = directory / FILENAME
        here = candidate if candidate.is_file() else None
        if here is not None and has_table(here):
            found: _Nearest = (here, here)
        elif directory.parent == directory:
            found = (None, here)
        else:
            with_table, nearest = self._find(directory.parent)
            found = (with_table, here or nearest)
        self._nearest[directory] = found
        return found
