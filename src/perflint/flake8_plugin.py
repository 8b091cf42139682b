"""The flake8 face: the same engine, rules and `[tool.perflint]` configuration as the CLI.

flake8 runs a plugin once per file only if it takes `tree`, so the plugin takes it (and
ignores it: libcst parses `lines` itself). flake8 applies `# noqa`, `--select`/`--ignore`
and its own per-file-ignores; the plugin applies what flake8 cannot know: `[tool.perflint]`
(target version, rule selection, per-file-ignores), `# perflint: noqa` and which findings
are worth reporting (`policy`: the same defaults as the command line). Opt-in rules
stay off unless flake8's `--select`/`--extend-select` names them by their code (a prefix
such as `PFL` only turns the plugin on), and then they run here too. Only flake8 imports this module, so perflint does
not depend on flake8.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from flake8.exceptions import ExecutionError
from flake8.options.manager import OptionManager

from perflint import __version__
from perflint.catalog import RULES
from perflint.config import Config, ConfigError, load
from perflint.policy import default_policy
from perflint.runner import Settings, run_source
from perflint.selection import running_target

Error = tuple[int, int, str, type]


class Plugin:
    name = "perflint"
    version = __version__

    config: ClassVar[Config | None] = None
    settings: ClassVar[Settings | None] = None

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        self.lines = lines
        self.filename = filename

    @staticmethod
    def add_options(manager: OptionManager) -> None:
        manager.extend_default_ignore([rule.code for rule in RULES if not rule.default_on])

    @classmethod
    def parse_options(cls, options: Any) -> None:
        """Read `[tool.perflint]` once; enable the opt-in rules flake8 selects by code
        (`--select PFL` turns the plugin on, as for any flake8 plugin, and means the
        same rules and findings as `perflint` with no selection)."""
        explicit = {*(options.select or ()), *(options.extend_select or ())}
        opted_in = [rule.code for rule in RULES if not rule.default_on and rule.code in explicit]
        try:
            config = load().with_overrides(extend_select=opted_in)
            target = config.target(running_target())
            policy = default_policy(target, config.explicit())
            settings = Settings(config.rules(target), target, inline_noqa=False, policy=policy)
        except ConfigError as error:
            raise ExecutionError(f"perflint: {error}") from None
        cls.config, cls.settings = config, settings

    def run(self) -> Iterator[Error]:
        if self.config is None or self.settings is None:  # flake8 always calls parse_options first
            raise ExecutionError("perflint: options were not parsed")
        rules = self.config.rules_for(self.settings.rules, Path(self.filename))
        result, _ = run_source("".join(self.lines), self.filename, replace(self.settings, rules=rules))
        # A file perflint cannot parse is flake8's E999 to report, not ours.
        for diagnostic in result.diagnostics:
            yield diagnostic.line, diagnostic.column, f"{diagnostic.code} {diagnostic.message}", type(self)
