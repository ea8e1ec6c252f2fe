"""ui/shell/feature_hook.py: PySide6's __feature__ hook asks it, and it answers as PySide6 does.

The replacement is of a private PySide6 function: these fail when an upgrade of PySide6
changes the shape it relies on (then the console quietly keeps PySide6's own, and start-up is
~25 ms slower until feature_hook.py is brought up to date).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from tests.conftest import child_pythonpath
from ui.shell import feature_hook


def _pyside6_own():
    import PySide6  # noqa: F401

    feature = sys.modules[feature_hook.FEATURE_MODULE]
    asked = getattr(feature, feature_hook.ASKED)
    return getattr(asked, "__wrapped__", asked)


def test_pyside6_feature_module_has_the_shape_replaced():
    import PySide6  # noqa: F401

    feature = sys.modules.get(feature_hook.FEATURE_MODULE)
    assert feature is not None, "PySide6 no longer publishes its __feature__ module there"
    assert feature_hook.has_expected_shape(feature)


def test_pyside6_hook_asks_the_replacement_for_each_new_module(tmp_path):
    # In a process of its own: the console's start puts it in place, then two new modules
    # are imported; PySide6's own records must show the replacement's answers.
    (tmp_path / "names_qt.py").write_text("# uses PySide6 later\nVALUE = 1\n", encoding="utf-8")
    # Latin-1 with its cookie: the word is found in the bytes whatever the encoding.
    (tmp_path / "plain_latin1.py").write_bytes(
        b"# -*- coding: latin-1 -*-\nNAME = '\xe9t\xe9'  # no Qt binding named here\n"
    )
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        from ui.shell import feature_hook
        assert feature_hook.install()
        feature = sys.modules[feature_hook.FEATURE_MODULE]
        asked = []
        ours = getattr(feature, feature_hook.ASKED)
        def counting(module):
            asked.append(module.__name__)
            return ours(module)
        setattr(feature, feature_hook.ASKED, counting)
        import names_qt, plain_latin1
        print("names_qt" in asked, "plain_latin1" in asked,
              feature.pyside_feature_dict.get("names_qt"),
              feature.pyside_feature_dict.get("plain_latin1"))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": child_pythonpath(), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # 0: the module takes part in PySide6's feature switching; -1: it is left out
    assert done.stdout.split("\n")[0] == "True True 0 -1"


def test_same_answer_as_pyside6_for_every_module_loaded(tmp_path):
    import ui.shell.main_window  # noqa: F401 - the window's modules, and those it loads

    own = _pyside6_own()
    latin1 = tmp_path / "latin1_qt.py"
    latin1.write_bytes(b"# -*- coding: latin-1 -*-\n# \xe9 PySide6\n")
    extra = types.ModuleType("latin1_qt")
    extra.__file__ = str(latin1)
    modules = [m for m in list(sys.modules.values()) if isinstance(m, types.ModuleType)]
    differ = [m.__name__ for m in [*modules, extra] if feature_hook.uses_pyside(m, own) != own(m)]
    assert len(modules) > 300
    assert differ == []
    assert feature_hook.uses_pyside(extra, own) is True


def test_the_standard_library_is_answered_without_reading(monkeypatch):
    import json

    def not_read(*_args, **_kwargs):
        raise AssertionError("read")

    monkeypatch.setattr("builtins.open", not_read)
    assert feature_hook.uses_pyside(json, not_read) is False


def test_the_engine_is_answered_without_reading(monkeypatch):
    import console.store.models as engine_module

    def not_read(*_args, **_kwargs):
        raise AssertionError("read")

    monkeypatch.setattr("builtins.open", not_read)
    assert feature_hook.uses_pyside(engine_module, not_read) is False


def test_no_module_of_the_engine_names_pyside6():
    # What keeps that answer PySide6's own, for the modules not loaded by the test above too.
    sources = sorted(Path(feature_hook.ENGINE).rglob("*.py"))
    assert len(sources) > 50
    assert [p.name for p in sources if b"PySide6" in p.read_bytes()] == []


def test_pyside6_own_answer_is_kept_where_the_file_cannot_be_read(tmp_path):
    gone = types.ModuleType("gone")
    gone.__file__ = str(tmp_path / "gone.py")
    assert feature_hook.uses_pyside(gone, lambda _m: True) is True
    built_in = sys.modules["sys"]
    assert feature_hook.uses_pyside(built_in, lambda _m: "kept") == "kept"


SHAPES = {
    # what PySide6 6.11 has, reduced to what feature_hook relies on
    "as read": "def _mod_uses_pyside(module): return True\n"
    "def feature_imported(module): return _mod_uses_pyside(module)\n",
    "renamed": "def source_names_pyside(module): return True\n"
    "def feature_imported(module): return source_names_pyside(module)\n",
    "no longer asked": "def _mod_uses_pyside(module): return True\n"
    "def feature_imported(module): return None\n",
    "two arguments": "def _mod_uses_pyside(module, flag): return True\n"
    "def feature_imported(module): return _mod_uses_pyside(module, 0)\n",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_pyside6_own_is_kept_when_its_shape_has_changed(monkeypatch, shape):
    changed = types.ModuleType(feature_hook.FEATURE_MODULE)
    changed.pyside_feature_dict = {}
    exec(SHAPES[shape], vars(changed))
    before = dict(vars(changed))
    monkeypatch.setitem(sys.modules, feature_hook.FEATURE_MODULE, changed)
    assert feature_hook.install() is (shape == "as read")
    if shape != "as read":
        assert vars(changed) == before
    else:
        assert getattr(changed, feature_hook.ASKED).__wrapped__ is before[feature_hook.ASKED]


def test_install_twice_wraps_once():
    script = (
        "import sys\nfrom ui.shell import feature_hook\n"
        "assert feature_hook.install() and feature_hook.install()\n"
        "f = getattr(sys.modules[feature_hook.FEATURE_MODULE], feature_hook.ASKED)\n"
        "assert not hasattr(f.__wrapped__, '__wrapped__'), 'wrapped twice'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": child_pythonpath()},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-3000:]
