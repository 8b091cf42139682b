"""One version of a document, analyzed, and its findings as LSP diagnostics.

The analysis is the command line's (`runner.run_source` with the file's settings), so an
editor shows what `perflint FILE` reports. A finding's fix edits and the text with every
fix applied cost a transformation each, so they are computed only when a code action
asks for them, once per version of the document.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Optional

from lsprotocol import types

from perflint.docs import explain_text
from perflint.engine.edits import TextEdit
from perflint.engine.runner import FileResult, run_source
from perflint.faces.hotspots import Heat
from perflint.faces.lsp.positions import Document
from perflint.faces.lsp.project import Context

SOURCE = "perflint"


@dataclass
class Analysis:
    uri: str
    version: Optional[int]
    text: str
    context: Context
    result: FileResult
    heats: List[Optional[Heat]]  # of each reported finding, when there is a profile
    _fix_edits: Optional[Dict[int, List[TextEdit]]] = field(default=None, repr=False)
    _fixed: Optional[str] = field(default=None, repr=False)

    def fix_edits(self) -> Dict[int, List[TextEdit]]:
        """The edits of each reported finding's fix, by the finding's index (safe and
        unsafe ones: `--output-format json` gives the same)."""
        if self._fix_edits is None:
            described, _ = run_source(self.text, self.context.path, replace(self.context.settings, describe_fixes=True))
            self._fix_edits = described.fix_edits
        return self._fix_edits

    def fixed(self) -> str:
        """The text with the fixes `perflint --fix` would apply (unsafe ones too where
        the configuration sets `unsafe-fixes`)."""
        if self._fixed is None:
            _, self._fixed = run_source(self.text, self.context.path, replace(self.context.settings, fix=True))
        return self._fixed


def analyze(uri: str, version: Optional[int], text: str, context: Context) -> Analysis:
    """Run the rules on one version of a document (nothing for an excluded file)."""
    if context.excluded:
        return Analysis(uri, version, text, context, FileResult(context.path), [])
    result, _ = run_source(text, context.path, context.settings)
    heats: List[Optional[Heat]] = []
    if context.profile is not None:
        ranked = {id(d): heat for d, heat in context.profile.ranked([result], {context.path: text})}
        heats = [ranked.get(id(d)) for d in result.diagnostics]
    return Analysis(uri, version, text, context, result, heats)


class RuleDocs:
    """`perflint explain` of the rules an editor shows: the hover text, and the file a
    diagnostic's code links to.

    perflint's documentation is generated from the rules it ships, with the speedups
    measured for them, so no web page says the same as the installed version; the link
    is a text file of `explain` written on first use into a folder of this session,
    which the editor opens like any file.
    """

    def __init__(self) -> None:
        self._folder: Optional[tempfile.TemporaryDirectory[str]] = None
        self._uris: Dict[str, str] = {}

    def text(self, code: str) -> str:
        return explain_text(code) or ""

    def uri(self, code: str) -> str:
        if code not in self._uris:
            if self._folder is None:
                self._folder = tempfile.TemporaryDirectory(prefix="perflint-docs-")
            path = Path(self._folder.name, f"{code}.txt")
            path.write_text(self.text(code), encoding="utf-8")
            self._uris[code] = path.as_uri()
        return self._uris[code]

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder, self._uris = None, {}


def diagnostics(analysis: Analysis, document: Document, docs: RuleDocs) -> List[types.Diagnostic]:
    """The reported findings, in the order perflint reports them."""
    return [diagnostic(analysis, index, document, docs) for index in range(len(analysis.result.diagnostics))]


def diagnostic(analysis: Analysis, index: int, document: Document, docs: RuleDocs) -> types.Diagnostic:
    """A finding as the editor shows it. With a profile, its message ends with what the
    profile says of it (`[12.4% of run time, ...; est. saving ...]`) and only findings at
    or above the `minShare` setting are warnings; the colder ones are hints."""
    found = analysis.result.diagnostics[index]
    message, severity = found.message, types.DiagnosticSeverity.Warning
    view = analysis.context.profile
    if view is not None:
        heat = analysis.heats[index]
        message += f"  [{view.annotation(found, heat)}]"
        hot = heat is not None and heat.share is not None and heat.share >= analysis.context.min_share
        severity = types.DiagnosticSeverity.Warning if hot else types.DiagnosticSeverity.Hint
    return types.Diagnostic(
        range=document.range(found.line, found.column, found.end_line, found.end_column),
        message=message,
        severity=severity,
        code=found.code,
        code_description=types.CodeDescription(href=docs.uri(found.code)),
        source=SOURCE,
    )
