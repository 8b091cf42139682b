"""The settings each file is checked with, from the configuration that governs it.

Files governed by the same configuration (`resolver`) share one `Settings`, built once;
each file's `per-file-ignores` then turn rules off for it alone.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, List, Optional

from perflint.catalog import RULES, RuleInfo
from perflint.engine.runner import Settings
from perflint.project.config import Config
from perflint.project.resolver import Resolver


class Plan:
    def __init__(self, resolver: Resolver, make: Callable[[Config], Settings]) -> None:
        self.resolver = resolver
        self._make = make
        self._settings: Dict[Optional[Path], Settings] = {}  # by configuration file

    @property
    def base(self) -> Settings:
        """The settings of the current directory's configuration (summaries, profiles)."""
        return self.of(self.resolver.base)

    def of(self, config: Config) -> Settings:
        found = self._settings.get(config.path)
        if found is None:
            found = self._settings[config.path] = self._make(config)
        return found

    def for_file(self, path: Path) -> Settings:
        config = self.resolver.for_file(path)
        settings = self.of(config)
        return replace(settings, rules=config.rules_for(settings.rules, path))

    def rules(self) -> List[RuleInfo]:
        """Every rule some configuration of the run enables, in code order."""
        enabled = {rule.code for settings in self._settings.values() for rule in settings.rules}
        return [rule for rule in RULES if rule.code in enabled]
