"""build.spec, run against stand-ins for PyInstaller: cheap checks; .ci/package builds for real."""

from __future__ import annotations

import ast
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from console import APP_ID, APP_NAME, __version__
from tests.conftest import ROOT

SPEC = ROOT / "build.spec"


class Recorder:
    """Stands for one of PyInstaller's build classes; keeps its arguments."""

    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]]

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        self.kind, self.args, self.kwargs = kind, args, kwargs
        Recorder.calls.append((kind, args, kwargs))


# What Qt's hooks would collect, by destination path: the spec decides what stays.
COLLECTED = [
    "PySide6/Qt/lib/libQt6Core.so.6",
    "PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/plugins/imageformats/libqtiff.so",
    "PySide6/Qt/plugins/qmltooling/libqmldbg_debugger.so",
    "PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so",
    "PySide6/Qt/translations/qtbase_en.qm",
    "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6/Qt/translations/qtdeclarative_fr.qm",
    "libX11.so.6",
    "libstdc++.so.6",
    "libssl.so.3",
    "libpython3.11.so.1.0",
    "certifi/cacert.pem",
]
KEPT = {
    "PySide6/Qt/lib/libQt6Core.so.6",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/translations/qtbase_en.qm",
    "libssl.so.3",
    "libpython3.11.so.1.0",
    "certifi/cacert.pem",
}


def run_spec(monkeypatch: pytest.MonkeyPatch, platform: str) -> dict[str, Any]:
    """Execute build.spec as PyInstaller would, with recording stand-ins for its classes."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package, filter=None: [f"{package}.stub"]  # type: ignore[attr-defined]
    hooks.copy_metadata = lambda package: [(f"/site/{package}.dist-info", f"{package}.dist-info")]  # type: ignore[attr-defined]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))
    Recorder.calls = []

    def analysis(*args: Any, **kwargs: Any) -> Recorder:
        built = Recorder("Analysis", *args, **kwargs)
        built.binaries = [(dest, f"/src/{dest}", "BINARY") for dest in COLLECTED]  # type: ignore[attr-defined]
        built.datas = [(dest, f"/src/{dest}", "DATA") for dest in COLLECTED]  # type: ignore[attr-defined]
        built.pure, built.scripts = [], []  # type: ignore[attr-defined]
        return built

    namespace: dict[str, Any] = {"SPECPATH": str(ROOT), "Analysis": analysis}
    for kind in ("PYZ", "EXE", "COLLECT", "BUNDLE"):
        namespace[kind] = lambda *args, _kind=kind, **kwargs: Recorder(_kind, *args, **kwargs)
    exec(compile(SPEC.read_text(), str(SPEC), "exec"), namespace)
    return namespace


def built(kind: str) -> list[dict[str, Any]]:
    return [kwargs for name, _args, kwargs in Recorder.calls if name == kind]


def test_the_spec_is_python() -> None:
    ast.parse(SPEC.read_text(), str(SPEC))


def test_it_excludes_the_other_qt_bindings_and_unused_qt_modules(monkeypatch) -> None:
    run_spec(monkeypatch, "linux")
    excludes = built("Analysis")[0]["excludes"]
    for name in ("PyQt5", "PyQt6", "PySide2", "tkinter"):
        assert name in excludes
    for module in ("QtQml", "QtQuick", "QtWebEngineCore", "QtPdf", "Qt3DCore", "QtMultimedia"):
        assert f"PySide6.{module}" in excludes
    for module in ("QtCore", "QtGui", "QtWidgets", "QtNetwork", "QtSvg"):
        assert f"PySide6.{module}" not in excludes


def test_it_collects_keyring_backends_metadata_and_resources(monkeypatch) -> None:
    run_spec(monkeypatch, "linux")
    analysis = built("Analysis")[0]
    hidden = analysis["hiddenimports"]
    for name in ("keyring.backends.stub", "secretstorage.stub", "jeepney.stub", "console.stub"):
        assert name in hidden
    assert "PySide6.QtSvg" in hidden
    datas = analysis["datas"]
    assert ("/site/keyring.dist-info", "keyring.dist-info") in datas
    assert (str(ROOT / "resources"), "resources") in datas
    kind, args, _kwargs = Recorder.calls[0]
    assert (kind, args) == ("Analysis", ([str(ROOT / "main.py")],))  # main.py is the program


def test_it_filters_qt_plugins_translations_and_desktop_libraries(monkeypatch) -> None:
    namespace = run_spec(monkeypatch, "linux")
    collect = built("COLLECT")[0]
    assert collect["name"] == APP_ID
    analysis = namespace["a"]
    assert {dest for dest, _src, _kind in analysis.binaries} == KEPT
    assert {dest for dest, _src, _kind in analysis.datas} == KEPT


def test_it_builds_one_folder_named_after_the_package(monkeypatch) -> None:
    run_spec(monkeypatch, "linux")
    (exe,) = built("EXE")
    assert exe["name"] == APP_ID and exe["exclude_binaries"] is True  # one folder
    assert exe["upx"] is False
    assert not built("BUNDLE")


def test_macos_gets_an_app_that_claims_tel_links(monkeypatch) -> None:
    namespace = run_spec(monkeypatch, "darwin")
    (bundle,) = built("BUNDLE")
    assert bundle["name"] == f"{APP_NAME}.app"
    assert bundle["version"] == __version__
    plist = bundle["info_plist"]
    assert plist["CFBundleShortVersionString"] == __version__
    (url_type,) = plist["CFBundleURLTypes"]
    assert url_type["CFBundleURLSchemes"] == ["tel", "callto"]
    # Linux-only filtering must not touch macOS's libraries.
    assert "libstdc++.so.6" in {dest for dest, _src, _kind in namespace["a"].binaries}


def test_windows_also_gets_a_console_program_for_the_command_line(monkeypatch) -> None:
    run_spec(monkeypatch, "win32")
    names = {exe["name"]: exe["console"] for exe in built("EXE")}
    assert names == {APP_ID: False, f"{APP_ID}-cli": True}


def test_the_qt_filter_knows_the_windows_layout(monkeypatch) -> None:
    kept = run_spec(monkeypatch, "win32")["kept"]
    assert kept("PySide6/plugins/platforms/qwindows.dll")
    assert kept("PySide6/plugins/styles/qmodernwindowsstyle.dll")
    assert kept("PySide6/Qt6Core.dll")
    assert not kept("PySide6/plugins/platforms/qdirect2d.dll")
    assert not kept("PySide6/plugins/qmltooling/qmldbg_debugger.dll")
    assert not kept("PySide6/translations/qtbase_de.qm")


def test_the_spec_reads_name_and_version_from_the_package() -> None:
    text = Path(SPEC).read_text()
    assert "from console import APP_ID, APP_NAME, __version__" in text
    assert "0.1.0" not in text
