"""`[tool.perflint]` in pyproject.toml, through the command: found, obeyed, and checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import FAST, QUEUE, SLOW, perflint, write

from perflint.project.config import oldest_python


def _project(root: Path, table: str) -> None:
    write(root / "pyproject.toml", f'[project]\nname = "demo"\n\n[tool.perflint]\n{table}\n')


def _found(result) -> set:  # type: ignore[no-untyped-def]
    """(path, code) of every finding line."""
    return {(line.split(":")[0], line.split()[1]) for line in result.stdout.splitlines() if ": PFL" in line}


def test_ignore_and_per_file_ignores(tmp_path: Path) -> None:
    for folder in ("top", "sub"):
        write(tmp_path / folder / "mod.py", SLOW + "\n\n" + QUEUE)
    everything = perflint("--select", "PFL303,PFL310", ".", cwd=tmp_path)
    assert _found(everything) == {(f"{d}/mod.py", c) for d in ("top", "sub") for c in ("PFL303", "PFL310")}
    _project(tmp_path, 'extend-select = ["PFL303", "PFL310"]\nignore = ["PFL303"]\nper-file-ignores = {"sub/*" = ["PFL310"]}')
    result = perflint(".", cwd=tmp_path / "top")  # the file is found from a subdirectory too
    assert _found(result) == {("mod.py", "PFL310")}
    result = perflint(".", cwd=tmp_path)
    assert _found(result) == {("top/mod.py", "PFL310")}


def test_per_file_ignores_accept_names_and_prefixes(tmp_path: Path) -> None:
    write(tmp_path / "tests" / "test_x.py", SLOW)
    _project(tmp_path, 'select = ["PFL310"]\nper-file-ignores = {"tests/**" = ["in-dict-keys"], "*.pyi" = ["PFL3"]}')
    assert perflint(".", cwd=tmp_path).returncode == 0


def test_command_line_overrides_the_file(tmp_path: Path) -> None:
    write(tmp_path / "mod.py", SLOW)
    _project(tmp_path, 'select = ["PFL303"]')
    assert perflint("mod.py", cwd=tmp_path).returncode == 0
    assert perflint("--select", "PFL310", "mod.py", cwd=tmp_path).returncode == 1


def test_the_configuration_is_found_next_to_the_files_not_the_current_directory(tmp_path: Path) -> None:
    """`cd /tmp && perflint project/` reads project/pyproject.toml, its patterns relative
    to project/; so does a file named through it, and stdin named as one of its files."""
    for folder in ("src", "tests"):
        write(tmp_path / "project" / folder / "mod.py", SLOW + "\n\n" + QUEUE)
    _project(tmp_path / "project", 'select = ["PFL303", "PFL310"]\nper-file-ignores = {"tests/*" = ["PFL310"]}')
    (tmp_path / "elsewhere").mkdir()
    expected = {("../project/src/mod.py", "PFL303"), ("../project/src/mod.py", "PFL310"), ("../project/tests/mod.py", "PFL303")}
    assert _found(perflint("../project", cwd=tmp_path / "elsewhere")) == expected
    assert _found(perflint("../project/tests/mod.py", cwd=tmp_path / "elsewhere")) == {("../project/tests/mod.py", "PFL303")}
    piped = perflint("-", "--stdin-filename", "project/tests/mod.py", cwd=tmp_path, stdin=(SLOW + "\n\n" + QUEUE).encode())
    assert {line.split()[1] for line in piped.stdout.decode().splitlines() if ": PFL" in line} == {"PFL303"}


def test_a_folder_with_its_own_table_is_checked_by_its_own_rules(tmp_path: Path) -> None:
    """As Ruff: the nearest table governs, tables are not merged, excludes are relative
    to their own file; a pyproject.toml without a table is passed over; a file with no
    table above it gets the current directory's."""
    for folder in ("app", "vendor/lib", "vendor/lib/gen", "vendor/bare"):
        write(tmp_path / folder / "mod.py", SLOW + "\n\n" + QUEUE)
    _project(tmp_path, 'select = ["PFL310"]')
    _project(tmp_path / "vendor" / "lib", 'select = ["PFL303"]\nextend-exclude = ["/gen"]')
    write(tmp_path / "vendor" / "bare" / "pyproject.toml", '[project]\nname = "bare"\n')
    write(tmp_path.parent / f"{tmp_path.name}-outside" / "mod.py", SLOW + "\n\n" + QUEUE)
    expected = {("app/mod.py", "PFL310"), ("vendor/lib/mod.py", "PFL303"), ("vendor/bare/mod.py", "PFL310")}
    assert _found(perflint(".", cwd=tmp_path)) == expected
    outside = f"../{tmp_path.name}-outside/mod.py"
    assert _found(perflint(outside, cwd=tmp_path)) == {(outside, "PFL310")}
    assert _found(perflint("vendor/lib/gen/mod.py", cwd=tmp_path)) == set()  # excluded, even named
    _project(tmp_path, 'select = ["PFL310"]\nextend-exclude = ["vendor/"]')  # the parent can leave a folder out
    assert _found(perflint(".", cwd=tmp_path)) == {("app/mod.py", "PFL310")}


