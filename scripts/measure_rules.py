"""Time every rule's before/after pair and store the results for the docs.

Run `python scripts/measure_rules.py` (every rule) or `python scripts/measure_rules.py
PFL301 PFL4` (only those, keeping the other stored timings) on a quiet machine, then
`python scripts/generate.py`. The docs show a rule's speedup only while its stored
fingerprint matches its current pair, so a changed pair shows "not measured" until it is
measured again. Exit status 1 if a pair fails or disagrees (nothing is stored for it).
"""

from __future__ import annotations

import json
import sys

from perflint import bench


def main(selectors: list[str]) -> int:
    measured = bench.load_measured()
    failed = False
    for rule in bench.select(selectors):
        outcome = bench.measure(rule)
        if outcome.error:
            print(f"{rule.code}: error: {outcome.error}", file=sys.stderr)
            failed = True
        elif outcome.skipped:
            print(f"{rule.code}: skipped ({outcome.skipped}); stored timings kept")
        else:
            measured[rule.code] = bench.as_entry(outcome)
            print(f"{rule.code}: " + ", ".join([f"{t.speedup:.2f}x" for t in outcome.timings]))
    bench.MEASURED.write_text(json.dumps(dict(sorted(measured.items())), indent=1) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
