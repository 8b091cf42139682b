"""`perflint server` driven over stdio by a real LSP client (pytest-lsp, on pygls).

Each test starts the server as an editor does (`python -m perflint server`), in a
workspace folder of its own, with the capabilities VS Code and Neovim send: VS Code
counts columns in UTF-16, Neovim in UTF-8, and the first line with a finding has an
accent and an emoji before it, so a column counted in code points would be wrong in both.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from typing import Any, List, Sequence

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")  # Python 3.10 and later

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from perflint.docs import explain_text  # noqa: E402

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "perflint", "server"])
TIMEOUT = 60  # seconds: generous, the machine may be loaded

APP = '''\
def lookup(key):
    table = {"a": 1}
    label = "déjà vu 😀"; found = key in table.keys()
    return label, found


def count_known(words, size):
    vocabulary = [f"w{i}" for i in range(size)]
    known = set()
    for word in words:
        if word in vocabulary:
            known.add(word)
    return len(known)
'''
PREFIX = '    label = "déjà vu 😀"; found = '  # before the PFL310 finding on line 3
SELECT_PFL310 = '[tool.perflint]\nextend-select = ["PFL310"]\n'

pytestmark = pytest.mark.asyncio


async def _session(lsp_client: LanguageClient, spec: str, tmp_path: Path, request: Any):  # type: ignore[no-untyped-def]
    """Initialize as the client `spec` would, in the workspace `tmp_path`; shut down after
    the test unless it did."""
    options = request.node.get_closest_marker("init_options")
    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(spec),
        root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
        initialization_options=options.args[0] if options else None,
    ))
    lsp_client.position_encoding = result.capabilities.position_encoding or "utf-16"  # type: ignore[attr-defined]
    yield
    if lsp_client.capabilities is not None:
        await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER, params=["visual-studio-code", "neovim"])
def each_client(request: Any, lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    """VS Code, then Neovim: for what depends on how columns are counted."""
    return _session(lsp_client, request.param, tmp_path, request)


@pytest_lsp.fixture(config=SERVER)
def client(request: Any, lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    """VS Code (each session costs a second or so to start)."""
    return _session(lsp_client, "visual-studio-code", tmp_path, request)


def _units(text: str, encoding: str) -> int:
    return len(text.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(text.encode(encoding))


def _offset(text: str, position: types.Position, encoding: str) -> int:
    """The index in `text` of an LSP position (as a client computes it)."""
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
    if position.line >= len(lines):
        return len(text)
    offset = sum(len(line) for line in lines[:position.line])
    units = 0
    for character in lines[position.line].rstrip("\r\n"):
        if units >= position.character:
            break
        units += _units(character, encoding)
        offset += 1
    return offset


def _applied(text: str, edit: types.WorkspaceEdit, uri: str, encoding: str) -> str:
    """`text` with the workspace edit's changes to `uri` made, as a client makes them."""
    if edit.document_changes is not None:
        changes: List[Any] = [e for c in edit.document_changes if c.text_document.uri == uri for e in c.edits]
    else:
        changes = list((edit.changes or {}).get(uri, []))
    spans = [(_offset(text, e.range.start, encoding), _offset(text, e.range.end, encoding), e.new_text) for e in changes]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


async def _published(client: LanguageClient, uri: str) -> types.PublishDiagnosticsParams:
    while True:
        params = await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), TIMEOUT)
        if params.uri == uri:
            return params  # type: ignore[no-any-return]


async def _open(client: LanguageClient, path: Path, text: str, save: bool = True) -> types.PublishDiagnosticsParams:
    if save:
        path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
    ))
    return await _published(client, uri)


def _change(client: LanguageClient, path: Path, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
    ))


async def _actions(client: LanguageClient, path: Path, where: types.Range, only: Sequence[str] | None = None) -> list:
    found = await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        range=where,
        context=types.CodeActionContext(diagnostics=[], only=only),
    )), TIMEOUT)
    return list(found or [])


def _codes(params: types.PublishDiagnosticsParams) -> list[tuple[str, int]]:
    return [(str(d.code), d.range.start.line) for d in params.diagnostics]