def test_config_option_governs_every_file(tmp_path: Path) -> None:
    write(tmp_path / "app" / "mod.py", SLOW + "\n\n" + QUEUE)
    write(tmp_path / "lib" / "mod.py", SLOW + "\n\n" + QUEUE)
    _project(tmp_path / "lib", 'select = ["PFL303"]')
    write(tmp_path / "shared.toml", '[tool.perflint]\nselect = ["PFL310"]\n')
    assert _found(perflint("--config", "shared.toml", ".", cwd=tmp_path)) == {("app/mod.py", "PFL310"), ("lib/mod.py", "PFL310")}


def test_a_bad_configuration_anywhere_is_one_line(tmp_path: Path) -> None:
    write(tmp_path / "app" / "mod.py", SLOW)
    write(tmp_path / "lib" / "mod.py", SLOW)
    _project(tmp_path / "lib", 'selekt = ["PFL303"]')
    result = perflint(".", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "lib" in result.stderr and "unknown key 'selekt'" in result.stderr


def test_a_command_line_select_starts_the_selection_afresh(tmp_path: Path) -> None:
    """As in Ruff: `--select` drops the file's `extend-select` and `ignore` (the rules to
    run are what the command line says), while `per-file-ignores` still hold."""
    for folder in ("top", "tests"):
        write(tmp_path / folder / "mod.py", SLOW + "\n\n" + QUEUE)
    _project(tmp_path, 'extend-select = ["PFL310"]\nignore = ["PFL303"]\nper-file-ignores = {"tests/*" = ["PFL303"]}')
    assert _found(perflint(".", cwd=tmp_path)) == {("top/mod.py", "PFL310"), ("tests/mod.py", "PFL310")}
    assert _found(perflint("--select", "PFL303", ".", cwd=tmp_path)) == {("top/mod.py", "PFL303")}
    added = perflint("--select", "PFL303", "--extend-select", "PFL310", "--ignore", "PFL303", ".", cwd=tmp_path)
    assert _found(added) == {("top/mod.py", "PFL310"), ("tests/mod.py", "PFL310")}


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ('selekt = ["PFL310"]', "unknown key 'selekt' (did you mean 'select'?)"),
        ('select = "PFL310"', "select: expected a list of strings"),
        ('ignore = ["PFL999"]', "'PFL999'"),
        ('per-file-ignores = {"a/*" = ["no-such-rule"]}', "'no-such-rule'"),
        ('target-version = "py27"', "target-version: invalid value 'py27'"),
        ('unsafe-fixes = "yes"', "unsafe-fixes: expected true or false"),
        ("select = [", "invalid TOML"),
    ],
)
def test_bad_configuration_is_one_line(tmp_path: Path, table: str, named: str) -> None:
    write(tmp_path / "mod.py", SLOW)
    _project(tmp_path, table)
    result = perflint("mod.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and named in result.stderr, result.stderr
    assert result.stderr.startswith("perflint: error: ") and "pyproject.toml" in result.stderr


def test_config_option_names_the_file(tmp_path: Path) -> None:
    write(tmp_path / "mod.py", SLOW)
    write(tmp_path / "conf" / "pyproject.toml", '[tool.perflint]\nselect = ["PFL310"]\nignore = ["in-dict-keys"]\n')
    assert perflint("--select", "PFL310", "mod.py", cwd=tmp_path).returncode == 1
    assert perflint("--config", "conf/pyproject.toml", "mod.py", cwd=tmp_path).returncode == 0
    missing = perflint("--config", "nope.toml", "mod.py", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.toml: no such file" in missing.stderr


def test_excludes_apply_to_named_files(tmp_path: Path) -> None:
    """pre-commit names every staged file: the configured excludes must still hold."""
    write(tmp_path / "gen" / "slow.py", SLOW)
    write(tmp_path / "vendored.py", SLOW)
    write(tmp_path / "own.py", SLOW)
    _project(tmp_path, 'select = ["PFL310"]\nextend-exclude = ["gen/", "vendored.py"]')
    result = perflint("gen/slow.py", "vendored.py", "own.py", cwd=tmp_path)
    assert _found(result) == {("own.py", "PFL310")}
    assert _found(perflint(".", cwd=tmp_path)) == {("own.py", "PFL310")}


def test_exclude_replaces_the_default_folders(tmp_path: Path) -> None:
    write(tmp_path / "build" / "slow.py", SLOW)
    write(tmp_path / "skip" / "slow.py", SLOW)
    _project(tmp_path, 'select = ["PFL310"]\nexclude = ["skip"]')
    assert _found(perflint(".", cwd=tmp_path)) == {("build/slow.py", "PFL310")}


def test_target_version_from_requires_python(tmp_path: Path) -> None:
    """PFL103 (try/except in a loop) only applies to targets before 3.11."""
    write(tmp_path / "mod.py", "def f(xs):\n    for x in xs:\n        try:\n            g(x)\n        except ValueError:\n            break\n")
    write(tmp_path / "pyproject.toml", '[project]\nname = "demo"\nrequires-python = ">=3.9"\n')
    assert _found(perflint("--select", "PFL103", "mod.py", cwd=tmp_path)) == {("mod.py", "PFL103")}
    write(tmp_path / "pyproject.toml", '[project]\nname = "demo"\nrequires-python = ">=3.9"\n[tool.perflint]\ntarget-version = "py311"\n')
    assert _found(perflint("--select", "PFL103", "mod.py", cwd=tmp_path)) == set()
    write(tmp_path / "pyproject.toml", '[project]\nname = "demo"\nrequires-python = ">=3.12"\n')
    assert _found(perflint("--select", "PFL103", "mod.py", cwd=tmp_path)) == set()
    assert _found(perflint("--select", "PFL103", "--target-version", "py310", "mod.py", cwd=tmp_path)) != set()


def test_unsafe_fixes_from_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "mod.py", QUEUE)
    _project(tmp_path, 'select = ["PFL303"]\nunsafe-fixes = true')
    perflint("--fix", "--no-unsafe-fixes", "mod.py", cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == QUEUE
    perflint("--fix", "mod.py", cwd=tmp_path)
    assert "queue.popleft()" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("spec", "target"),
    [
        (">=3.8", (3, 8)), (">=3.6", (3, 8)), (">=2.7,!=3.0.*", (3, 8)), (">= 3.10.1", (3, 10)),
        (">=3.10,<4", (3, 10)), ("~=3.11", (3, 11)), ("==3.9.*", (3, 9)), (">=3.99", (3, 14)),
        ("*", None), (None, None),
    ],
)
def test_oldest_python(spec: object, target: object) -> None:
    """Bounds below the oldest target perflint serves (3.8) give that target."""
    assert oldest_python(spec) == target


FIB = "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n"
LRU_CACHE = "@functools.lru_cache(maxsize=None)"


@pytest.mark.parametrize(
    ("pyproject", "options", "decorator"),
    [
        ('[project]\nname = "demo"\nrequires-python = ">=3.6"\n', (), LRU_CACHE),
        ('[project]\nname = "demo"\nrequires-python = ">=3.8"\n', (), LRU_CACHE),
        ('[tool.perflint]\ntarget-version = "py38"\n', (), LRU_CACHE),
        ('[project]\nname = "demo"\nrequires-python = ">=3.9"\n', ("--target-version", "py38"), LRU_CACHE),
        ('[project]\nname = "demo"\nrequires-python = ">=3.9"\n', (), "@functools.cache"),
    ],
)
def test_memoization_fix_uses_what_the_target_has(
    tmp_path: Path, pyproject: str, options: tuple[str, ...], decorator: str
) -> None:
    """`functools.cache` is new in 3.9: code that must run on 3.8 gets the same cache
    spelled `lru_cache(maxsize=None)`, in the fix and in the message."""
    path = write(tmp_path / "fib.py", FIB)
    write(tmp_path / "pyproject.toml", pyproject)
    check = perflint("--select", "PFL501", *options, "fib.py", cwd=tmp_path)
    assert f"memoize it with `{decorator}`" in check.stdout
    fixed = perflint("--select", "PFL501", "--fix", "--unsafe-fixes", *options, "fib.py", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert path.read_text(encoding="utf-8") == f"import functools\n\n\n{decorator}\n{FIB}"


def test_fast_code_passes_with_a_config(tmp_path: Path) -> None:
    write(tmp_path / "mod.py", FAST)
    _project(tmp_path, 'select = ["PFL"]')
    assert perflint(".", cwd=tmp_path).returncode == 0
