"""Code actions on a document's findings: apply one fix, fix all in the file, add `# noqa`.

A finding's fix is offered whether it is safe or unsafe; an unsafe one says so in its
title, and only a safe one is the preferred action (what an editor's "auto fix" applies).
"Fix all" applies what `perflint --fix` would, with the file's configuration. Its edit
costs a transformation per fixable finding, so an editor that can resolve code actions
gets it without the edit, which is computed when the user picks it (`resolve`).
"""

from __future__ import annotations

from typing import List, Optional, Sequence

from lsprotocol import types

from perflint.engine.edits import TextEdit, between
from perflint.engine.noqa import add_noqa
from perflint.faces.lsp.findings import Analysis, RuleDocs, diagnostic
from perflint.faces.lsp.positions import Document, Point
from perflint.model import Applicability, Diagnostic

FIX_ALL = types.CodeActionKind.SourceFixAll + ".perflint"  # kinds are strings: `source.fixAll.perflint`
KINDS = (types.CodeActionKind.QuickFix, FIX_ALL)


def wanted(kind: str, only: Optional[Sequence[str]]) -> bool:
    """Whether the client asked for actions of this kind (`only` lists kinds or their
    parents: `source` covers `source.fixAll.perflint`)."""
    return only is None or any(kind == parent or kind.startswith(parent + ".") for parent in only)


class Actions:
    """The code actions of one analyzed document, as one client wants them."""

    def __init__(self, analysis: Analysis, document: Document, docs: RuleDocs, versioned: bool) -> None:
        self.analysis, self.document, self.docs, self.versioned = analysis, document, docs, versioned

    def at(self, where: types.Range, only: Optional[Sequence[str]], resolvable: bool) -> List[types.CodeAction]:
        """The actions for the findings touching `where`, then "fix all" for the file."""
        found: List[types.CodeAction] = []
        if wanted(types.CodeActionKind.QuickFix, only):
            start, end = self.document.point(where.start), self.document.point(where.end)
            touching = [i for i, d in enumerate(self.analysis.result.diagnostics) if _touches(d, start, end)]
            edits = self.analysis.fix_edits() if any(_fixable(self.analysis.result.diagnostics[i]) for i in touching) else {}
            for index in touching:
                if index in edits:
                    found.append(self._fix(index, edits[index]))
                found.append(self._noqa(index))
        if wanted(FIX_ALL, only) and self._fixes_all():
            found.append(self._fix_all(resolvable))
        return found

    def resolve(self, action: types.CodeAction) -> types.CodeAction:
        """`action` ("fix all", from `at`) with its edit, if the document is still at
        the version it was offered for."""
        data = action.data if isinstance(action.data, dict) else {}
        if action.kind == FIX_ALL and data.get("version") == self.analysis.version:
            action.edit = self._edit(between(self.analysis.text, self.analysis.fixed()))
        return action

    def _fix(self, index: int, edits: List[TextEdit]) -> types.CodeAction:
        finding = self.analysis.result.diagnostics[index]
        safe = finding.fix_applicability is Applicability.SAFE
        what = finding.fix.description if finding.fix is not None and finding.fix.description else f"fix {finding.name}"
        label = "" if safe else f" [unsafe fix: may change behaviour, see `perflint explain {finding.code}`]"
        return types.CodeAction(
            title=f"perflint ({finding.code}): {what}{label}",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[self._diagnostic(index)],
            is_preferred=safe,
            edit=self._edit(edits),
        )

    def _noqa(self, index: int) -> types.CodeAction:
        finding = self.analysis.result.diagnostics[index]
        silenced, _ = add_noqa(self.analysis.text, [finding])
        return types.CodeAction(
            title=f"perflint ({finding.code}): add `# noqa: {finding.code}`",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[self._diagnostic(index)],
            edit=self._edit(between(self.analysis.text, silenced)),
        )

    def _fixes_all(self) -> bool:
        unsafe = self.analysis.context.settings.unsafe_fixes
        return any(_fixable(d, unsafe) for d in self.analysis.result.diagnostics)

    def _fix_all(self, resolvable: bool) -> types.CodeAction:
        unsafe = self.analysis.context.settings.unsafe_fixes
        action = types.CodeAction(
            title="perflint: fix all findings (unsafe fixes too, as `unsafe-fixes` is set)" if unsafe
            else "perflint: fix all safely fixable findings",
            kind=FIX_ALL,
            data={"uri": self.analysis.uri, "version": self.analysis.version},
        )
        return action if resolvable else self.resolve(action)

    def _diagnostic(self, index: int) -> types.Diagnostic:
        return diagnostic(self.analysis, index, self.document, self.docs)

    def _edit(self, edits: List[TextEdit]) -> types.WorkspaceEdit:
        """The edits of this document; with a version when the client checks it, so an
        edit made for an older text is refused instead of applied in the wrong place."""
        changes = [
            types.TextEdit(range=self.document.range(e.line, e.column, e.end_line, e.end_column), new_text=e.content)
            for e in edits
        ]
        uri = self.analysis.uri
        if not self.versioned:
            return types.WorkspaceEdit(changes={uri: changes})
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=self.analysis.version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=document, edits=changes)])


def _touches(finding: Diagnostic, start: Point, end: Point) -> bool:
    return (finding.line, finding.column) <= end and start <= (finding.end_line, finding.end_column)


def _fixable(finding: Diagnostic, unsafe: bool = True) -> bool:
    kind = finding.fix_applicability
    return kind is Applicability.SAFE or (unsafe and kind is Applicability.UNSAFE)