async def test_session_open_change_fix_shutdown(each_client: LanguageClient, tmp_path: Path) -> None:
    """initialize, didOpen -> diagnostics, didChange -> updated diagnostics, codeAction ->
    an edit that removes the finding, shutdown and exit."""
    encoding = each_client.position_encoding  # type: ignore[attr-defined]
    (tmp_path / "pyproject.toml").write_text(SELECT_PFL310)
    app = tmp_path / "app.py"

    opened = await _open(each_client, app, APP)
    assert opened.version == 1
    assert _codes(opened) == [("PFL310", 2), ("PFL301", 10)]
    finding = opened.diagnostics[0]
    start = _units(PREFIX, encoding)
    assert start != len(PREFIX)  # the line's accent and emoji make the two counts differ
    assert (finding.range.start, finding.range.end) == (
        types.Position(line=2, character=start), types.Position(line=2, character=start + len("key in table.keys()"))
    )
    assert finding.message == "use `key in dict` instead of `key in dict.keys()`"
    assert finding.severity == types.DiagnosticSeverity.Warning
    assert finding.source == "perflint"
    docs = finding.code_description.href  # type: ignore[union-attr]
    assert docs.startswith("file://")
    assert Path(docs[len("file://"):]).read_text(encoding="utf-8") == explain_text("PFL310")

    changed = APP + "\n\ndef has(d, k):\n    return k in d.keys()\n"
    _change(each_client, app, 2, changed)
    updated = await _published(each_client, app.as_uri())
    assert updated.version == 2
    assert _codes(updated) == [("PFL310", 2), ("PFL301", 10), ("PFL310", 16)]

    offered = await _actions(each_client, app, updated.diagnostics[0].range)
    fix = next(a for a in offered if a.title.startswith("perflint (PFL310): fix"))
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert [str(d.code) for d in fix.diagnostics] == ["PFL310"]
    fixed = _applied(changed, fix.edit, app.as_uri(), encoding)
    assert "found = key in table\n" in fixed
    _change(each_client, app, 3, fixed)
    after = await _published(each_client, app.as_uri())
    assert _codes(after) == [("PFL301", 10), ("PFL310", 16)]

    await asyncio.wait_for(each_client.shutdown_session(), TIMEOUT)  # shutdown, exit, and the process ends
    each_client.capabilities = None


async def test_changes_are_analyzed_once_typing_pauses(client: LanguageClient, tmp_path: Path) -> None:
    """Three changes in a row give one analysis, of the last version (debounced)."""
    app = tmp_path / "app.py"
    await _open(client, app, APP)
    for version in (2, 3, 4):
        _change(client, app, version, APP + "\n" * version)
    published = await _published(client, app.as_uri())
    assert published.version == 4


async def test_save_analyzes_again_with_the_configuration_on_disk(client: LanguageClient, tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    assert _codes(await _open(client, app, APP)) == [("PFL301", 10)]  # PFL310 is held back by default
    (tmp_path / "pyproject.toml").write_text(SELECT_PFL310)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=app.as_uri())))
    assert _codes(await _published(client, app.as_uri())) == [("PFL310", 2), ("PFL301", 10)]


@pytest.mark.parametrize("config, expected", [
    ('[tool.perflint]\nignore = ["PFL301"]\n', []),
    ('[tool.perflint]\nextend-select = ["PFL310"]\nper-file-ignores = { "app.py" = ["PFL301"] }\n', [("PFL310", 2)]),
    ('[tool.perflint]\nextend-exclude = ["app.py"]\n', []),
])
async def test_configuration_comes_from_the_workspace_pyproject(
    client: LanguageClient, tmp_path: Path, config: str, expected: list
) -> None:
    (tmp_path / "pyproject.toml").write_text(config)
    assert _codes(await _open(client, tmp_path / "app.py", APP)) == expected


async def test_a_configuration_mistake_is_one_message(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.perflint]\nselct = ["PFL3"]\n')
    assert _codes(await _open(client, tmp_path / "app.py", APP)) == []
    assert [m.type for m in client.messages] == [types.MessageType.Error]
    assert "unknown key 'selct' (did you mean 'select'?)" in client.messages[0].message


