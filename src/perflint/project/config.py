"""`[tool.perflint]` in `pyproject.toml`, merged with the command line.

Which file governs which checked file is `resolver`'s business; `load` reads one (by
default the nearest `pyproject.toml` with a `[tool.perflint]` table above the current
directory), and patterns in it are relative to its directory. Every value is checked when the file is read, so a typo is one line naming it
(`ConfigError`) instead of a setting silently ignored. Keys follow Ruff's spelling.

The line length fixed code keeps to is the project's own, from the same file:
`[tool.ruff] line-length`, else `[tool.black] line-length`, else 88.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pathspec

from perflint.catalog import RULES, RuleInfo, Target
from perflint.engine.selection import (
    TARGET_VERSIONS,
    R,
    UnknownSelector,
    matching,
    parse_target,
    select,
    supported,
)
from perflint.model import DEFAULT_LINE_LENGTH
from perflint.project.discovery import SKIPPED_DIRS, Ignore

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.9 and 3.10 only
    import tomli as tomllib

FILENAME = "pyproject.toml"
_LISTS = ("select", "ignore", "extend-select", "exclude", "extend-exclude")
KEYS = (*_LISTS, "per-file-ignores", "target-version", "unsafe-fixes")
_LOWER_BOUND = re.compile(r"^\s*(?:>=|~=|==|>)\s*(\d+)(?:\.(\d+))?")
_FORMATTERS = ("ruff", "black")  # whose line-length the project's code follows, first found
_MAX_LINE_LENGTH = 320  # Ruff's limit


class ConfigError(ValueError):
    """A configuration mistake, described in one line."""


@dataclass(frozen=True)
class Config:
    """Settings from the file and the command line; `None` means "not given"."""

    root: Path  # what patterns are relative to
    path: Path | None = None  # the file read, if any
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()  # pattern, codes
    exclude: tuple[str, ...] | None = None  # replaces the default skipped folders
    extend_exclude: tuple[str, ...] = ()
    target_version: str | None = None
    unsafe_fixes: bool = False
    requires_python: Target | None = field(default=None, compare=False)
    line_length: int = DEFAULT_LINE_LENGTH

    def target(self, running: Target) -> Target:
        """`target-version`, else the oldest Python `requires-python` allows, else `running`."""
        if self.target_version is not None:
            return parse_target(self.target_version)
        return self.requires_python or running

    def rules(self, target: Target) -> list[RuleInfo]:
        """The enabled rules. Raises ConfigError for a selector that names no rule."""
        try:
            return select(target, self.select, self.ignore, self.extend_select)
        except UnknownSelector as error:
            raise ConfigError(str(error)) from None

    def explicit(self) -> frozenset[str]:
        """The codes the user named in `select`/`extend-select` (every rule for `PFL`): all
        their findings are reported, not only those the default policy shows."""
        return _check_selectors("select", [*(self.select or ()), *self.extend_select])

    @property
    def skipped_dirs(self) -> frozenset[str]:
        """Folder names never entered: the defaults unless `exclude` replaces them."""
        return SKIPPED_DIRS if self.exclude is None else frozenset()

    @cached_property
    def excluded(self) -> Ignore | None:
        patterns = [*(self.exclude or ()), *self.extend_exclude]
        return (self.root.resolve(), pathspec.GitIgnoreSpec.from_lines(patterns)) if patterns else None

    @cached_property
    def _per_file_specs(self) -> list[tuple[pathspec.PathSpec, frozenset[str]]]:
        return [(pathspec.GitIgnoreSpec.from_lines([pattern]), codes) for pattern, codes in self.per_file_ignores]

    def rules_for(self, rules: Sequence[R], path: Path) -> list[R]:
        """`rules` less those `per-file-ignores` turns off for `path` (gitignore-style patterns)."""
        if not self.per_file_ignores:
            return list(rules)
        try:
            relative = path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            relative = path.name
        ignored = {code for spec, codes in self._per_file_specs if spec.match_file(relative) for code in codes}
        return [rule for rule in rules if rule.code not in ignored]

    def with_overrides(
        self,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
        exclude: Sequence[str] = (),
        extend_exclude: Sequence[str] = (),
        target_version: str | None = None,
        unsafe_fixes: bool | None = None,
    ) -> Config:
        """The command line on top of the file: `exclude` and the target replace the
        file's values, `extend-exclude` adds to them. A `select` starts the selection
        afresh, as in Ruff: the file's `select`, `extend-select` and `ignore` no longer
        apply (its `per-file-ignores` still do); otherwise `ignore` and `extend-select`
        add to the file's."""
        fresh = bool(select)
        return replace(
            self,
            select=tuple(select) if fresh else self.select,
            ignore=(*(() if fresh else self.ignore), *ignore),
            extend_select=(*(() if fresh else self.extend_select), *extend_select),
            exclude=tuple(exclude) if exclude else self.exclude,
            extend_exclude=(*self.extend_exclude, *extend_exclude),
            target_version=target_version or self.target_version,
            unsafe_fixes=self.unsafe_fixes if unsafe_fixes is None else unsafe_fixes,
        )


