"""What a run reports by default: algorithmic findings where the data can grow; the rest
is held back, counted in the summary, and shown when selected or hot in a profile."""

from __future__ import annotations

import textwrap
from pathlib import Path

from cli_helpers import perflint, write

from perflint.analysis.context import FileContext
from perflint.engine.core import check_source, parse
from perflint.engine.selection import select_rules
from perflint.model import Bound

QUEUE = '''def drain(items):
    queue = list(items)
    while queue:
        queue.pop(0)
'''
JOIN = '''def names(xs):
    return ", ".join(x.name for x in xs)
'''
COLD_QUEUE = '''class Jobs:
    def __repr__(self):
        queue = list(self.items)
        parts = []
        while queue:
            parts.append(queue.pop(0))
        return str(parts)
'''


def test_default_run_reports_algorithmic_and_holds_back_constant(tmp_path: Path) -> None:
    write(tmp_path / "mod.py", QUEUE + "\n\n" + JOIN)
    result = perflint("--no-cache", "mod.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "PFL303" in result.stdout and "PFL204" not in result.stdout
    assert "1 finding not shown (1 constant-factor or data-dependent): run \"perflint profile -- <command>\"" in result.stdout


def test_held_back_findings_alone_exit_zero_and_are_not_fixed(tmp_path: Path) -> None:
    write(tmp_path / "mod.py", JOIN)
    assert perflint("--no-cache", "mod.py", cwd=tmp_path).returncode == 0
    perflint("--no-cache", "--fix", "mod.py", cwd=tmp_path)
    assert (tmp_path / "mod.py").read_text() == JOIN, "a finding that is not shown is not fixed"


def test_selected_rules_report_every_finding(tmp_path: Path) -> None:
    write(tmp_path / "mod.py", JOIN + "\n\n" + COLD_QUEUE)
    assert "PFL204" in perflint("--no-cache", "--select", "PFL204", "mod.py", cwd=tmp_path).stdout
    everything = perflint("--no-cache", "--select", "PFL", "mod.py", cwd=tmp_path).stdout
    assert "PFL204" in everything and "PFL303" in everything and "not shown" not in everything
    write(tmp_path / "pyproject.toml", '[tool.perflint]\nextend-select = ["join-generator"]\n')
    configured = perflint("--no-cache", "mod.py", cwd=tmp_path).stdout
    assert "PFL204" in configured and "PFL303" not in configured
    assert "1 finding not shown (1 in code that runs once" in configured


def test_json_carries_impact_and_bound(tmp_path: Path) -> None:
    write(tmp_path / "mod.py", COLD_QUEUE)
    out = perflint("--no-cache", "--select", "PFL303", "--output-format", "json", "mod.py", cwd=tmp_path).stdout
    assert '"impact": "algorithmic"' in out and '"bounded": "message"' in out


def _bound(source: str) -> Bound | None:
    [diagnostic] = check_source(source, "m.py", select_rules((3, 12), ["PFL303"]), (3, 12))
    return diagnostic.bounded


DRAIN = "queue = list(items)\nwhile queue:\n    queue.pop(0)\n"


def _inside(head: str, body: str = DRAIN, depth: int = 1) -> str:
    return head + textwrap.indent(body, "    " * depth)


def test_where_code_runs_once_or_to_report() -> None:
    assert _bound(_inside("def f(items):\n")) is None
    assert _bound(_inside("def __str__(items):\n")) is Bound.MESSAGE
    assert _bound(_inside("def main(items):\n")) is Bound.RUNS_ONCE
    assert _bound(_inside("@cli.command()\ndef sync(items):\n")) is Bound.RUNS_ONCE
    assert _bound(_inside("class A:\n    def __init_subclass__(items):\n", depth=2)) is Bound.RUNS_ONCE
    assert _bound(_inside("class Meta(type):\n    def __new__(items):\n", depth=2)) is Bound.RUNS_ONCE
    assert _bound(_inside("class A:\n    def __new__(items):\n", depth=2)) is None
    assert _bound(_inside('if __name__ == "__main__":\n    def f(items):\n', depth=2)) is Bound.RUNS_ONCE
    assert _bound(_inside("def f(items):\n    try:\n        pass\n    except OSError:\n", depth=2)) is Bound.ERROR_PATH
    logged = "queue = list(items)\nwhile queue:\n    log.debug(queue.pop(0))\n"
    assert _bound(_inside("def f(items, log):\n", logged)) is Bound.MESSAGE
    printed = logged.replace("log.debug(", "print(")
    assert _bound(_inside("def f(items):\n", printed)) is None, "print's arguments may do the work"


def test_a_definition_is_not_bounded_by_where_it_stands() -> None:
    module = parse("def fib(n):\n    return fib(n - 1) + fib(n - 2)\n")
    ctx = FileContext(module, (3, 12))
    function = module.body[0]
    ctx.ancestors[:] = [module, function]
    assert ctx.bound(function) is None
