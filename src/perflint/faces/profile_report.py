"""Findings ranked by the share of run time a profile gives them (`check --profile`,
`perflint profile`), each with an estimated saving.

Kept apart from `output` so the formats stay as they are without a profile; with one, a
text line ends with the finding's share and what fixing it would save
(`[12.4% of run time, 3,210 calls; est. saving 11.7% (18.5x on CPython 3.12.1)]`), and
each JSON finding carries a `profile` object with the numbers.

The estimated saving is share x (1 - 1/speedup): the fix makes the finding's code
`speedup` times faster, with the speedup of the rule's pair measured on the interpreter
in question, or on the measured one closest to it, which is named. The pair's own case
is used, or its "comprehension" case for a finding inside a comprehension.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from perflint.engine.runner import FileResult
from perflint.faces import hotspots, output
from perflint.measure import profiles, speedups
from perflint.model import Diagnostic

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
class Saving:
    """What fixing a finding would save of the whole run, by its rule's measured speedup."""

    share: float
    speedup: float
    interpreter: str


def saving(code: str, heat: hotspots.Heat | None, version: speedups.Version) -> Saving | None:
    """None when the profile never ran the finding's code or the rule was never measured."""
    if heat is None or heat.share is None:
        return None
    from perflint.rules.base import all_rules  # the pairs live on the rule classes

    rule = next(r for r in all_rules() if r.code == code)
    figures = speedups.nearest(rule, version, speedups.load())
    timing = None
    if figures is not None:
        inside = heat.innermost in hotspots.COMPREHENSIONS and figures.case("comprehension") is not None
        timing = figures.case("comprehension" if inside else "")
    if figures is None or timing is None or not timing.speedup:
        return None
    return Saving(heat.share * (1 - 1 / timing.speedup), timing.speedup, figures.interpreter)


def describe_saving(found: Saving | None) -> str:
    if found is None:
        return "saving not measured"
    measured = f"{found.speedup:.3g}x on {found.interpreter}"
    if found.share <= 0:
        return f"no saving ({measured})"
    return f"est. saving {found.share * 100:.1f}% ({measured})"


@dataclass(frozen=True)
class ProfileView:
    profile: profiles.Profile
    version: speedups.Version  # the interpreter whose measured speedups estimate the savings
    min_share: float = 0.0

    def ranked(
        self, results: Sequence[FileResult], sources: Mapping[str, str] | None = None
    ) -> list[tuple[Any, hotspots.Heat | None]]:
        """The findings shown: hottest first, none under `min_share` (`sources`: the text
        of files analyzed from text not on disk, see `hotspots.rank`)."""
        diagnostics = [d for r in results for d in r.diagnostics]
        return hotspots.rank(diagnostics, self.profile, [r.path for r in results], self.min_share, sources)

    def annotation(self, diagnostic: Diagnostic, heat: hotspots.Heat | None) -> str:
        """`12.4% of run time, 3,210 calls; est. saving 11.7% (18.5x on CPython 3.12.1)`,
        or what the profile says of code it never ran."""
        if heat is None or heat.share is None:
            return hotspots.describe(heat, self.profile.absent)
        return f"{hotspots.describe(heat, self.profile.absent)}; {describe_saving(saving(diagnostic.code, heat, self.version))}"

    def lines(self, results: Sequence[FileResult], unsafe: bool, fmt: str, quiet: bool) -> list[str]:
        diagnostics = [d for r in results for d in r.diagnostics]
        ranked = self.ranked(results)
        if fmt == "json":
            return [self._json(results, ranked)]
        lines = [f"{output.text_line(d, unsafe)}  [{self.annotation(d, heat)}]" for d, heat in ranked]
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
            numbers = hotspots.as_dict(heat)
            if numbers is not None:
                found = saving(diagnostic.code, heat, self.version)
                numbers["saving"] = None if found is None else round(found.share, 6)
                numbers["speedup"] = None if found is None else found.speedup
                numbers["speedup_interpreter"] = None if found is None else found.interpreter
            rows[id(diagnostic)]["profile"] = numbers
        return json.dumps([rows[id(d)] for d, _ in ranked], indent=2)
