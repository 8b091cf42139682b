"""The rules, one family per folder, and what they are written with: the base class and
registry (`base`) and the builders of their fixes (`rewrite`); what triage needs of each
rule is declared on its class (`Rule.needs`). Importing the package imports no rule: `rules.families` registers them all.

Rules import `perflint.analysis`, `perflint.measure` and `perflint.model`, never the engine
that runs them (tests/test_layers.py checks the direction).
"""
