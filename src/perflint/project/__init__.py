"""The project around the files: `[tool.perflint]` configuration (`config`), which files
to analyze (`discovery`), the configuration that governs each file (`resolver`) and the
settings a run derives from them (`plan`).

It imports the engine (for the settings it fills in), never a face.
"""
