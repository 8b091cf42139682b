"""The pre-commit hook, run by real pre-commit against a commit of this working tree.

pre-commit installs hooks from a git repository at a revision, so the test commits a copy
of the project (as it is now, uncommitted changes included) to a temporary repository and
points a temporary user project at it by local path and commit. Installing the hook's
environment fetches perflint's dependencies from the package index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from cli_helpers import FAST, SLOW, write

ROOT = Path(__file__).parent.parent
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com",
}


def _run(*command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def _git(*args: str, cwd: Path, env: dict) -> str:
    result = _run("git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args, cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _hook_repository(path: Path, env: dict) -> str:
    """Commit a copy of this project to `path`; returns the commit."""
    shutil.copytree(ROOT / "src", path / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, path / name)
    _git("init", "-q", cwd=path, env=env)
    _git("add", ".", cwd=path, env=env)
    _git("commit", "-q", "-m", "perflint", cwd=path, env=env)
    return _git("rev-parse", "HEAD", cwd=path, env=env)


def _configure(project: Path, repo: Path, rev: str, args: str, env: dict) -> None:
    write(
        project / ".pre-commit-config.yaml",
        f"repos:\n  - repo: {repo.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: perflint\n        args: [{args}]\n",
    )
    _git("add", ".", cwd=project, env=env)


def test_hook_fails_on_a_slow_pattern_fixes_it_and_then_passes(tmp_path: Path) -> None:
    env = {**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    repo, project = tmp_path / "perflint", tmp_path / "project"
    repo.mkdir()
    rev = _hook_repository(repo, env)
    _git("init", "-q", str(project), cwd=tmp_path, env=env)
    slow = write(project / "app" / "slow.py", SLOW)
    vendored = write(project / "vendored" / "lib.py", SLOW)
    write(project / "pyproject.toml", '[tool.perflint]\nselect = ["PFL310"]\nextend-exclude = ["vendored/"]\n')
    pre_commit = (sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never")

    _configure(project, repo, rev, "", env)
    failed = _run(*pre_commit, cwd=project, env=env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "app/slow.py:4:12: PFL310" in failed.stdout
    assert "vendored" not in failed.stdout  # named by pre-commit, excluded by the configuration
    assert slow.read_text(encoding="utf-8") == SLOW

    _configure(project, repo, rev, "--fix", env)
    fixed = _run(*pre_commit, cwd=project, env=env)
    assert fixed.returncode == 1  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in fixed.stdout
    assert slow.read_text(encoding="utf-8") == FAST
    assert vendored.read_text(encoding="utf-8") == SLOW

    _git("add", ".", cwd=project, env=env)
    passed = _run(*pre_commit, cwd=project, env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
