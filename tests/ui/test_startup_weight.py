"""What the console loads before its window is shown: only what the window shows.

Run in a fresh process (tests/ui/startup_probe.py), up to the moment `make bench` measures:
PySide6 makes a Python type (with all its enums) for each Qt class on first use, so a class
named at import time, or a Qt object handed to Python whose exact class is not known yet,
costs start-up time even when nothing of it is shown.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import child_pythonpath

PROBE = Path(__file__).with_name("startup_probe.py")


def _probe(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINDME_")}
    env.update(FINDME_HOME=str(home), QT_QPA_PLATFORM="offscreen", PYTHONPATH=child_pythonpath())
    done = subprocess.run(
        [sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=120
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stderr[-3000:]
    return json.loads(lines[-1])


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("startup-home")


@pytest.fixture(scope="module")
def loaded(home) -> dict:
    """A first start, on a new data folder."""
    return _probe(home)


@pytest.fixture(scope="module")
def loaded_again(home, loaded) -> dict:
    """The next start on the same folder: what the first one measured is known now."""
    return _probe(home)


@pytest.mark.parametrize("start", ["first", "next"])
def test_no_type_is_made_for_every_qt_widget_class(loaded, loaded_again, start):
    # Asking Qt for a widget it made itself (a scroll area's viewport), or a Python event
    # filter on one, has PySide6 try every QWidget subclass: these the console never uses.
    made = set((loaded if start == "first" else loaded_again)["qt_types"])
    assert made & {"QtWidgets.QCalendarWidget", "QtWidgets.QMdiArea", "QtWidgets.QWizard"} == set()
    # The same for the window's QWindow, which fitting it to the screen once asked for.
    assert "QtGui.QRasterWindow" not in made


def test_the_style_is_not_touched_from_python_at_a_next_start(loaded, loaded_again):
    # QStyle's type (~600 enum members, ~10 ms): the window's start needs the style's name
    # and a title bar's height, kept from the last start and checked once the window is idle
    # (ui/shell/style_facts.py); the calls-in-flight rows are sized by a push button; the
    # history's status icons ask the style when first drawn (no call in this history).
    style = {
        "QtWidgets.QStyle",
        "QtWidgets.QCommonStyle",
        "QtWidgets.QStyleOption",
        "QtWidgets.QStyleOptionButton",
        "QtWidgets.QStyleOptionViewItem",
    }
    assert "QtWidgets.QStyle" in loaded["qt_types"]  # a first start asks it at once
    assert set(loaded_again["qt_types"]) & style == set()


@pytest.mark.parametrize("start", ["first", "next"])
def test_no_other_python_thread_runs_while_the_window_is_built(loaded, loaded_again, start):
    # The engine's deferred start (HTTP client, sandbox) and the team sync's configuration
    # (keyring) run on other threads once the window is idle: before, they would hold the
    # GIL while Qt calls into Python to lay out and paint the window.
    assert (loaded if start == "first" else loaded_again)["python_threads"] == ["MainThread"]


def test_dialogs_are_not_loaded_before_they_are_opened(loaded):
    made = set(loaded["qt_types"])
    dialog_only = {
        "QtWidgets.QFileDialog",
        "QtWidgets.QInputDialog",
        "QtWidgets.QMessageBox",
        "QtWidgets.QDialogButtonBox",
        "QtWidgets.QPlainTextEdit",
        "QtWidgets.QTableWidget",
        "QtGui.QFontDatabase",
    }
    assert made & dialog_only == set()


def test_what_only_later_work_needs_is_not_loaded_at_start(loaded):
    modules = set(loaded["modules"]) - set(loaded["preloaded"])
    later = {
        "csv",
        "console.csvio",
        "console.csvlayout",
        "ui.leads.importer",
        "ui.common.column_mapping",
        "ui.history.details",
        "uuid",  # it imports platform (~10 ms); the store's lock names need no uuid
        "PySide6.QtNetwork",  # with the Kerberos libraries: only when a launch hands over
        "html",  # its table of 2,000 entity names: escaping is for later messages
        "ui.history.agents",  # the history's Agent filter: team mode only
        "ui.dispositions.dialog",  # Edit → Dispositions…: built when first opened
        "logging.handlers",  # the rotating log (with pickle): made once the window is idle
        "pickle",
    }
    assert modules & later == set()


def test_what_a_first_start_builds_is_not_loaded_at_a_next_start(loaded_again):
    modules = set(loaded_again["modules"]) - set(loaded_again["preloaded"])
    # A first start makes the report indexes (a migration, with the module's schema); later
    # ones need neither its shapes nor its queries until the Reports window opens.
    assert "console.store.reports" not in modules
    # A first start builds the Call list page to measure it; later ones read the list once
    # the window is idle, for the status bar's line.
    assert "console.calllist" not in modules
    # No dataclass either (each compiles its methods at import): records are NamedTuples,
    # the few mutable objects the window needs are plain classes, a call list's rows (the
    # last dataclasses of a start) load with the list.
    assert loaded_again["dataclasses"] == []
    assert "console.store.calllist_rows" not in modules


def test_no_garbage_collection_runs_while_the_window_is_built(loaded):
    # The objects made at start live as long as the console: collecting walked them all
    # again and again. They are frozen once the window is shown, and collection resumes.
    assert loaded["collections"] == 0
    assert loaded["gc_enabled"] is True
    assert loaded["frozen"] > 10_000


def test_reports_and_their_plotting_load_only_when_opened(loaded):
    # pyqtgraph (with numpy) takes longer to import than the whole window takes to show, and
    # copies every Qt class into its own namespace: only the Reports view needs it.
    modules = set(loaded["modules"]) - set(loaded["preloaded"])
    assert {m for m in modules if m.split(".")[0] in ("pyqtgraph", "numpy")} == set()
    assert {m for m in modules if m.startswith("ui.reports")} == set()
    assert "console.store.reports" in modules  # the store's queries are plain Python


def test_pyside6_does_not_read_the_source_of_every_module_imported(loaded):
    # PySide6's __feature__ import hook asked inspect.getsource about each module an import
    # names (~115 at start, 1.6 MB kept in linecache, ~25 ms): ui/shell/feature_hook.py
    # reads the same answer as bytes. Only the two asked about while PySide6 itself is
    # imported, before anything can be put in place, are read.
    import enum

    import shiboken6

    while_pyside6_loads = {enum.__file__, shiboken6.__file__}
    assert set(loaded["sources_read"]) - while_pyside6_loads == set()


def test_the_teams_panel_is_not_built_until_its_tab_is_used(loaded, loaded_again):
    # The first start builds it, to measure the minimum size its page holds until then
    # (ui/shell/lazy_page.py); the next ones neither import nor build it.
    teams = {"ui.teams.panel", "ui.teams.layout", "ui.teams.model"}
    assert teams <= set(loaded["modules"])
    assert set(loaded_again["modules"]) & teams == set()
    assert "QtGui.QUndoStack" in loaded["qt_types"]


def test_the_call_list_page_is_not_built_until_its_tab_is_used(loaded, loaded_again):
    # As the Teams panel: measured on the first start, neither imported nor built after.
    page = {"ui.calllist.page", "ui.calllist.model"}
    assert page <= set(loaded["modules"])
    assert set(loaded_again["modules"]) & page == set()


def test_pyside6s_qt5_flag_name_lookup_is_off_in_the_window(loaded):
    # ENOPT_NO_FAKERENAMES (ui/common/pyside_setup.py): the lookup's tables were a sixth of
    # the instructions of the start; the console names Qt's flags the scoped way.
    assert loaded["qt5_flag_names"] is False


def test_no_label_shown_at_start_is_rich_text(loaded):
    # The first rich text in a process loads Qt's HTML document and its layout (~15 ms):
    # titles are bold by their font, the sandbox banner's links are buttons.
    assert loaded["rich_text_labels"] == []


def test_the_records_loaded_at_start_are_named_tuples(loaded):
    # A frozen dataclass is made by compiling six methods at import (~0.8 ms each class, 30
    # of them were 6% of the start); a NamedTuple, immutable as well, is made ~5 times faster.
    assert [name for name in loaded["dataclasses"] if name.endswith("(frozen)")] == []


def test_no_garbage_collection_from_the_windows_first_import():
    # asyncio's import alone ran 22 collections before ui/shell/app.py turned them off.
    script = (
        "import gc, sys\n"
        "seen = []\n"
        "class Watch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'ui.shell.app':\n"
        "            seen.append(gc.isenabled())\n"
        "sys.meta_path.insert(0, Watch())\n"
        "import main\n"
        "code = main.main([])\n"
        "print(code, seen)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # no display: run() returns 1 at once, as it says
    env["PYTHONPATH"] = child_pythonpath()
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.splitlines()[-1] == "1 [False]", done.stdout + done.stderr[-2000:]


def test_no_regular_expression_type_is_made_at_start(loaded):
    # The options form's ID fields take their validator when first enabled (~1 ms of types).
    assert "QtCore.QRegularExpression" not in loaded["qt_types"]
    assert "QtGui.QRegularExpressionValidator" not in loaded["qt_types"]