def has_table(path: Path) -> bool:
    """Whether the pyproject.toml at `path` has a `[tool.perflint]` table."""
    tools = _read(path).get("tool", {})
    return isinstance(tools, Mapping) and tools.get("perflint") is not None


def find(start: Path) -> Path | None:
    """The nearest `pyproject.toml` with `[tool.perflint]`, else the nearest one at all."""
    nearest = None
    for directory in (start.resolve(), *start.resolve().parents):
        candidate = directory / FILENAME
        if candidate.is_file():
            nearest = nearest or candidate
            if has_table(candidate):
                return candidate
    return nearest


def load(path: Path | None = None, start: Path | None = None) -> Config:
    """The configuration in `path` (or found from `start`, default: the current directory)."""
    if path is None:
        path = find(start or Path.cwd())
        if path is None:
            return Config(root=start or Path.cwd())
    elif not path.is_file():
        raise ConfigError(f"{path}: no such file")
    data = _read(path)
    table = data.get("tool", {}).get("perflint", {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: [tool.perflint] must be a table")
    project = data.get("project", {})
    requires = project.get("requires-python") if isinstance(project, Mapping) else None
    base = Config(root=path.parent, path=path, requires_python=oldest_python(requires))
    base = replace(base, line_length=_line_length(path, data.get("tool", {})))
    try:
        return _parse(table, base)
    except ConfigError as error:
        raise ConfigError(f"{path}: [tool.perflint] {error}") from None


def _line_length(path: Path, tools: Any) -> int:
    """The first `line-length` of `[tool.ruff]`, `[tool.black]`, else the default."""
    for tool in _FORMATTERS:
        table = tools.get(tool) if isinstance(tools, Mapping) else None
        if isinstance(table, Mapping) and "line-length" in table:
            value = table["line-length"]
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_LINE_LENGTH:
                raise ConfigError(
                    f"{path}: [tool.{tool}] line-length: expected a whole number from 1 to {_MAX_LINE_LENGTH}, "
                    f"got {value!r}"
                )
            return value
    return DEFAULT_LINE_LENGTH


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def _parse(table: Mapping[str, Any], config: Config) -> Config:
    for key in table:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(KEYS)})"
            raise ConfigError(f"unknown key '{key}'{hint}")
    values: dict[str, Any] = {key.replace("-", "_"): _strings(key, table[key]) for key in _LISTS if key in table}
    for key in ("select", "ignore", "extend-select"):
        _check_selectors(key, table.get(key, ()))
    if "per-file-ignores" in table:
        values["per_file_ignores"] = _per_file_ignores(table["per-file-ignores"])
    if "target-version" in table:
        value = table["target-version"]
        if value not in TARGET_VERSIONS:
            raise ConfigError(f"target-version: invalid value {value!r} (expected one of {', '.join(TARGET_VERSIONS)})")
        values["target_version"] = value
    if "unsafe-fixes" in table:
        if not isinstance(table["unsafe-fixes"], bool):
            raise ConfigError(f"unsafe-fixes: expected true or false, got {table['unsafe-fixes']!r}")
        values["unsafe_fixes"] = table["unsafe-fixes"]
    return replace(config, **values)


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{key}: expected a list of strings, got {value!r}")
    return tuple(value)


def _check_selectors(key: str, selectors: Sequence[str]) -> frozenset[str]:
    """The codes `selectors` name. Raises ConfigError naming the first that names none."""
    try:
        return frozenset(rule.code for selector in selectors for rule in matching(selector, RULES))
    except UnknownSelector as error:
        raise ConfigError(f"{key}: {error}") from None


def _per_file_ignores(value: Any) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(value, Mapping):
        raise ConfigError(f'per-file-ignores: expected a table of glob = [codes], got {value!r}')
    return tuple(
        (pattern, _check_selectors(f"per-file-ignores.{pattern!r}", _strings(f"per-file-ignores.{pattern!r}", codes)))
        for pattern, codes in value.items()
    )


def oldest_python(requires_python: object) -> Target | None:
    """The oldest Python a `requires-python` specifier allows, as a target perflint
    serves (a bound below the oldest target, `>=3.6` or `>=2.7`, gives the oldest), if it says."""
    if not isinstance(requires_python, str):
        return None
    bounds = [
        (int(m.group(1)), int(m.group(2) or 0))
        for part in requires_python.split(",")
        if (m := _LOWER_BOUND.match(part))
    ]
    return supported(max(bounds)) if bounds else None
