"""The flake8 face: the same engine, rules and `[tool.perflint]` configuration as the CLI.

flake8 runs a plugin once per file only if it takes `tree`, so the plugin takes it, and
triage reads its facts off that tree instead of parsing again (libcst parses `lines`
only where some rule may fire). flake8 applies `# noqa`, `--select`/`--ignore`
and its own per-file-ignores; the plugin applies what flake8 cannot know: each file's
`[tool.perflint]` (found next to the file, as the command finds it: target version, rule
selection, per-file-ignores), `# perflint: noqa` and which findings are worth reporting
(`policy`: the same defaults as the command line). So `flake8 --select PFL` (or plain
`flake8`, which selects every plugin) runs exactly the rules `perflint` runs for that
configuration: a prefix such as `PFL` only turns the plugin on. An opt-in rule the
configuration leaves off runs when flake8's `--select`/`--extend-select` names it by its
code or its name. Only flake8 imports this module, so perflint does not depend on flake8.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from flake8.exceptions import ExecutionError

from perflint import __version__
from perflint.catalog import RULES
from perflint.engine.policy import default_policy
from perflint.engine.runner import Settings, run_source
from perflint.engine.selection import running_target
from perflint.project.config import Config, ConfigError
from perflint.project.plan import Plan
from perflint.project.resolver import Resolver

Error = tuple[int, int, str, type]


class Plugin:
    name = "perflint"
    version = __version__

    plan: ClassVar[Plan | None] = None

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        self.tree = tree if isinstance(tree, ast.Module) else None
        self.lines = lines
        self.filename = filename

    @classmethod
    def parse_options(cls, options: Any) -> None:
        """Enable the opt-in rules flake8's options name by code or name (`--select PFL`
        turns the plugin on, as for any flake8 plugin, and means the same rules and
        findings as `perflint` with no selection)."""
        named = {selector.strip() for selector in (*(options.select or ()), *(options.extend_select or ()))}
        opted_in = [rule.code for rule in RULES if not rule.default_on and named & {rule.code, rule.name}]

        def settings(config: Config) -> Settings:
            target = config.target(running_target())
            policy = default_policy(target, config.explicit())
            return Settings(config.rules(target), target, inline_noqa=False, policy=policy)

        try:
            resolver = Resolver(None, lambda config: config.with_overrides(extend_select=opted_in))
        except ConfigError as error:
            raise ExecutionError(f"perflint: {error}") from None
        cls.plan = Plan(resolver, settings)

    def run(self) -> Iterator[Error]:
        if self.plan is None:  # flake8 always calls parse_options first
            raise ExecutionError("perflint: options were not parsed")
        try:
            settings = self.plan.for_file(Path(self.filename))
        except ConfigError as error:
            raise ExecutionError(f"perflint: {error}") from None
        result, _ = run_source("".join(self.lines), self.filename, settings, tree=self.tree)
        # A file perflint cannot parse is flake8's E999 to report, not ours.
        for diagnostic in result.diagnostics:
            yield diagnostic.line, diagnostic.column, f"{diagnostic.code} {diagnostic.message}", type(self)
