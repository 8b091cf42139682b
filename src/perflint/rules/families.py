"""Importing this module registers every rule: it imports each family (`Rule`, in
`rules.base`, imports it when asked for the rules, so the base class comes without them)."""

from perflint.rules import (  # noqa: F401
    caching,
    comprehensions,
    containers,
    io_async,
    loops,
    regex,
    sequences,
    strings,
    vectorization,
)
