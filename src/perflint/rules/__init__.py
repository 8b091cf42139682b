"""The rule families. Importing this package registers every rule."""

from perflint.rules import loops, strings, structures  # noqa: F401
