"""PFL501-PFL503: caching and memory.

Caches trade memory for time and keep their keys alive, so these rules fire only where
the trade is visible in the code: a pure-looking function recomputing the same calls
(PFL501), a cache holding every `self` it has seen (PFL502), and dataclass instances
carrying a `__dict__` they do not need (PFL503).
"""

from perflint.rules.caching import (  # noqa: F401  (registers the rules)
    cache_on_method,
    dataclass_without_slots,
    missing_memoization,
)
