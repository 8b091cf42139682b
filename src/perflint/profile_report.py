"""`check --profile`: findings ranked by the share of run time the profile gives them.

Kept apart from `output` so the formats stay as they are without a profile; with one, a
text line ends with the finding's share (`[12.4% of run time, 3,210 calls]`) and each
JSON finding carries a `profile` object with the numbers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from perflint import hotspots, output, profiles
from perflint.runner import FileResult

FORMATS = ("text", "json")  # the output formats that show the profile's numbers


class ShareError(ValueError):
    """A --min-share value that is not a percentage."""


def parse_share(text: str) -> float:
    """`1%`, `1` or `0.5%` (a percentage) as a fraction of run time."""
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        raise ShareError(f"--min-share expects a percentage such as 1% (got '{text}')") from None
    if not 0 <= value <= 100:
        raise ShareError(f"--min-share must be between 0% and 100% (got '{text}')")
    return value / 100


@dataclass(frozen=True)
class ProfileView:
    profile: profiles.Profile
    min_share: float = 0.0

    def lines(self, results: Sequence[FileResult], unsafe: bool, fmt: str, quiet: bool) -> list[str]:
        diagnostics = [d for r in results for d in r.diagnostics]
        ranked = hotspots.rank(diagnostics, self.profile, [r.path for r in results], self.min_share)
        if fmt == "json":
            return [self._json(results, ranked)]
        absent = self.profile.absent
        lines = [f"{output.text_line(d, unsafe)}  [{hotspots.describe(heat, absent)}]" for d, heat in ranked]
        if not quiet:
            hidden = len(diagnostics) - len(ranked)
            if hidden:
                lines.append(f"{hidden} colder finding{'s' if hidden != 1 else ''} hidden by --min-share.")
            lines.append(output.summary(diagnostics, unsafe))
        return lines

    def _json(self, results: Sequence[FileResult], ranked: Sequence[tuple[Any, Any]]) -> str:
        rows = {
            id(d): {**output.as_dict(d, r.fix_edits.get(i)), "profile": None}
            for r in results for i, d in enumerate(r.diagnostics)
        }
        for diagnostic, heat in ranked:
            rows[id(diagnostic)]["profile"] = hotspots.as_dict(heat)
        return json.dumps([rows[id(d)] for d, _ in ranked], indent=2)
