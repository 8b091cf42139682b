"""`perflint server`: the Language Server, over stdio, on pygls.

Diagnostics are published when a document opens, when it is saved, and 0.3 s after the
last of a burst of changes (typing would otherwise start an analysis per keystroke). An
analysis runs in a worker thread, one at a time, so the server keeps reading messages
(a newer change, a cancellation) while libcst parses; a result made for a version that
has since changed is not published. Documents are synchronized whole (each change sends
the text): pygls applies incremental changes to lines split by `str.splitlines`, which
splits at form feeds too, and would put the change in the wrong place in such files.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Set, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from perflint import __version__
from perflint.faces.lsp import actions, findings
from perflint.faces.lsp.positions import Document
from perflint.faces.lsp.project import Options, Project, ProjectError
from perflint.project.discovery import SUFFIXES

DEBOUNCE = 0.3  # seconds without a change before a changed document is analyzed again
T = TypeVar("T")


class PerflintServer(LanguageServer):
    """The analyses of the open documents, and the work under way for them."""

    def __init__(self) -> None:
        super().__init__("perflint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.project = Project()
        self.docs = findings.RuleDocs()
        self.analyses: Dict[str, findings.Analysis] = {}
        self.pending: Dict[str, asyncio.Task[None]] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="perflint-analysis")
        self._told: Set[str] = set()

    def tell(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """Show a problem once per session (every analysis would meet it again)."""
        if message not in self._told:
            self._told.add(message)
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    async def analysis(self, uri: str) -> Optional[findings.Analysis]:
        """The analysis of the document as it is now, made if it is not there yet; None
        for a document that is not open Python, or whose configuration is wrong."""
        if uri not in self.workspace.text_documents:
            return None
        text_document = self.workspace.get_text_document(uri)
        stored = self.analyses.get(uri)
        if stored is not None and stored.version == text_document.version and stored.text == text_document.source:
            return stored
        path, folder = self._place(uri)
        if text_document.language_id != "python" and not path.name.endswith(SUFFIXES):
            return None
        try:
            context = self.project.context(path, folder)
        except ProjectError as error:
            self.tell(str(error))
            return None
        for warning in context.warnings:
            self.tell(f"perflint: the profile is not used: {warning}", types.MessageType.Warning)
        text, version = text_document.source, text_document.version
        loop = asyncio.get_running_loop()
        made = await loop.run_in_executor(self.worker, findings.analyze, uri, version, text, context)
        current = self.workspace.text_documents.get(uri)
        if current is not None and current.version == version and current.source == text:
            self.analyses[uri] = made
        return made

    async def refresh(self, uri: str) -> None:
        """Analyze the document and publish its findings, unless it changed meanwhile."""
        made = await self.analysis(uri)
        if self.analyses.get(uri) is not made and made is not None:
            return  # a newer version is on its way
        shown = findings.diagnostics(made, self.document_of(made), self.docs) if made is not None else []
        version = made.version if made is not None else None
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=shown, version=version))

    def document_of(self, made: findings.Analysis) -> Document:
        return Document(made.text, self.workspace.position_encoding or "utf-16")

    def later(self, uri: str) -> None:
        """Refresh the document once it has not changed for `DEBOUNCE` seconds."""
        self.cancel(uri)
        self.pending[uri] = asyncio.ensure_future(self._after_pause(uri))

    async def _after_pause(self, uri: str) -> None:
        await asyncio.sleep(DEBOUNCE)
        self.pending.pop(uri, None)
        await self.refresh(uri)

    def cancel(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()

    def _place(self, uri: str) -> tuple[Path, Path]:
        """The document's path and its workspace folder (the innermost one holding it;
        else the workspace root, else its own folder). An unsaved buffer is placed in
        the workspace, where its configuration applies."""
        roots = [Path(p) for p in (to_fs_path(f.uri) for f in self.workspace.folders.values()) if p]
        root = self.workspace.root_path
        path_text = to_fs_path(uri)
        if path_text is None:
            base = roots[0] if roots else Path(root) if root else Path.cwd()
            name = self.workspace.get_text_document(uri).filename or "untitled.py"
            return base / name, base
        path = Path(path_text)
        holding = [r for r in roots if r in path.parents]
        if holding:
            return path, max(holding, key=lambda r: len(r.parts))
        return path, Path(root) if root and Path(root) in path.parents else path.parent


def create() -> PerflintServer:
    """The server with its features."""
    server = PerflintServer()

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        try:
            server.project = Project(Options.parse(params.initialization_options))
        except ProjectError as error:
            server.tell(str(error))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(params: types.DidOpenTextDocumentParams) -> None:
        await server.refresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(params: types.DidSaveTextDocumentParams) -> None:
        """Analyze again even if the text is the same: the configuration or the profile
        may have changed on disk, and a save is when a user expects them to apply."""
        server.cancel(params.text_document.uri)
        server.analyses.pop(params.text_document.uri, None)
        await server.refresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        server.cancel(uri)
        server.analyses.pop(uri, None)
        server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=list(actions.KINDS), resolve_provider=True),
    )
    async def code_action(params: types.CodeActionParams) -> Optional[list[types.CodeAction]]:
        made = await server.analysis(params.text_document.uri)
        if made is None:
            return None
        capabilities = server.client_capabilities
        resolvable = "edit" in _resolvable(capabilities)
        offered = _actions(server, made, capabilities)
        return await _in_worker(server, offered.at, params.range, params.context.only, resolvable)

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        made = await server.analysis(str(data.get("uri", "")))
        if made is None:
            return action
        return await _in_worker(server, _actions(server, made, server.client_capabilities).resolve, action)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> Optional[types.Hover]:
        """`perflint explain` of the findings under the cursor."""
        made = await server.analysis(params.text_document.uri)
        if made is None:
            return None
        document = server.document_of(made)
        point = document.point(params.position)
        under = [d for d in made.result.diagnostics if (d.line, d.column) <= point <= (d.end_line, d.end_column)]
        if not under:
            return None
        codes = sorted({d.code for d in under})
        first = under[0]
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.PlainText, value="\n\n".join(server.docs.text(code) for code in codes)
            ),
            range=document.range(first.line, first.column, first.end_line, first.end_column),
        )

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        for uri in list(server.pending):
            server.cancel(uri)
        server.worker.shutdown(wait=True)
        server.docs.close()

    return server


def _resolvable(capabilities: types.ClientCapabilities) -> list[str]:
    """The code action properties the client can resolve later."""
    document = capabilities.text_document
    support = document.code_action.resolve_support if document and document.code_action else None
    return list(support.properties) if support else []


def _actions(server: PerflintServer, made: findings.Analysis, capabilities: types.ClientCapabilities) -> actions.Actions:
    workspace = capabilities.workspace
    versioned = bool(workspace and workspace.workspace_edit and workspace.workspace_edit.document_changes)
    return actions.Actions(made, server.document_of(made), server.docs, versioned)


async def _in_worker(server: PerflintServer, function: Callable[..., T], *args: Any) -> T:
    """Run a function that may analyze or fix (seconds on a large file) off the loop."""
    return await asyncio.get_running_loop().run_in_executor(server.worker, function, *args)


def main() -> None:
    """Serve over stdin and stdout until the client says `exit`."""
    create().start_io()
