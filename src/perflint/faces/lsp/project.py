"""What the workspace says about one file: its configuration, and a saved profile.

Both are read from disk for each analysis, as the command line would read them for that
file: the nearest `pyproject.toml` from the file's folder, and the profile the editor's
settings name (`perflint.prof` in the workspace folder unless they name another, as
`perflint profile --save-profile perflint.prof -- COMMAND` writes it). A profile is parsed
again only when the file changed, since a large one takes a while. With a profile, the
editor shows what it ranks, as `perflint --profile FILE` does: every finding of the
selected rules, the hot ones as warnings; without one, what the default report shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple

from perflint.engine.policy import Policy, default_policy
from perflint.engine.runner import Settings
from perflint.engine.selection import running_target
from perflint.faces.profile_report import ProfileView, ShareError, parse_share
from perflint.measure import profiles
from perflint.project.config import Config, ConfigError, load
from perflint.project.discovery import discover

DEFAULT_PROFILE = "perflint.prof"
DEFAULT_MIN_SHARE = "1%"


class ProjectError(ValueError):
    """A mistake in the configuration or the editor's settings, in one line."""


@dataclass(frozen=True)
class Options:
    """The editor's settings for the server (its `initializationOptions`)."""

    profile: str = DEFAULT_PROFILE  # relative to the workspace folder
    min_share: float = parse_share(DEFAULT_MIN_SHARE)  # hotter findings are warnings

    @classmethod
    def parse(cls, raw: object) -> Options:
        """`{"profile": "prof.out", "minShare": "2%"}`; None or {} for the defaults."""
        if raw is None:
            return cls()
        if not isinstance(raw, Mapping):
            raise ProjectError(f"perflint: initializationOptions must be an object, got {raw!r}")
        unknown = sorted(set(raw) - {"profile", "minShare"})
        if unknown:
            raise ProjectError(f"perflint: unknown initializationOptions key '{unknown[0]}' (known keys: profile, minShare)")
        profile = raw.get("profile", DEFAULT_PROFILE)
        if not isinstance(profile, str) or not profile:
            raise ProjectError(f"perflint: initializationOptions profile: expected a file name, got {profile!r}")
        try:
            share = parse_share(str(raw.get("minShare", DEFAULT_MIN_SHARE)))
        except ShareError as error:
            raise ProjectError(f"perflint: initializationOptions minShare: {error}") from None
        return cls(profile, share)


@dataclass(frozen=True)
class Context:
    """How to analyze one file, and what to tell the user about it."""

    path: str  # where the findings are placed (the file, or a name for an unsaved buffer)
    config: Config
    settings: Settings
    profile: Optional[ProfileView] = None
    min_share: float = 0.0
    excluded: bool = False  # by the configuration's `exclude`: nothing is reported
    warnings: Tuple[str, ...] = field(default=())  # a profile that cannot be read


_Loaded = Tuple[Optional[profiles.Profile], Tuple[str, ...]]  # the profile, or why there is none


class Project:
    """Reads configuration and profiles for the files of one editor session."""

    def __init__(self, options: Options = Options()) -> None:
        self.options = options
        self._profiles: Dict[Path, Tuple[Tuple[int, int], _Loaded]] = {}

    def context(self, path: Path, folder: Path) -> Context:
        """The settings for `path` (which need not exist), in the workspace `folder`.
        Raises ProjectError for a configuration mistake."""
        try:
            config = load(start=path.parent)
            target = config.target(running_target())
            rules = config.rules_for(config.rules(target), path)
            explicit = config.explicit()
        except ConfigError as error:
            raise ProjectError(str(error)) from None
        profile, warnings = self._profile(folder / self.options.profile)
        view = ProfileView(profile, target) if profile is not None else None
        # A profile measures what is hot, whatever the rule: it replaces the default policy.
        policy = Policy() if view is not None else default_policy(target, explicit)
        settings = Settings(
            rules, target, unsafe_fixes=config.unsafe_fixes, policy=policy, line_length=config.line_length,
        )
        excluded = path.is_file() and not any(discover([path], lambda _folder: (config.excluded, config.skipped_dirs)))
        return Context(str(path), config, settings, view, self.options.min_share, excluded, warnings)

    def _profile(self, path: Path) -> _Loaded:
        """The profile at `path`, None if there is none or (with why) if it cannot be read."""
        try:
            stat = path.stat()
        except OSError:
            self._profiles.pop(path, None)
            return None, ()
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._profiles.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        loaded: _Loaded
        try:
            loaded = profiles.from_file(str(path)), ()  # never a pickle: .lprof needs --allow-pickle
        except profiles.ProfileError as error:
            loaded = None, (str(error),)
        self._profiles[path] = (key, loaded)
        return loaded
