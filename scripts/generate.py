"""Regenerate the parts of the repository that are derived from the rules themselves.

    python scripts/generate.py

Each generated part sits between two marker lines: the README's rule table, and the
rule catalog that lets the command line select rules without importing libcst. Run it
after changing a rule; a test fails while anything is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, List, Tuple

ROOT = Path(__file__).resolve().parent.parent


def _rule_table() -> str:
    from perflint.docs import markdown_table

    return markdown_table()


def _catalog() -> str:
    from perflint.rules.base import all_rules

    rows = [
        f"    RuleInfo({r.code!r}, {r.name!r}, {r.default_on!r}, {r.min_target!r}, {r.below_target!r}, "
        f"{r.impact.value!r}, {r.reads_class!r},\n        {r.needs!r}),\n"
        for r in all_rules()
    ]
    return "RULES: Tuple[RuleInfo, ...] = (\n" + "".join(rows) + ")\n"


# (file, start marker, end marker, what goes between them)
GENERATED: List[Tuple[Path, str, str, Callable[[], str]]] = [
    (ROOT / "README.md", "<!-- rules:start -->", "<!-- rules:end -->", _rule_table),
    (ROOT / "src" / "perflint" / "catalog.py", "# generated:start", "# generated:end", _catalog),
]


def render(text: str, start: str, end: str, produce: Callable[[], str]) -> str:
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{produce()}{end}{tail}"


def main() -> int:
    for path, start, end, produce in GENERATED:
        text = path.read_text(encoding="utf-8")
        updated = render(text, start, end, produce)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            print(f"{path.relative_to(ROOT)} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
