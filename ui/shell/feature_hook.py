"""PySide6's `__feature__` import hook, given the same answers at a fraction of the cost.

Once PySide6 is loaded it replaces ``builtins.__import__``, and every import statement that
names a module it has not seen yet has it ask whether that module's source contains the word
"PySide6" (``shibokensupport.feature._mod_uses_pyside``, PYSIDE-2029): such a module switches
PySide's ``from __feature__ import snake_case`` selections when it runs, the others are left
out of the switching. It asks with ``inspect.getsource``, which walks ``sys.modules`` to find
the module of the file and keeps every source read in ``linecache``: some 115 modules at start,
1.6 MB of source, ~25 ms. The console selects no feature, but the answers are kept exact:
a module of the standard library never names PySide6, nor does one of the console's engine
(``console/``, which knows nothing of Qt: tests/unit/test_feature_hook.py holds it), and any
other's source file is searched as bytes (the word is ASCII, and Python sources are in an
ASCII-compatible encoding).

PySide6 offers no switch for this (6.11): the replacement is of a private function, so it is
made only when PySide6's module still has the shape read here, and otherwise PySide6's own
is left in place. tests/unit/test_feature_hook.py fails if that shape changes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import ModuleType

FEATURE_MODULE = "PySide6.support.feature"
ASKED = "_mod_uses_pyside"  # the function PySide6's feature_imported calls for each module
_STDLIB = os.path.dirname(os.__file__)
# The engine's package, beside ui/: its ~80 modules are most of those imported after PySide6.
ENGINE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "console")


def install() -> bool:
    """Import PySide6 and put :func:`uses_pyside` in place of its own; whether it was put."""
    import PySide6  # noqa: F401 - its import installs the hook and its feature module

    feature = sys.modules.get(FEATURE_MODULE)
    original = getattr(feature, ASKED, None)
    if feature is None or not has_expected_shape(feature) or original is None:
        return False
    if getattr(original, "__wrapped__", None) is not None:
        return True  # already in place

    def asked(module: ModuleType) -> bool:
        return uses_pyside(module, original)

    asked.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(feature, ASKED, asked)
    return True


def has_expected_shape(feature: ModuleType) -> bool:
    """Whether PySide6's feature module still asks ``_mod_uses_pyside(module)`` by name."""
    asked = getattr(feature, ASKED, None)
    imported = getattr(feature, "feature_imported", None)
    names = getattr(getattr(imported, "__code__", None), "co_names", ())
    code = getattr(asked, "__code__", None) or getattr(
        getattr(asked, "__wrapped__", None), "__code__", None
    )
    return (
        callable(asked)
        and ASKED in names
        and code is not None
        and code.co_argcount == 1
        and isinstance(getattr(feature, "pyside_feature_dict", None), dict)
    )


def uses_pyside(module: ModuleType, original: Callable[[ModuleType], bool]) -> bool:
    """PySide6's answer for ``module`` (whether its source names "PySide6"), read cheaply.

    A module without a plain .py file (built in, compiled, zipped, sourceless) is left to
    ``original``, PySide6's own function.
    """
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return original(module)
    top = getattr(module, "__name__", "").partition(".")[0]
    home = None
    if top == "console":
        home = ENGINE
    elif top in sys.stdlib_module_names:
        home = os.path.join(_STDLIB, top)
    if home is not None and (path == home + ".py" or path.startswith(home + os.sep)):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return original(module)