async def test_code_actions_label_unsafe_fixes_and_add_noqa(each_client: LanguageClient, tmp_path: Path) -> None:
    encoding = each_client.position_encoding  # type: ignore[attr-defined]
    app = tmp_path / "app.py"
    unsafe = (await _open(each_client, app, APP)).diagnostics[0]  # PFL301: making the list a set is unsafe
    offered = await _actions(each_client, app, unsafe.range)
    titles = [a.title for a in offered]
    assert titles == [
        "perflint (PFL301): make `vocabulary` a set [unsafe fix: may change behaviour, see `perflint explain PFL301`]",
        "perflint (PFL301): add `# noqa: PFL301`",
    ]
    fix, noqa = offered
    assert not fix.is_preferred
    assert "vocabulary = {f\"w{i}\" for i in range(size)}" in _applied(APP, fix.edit, app.as_uri(), encoding)
    silenced = _applied(APP, noqa.edit, app.as_uri(), encoding)
    assert "        if word in vocabulary:  # noqa: PFL301\n" in silenced
    _change(each_client, app, 2, silenced)
    assert _codes(await _published(each_client, app.as_uri())) == []


async def test_fix_all_applies_the_safe_fixes(each_client: LanguageClient, tmp_path: Path) -> None:
    """"Fix all" is resolved when picked (both clients resolve code actions), and fixes
    what `perflint --fix` fixes: the safe PFL310 fix, not the unsafe PFL301 one."""
    encoding = each_client.position_encoding  # type: ignore[attr-defined]
    (tmp_path / "pyproject.toml").write_text(SELECT_PFL310)
    app = tmp_path / "app.py"
    await _open(each_client, app, APP)
    everywhere = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    offered = await _actions(each_client, app, everywhere, only=[types.CodeActionKind.SourceFixAll])
    assert [(a.title, a.kind, a.edit) for a in offered] == [
        ("perflint: fix all safely fixable findings", "source.fixAll.perflint", None)
    ]
    resolved = await asyncio.wait_for(each_client.code_action_resolve_async(offered[0]), TIMEOUT)
    fixed = _applied(APP, resolved.edit, app.as_uri(), encoding)
    assert fixed == APP.replace("key in table.keys()", "key in table")


async def test_hover_shows_the_explain_text(client: LanguageClient, tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    finding = (await _open(client, app, APP)).diagnostics[0]
    hover = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=app.as_uri()), position=finding.range.start,
    )), TIMEOUT)
    assert hover.contents.value == explain_text("PFL301")
    assert hover.range == finding.range
    nothing = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=app.as_uri()), position=types.Position(line=0, character=0),
    )), TIMEOUT)
    assert nothing is None


async def test_a_saved_profile_ranks_the_findings(client: LanguageClient, tmp_path: Path) -> None:
    """With `perflint.prof` in the workspace, every finding of the selected rules is shown
    (PFL310 too, which the default report holds back), with its share of the run time:
    the hot one a warning, the one the profile never ran a hint. The functions are those
    of the editor's text, here of a file not saved yet."""
    app = tmp_path / "app.py"
    (tmp_path / "perflint.prof").write_text(  # py-spy's raw format: 90 samples in the loop, none in lookup
        f"<module> ({app}:7);count_known ({app}:11) 90\n<module> ({app}:7) 10\n"
    )
    shown = await _open(client, app, APP, save=False)
    assert _codes(shown) == [("PFL310", 2), ("PFL301", 10)]
    cold, hot = shown.diagnostics
    assert hot.severity == types.DiagnosticSeverity.Warning
    assert re.search(r"  \[90\.0% of run time, 90 samples; est\. saving [\d.]+% \([\d.]+x on ", hot.message), hot.message
    assert cold.severity == types.DiagnosticSeverity.Hint
    assert cold.message.endswith("  [never sampled in the profile]")


@pytest.mark.init_options({"minShare": "lots"})
async def test_wrong_settings_are_one_message(client: LanguageClient, tmp_path: Path) -> None:
    assert _codes(await _open(client, tmp_path / "app.py", APP)) == [("PFL301", 10)]  # the defaults apply
    assert [m.message for m in client.messages] == [
        "perflint: initializationOptions minShare: --min-share expects a percentage such as 1% (got 'lots')"
    ]


async def test_an_unsaved_buffer_gets_the_workspace_configuration(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(SELECT_PFL310)
    uri = "untitled:Untitled-1"
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=APP)
    ))
    assert _codes(await _published(client, uri)) == [("PFL310", 2), ("PFL301", 10)]
