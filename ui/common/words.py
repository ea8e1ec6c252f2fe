"""Words several features show: call statuses, call types and times, as a person reads them."""

from __future__ import annotations

from datetime import datetime
from functools import cache, lru_cache

from PySide6.QtCore import QCoreApplication, QObject, QTranslator

from console.calls.outcome import Status


def _tr(text: str) -> str:
    return QCoreApplication.translate("Words", text)


class EnglishPlurals(QTranslator):
    """English's two plural forms for the texts that carry a count: "%n call(s)" reads
    "1 call", "2 calls".

    Qt chooses a plural form only through a translator (an untranslated "%n call(s)" shows as
    "1 call(s)"). Rather than ship a compiled English .qm, this translator computes the two
    forms; the sources stay Qt's %n texts, so a real translation (lupdate/lrelease) replaces
    it with the forms its language needs. Texts without a count are left untranslated.
    """

    def translate(  # noqa: D102 - QTranslator's
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        if n < 0 or "(s)" not in source:
            # None (a null QString): not translated here, so Qt uses the source. An empty
            # string would count as a translation and blank the text.
            return None
        return source.replace("(s)", "" if n == 1 else "s")

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def install_translators(app: QCoreApplication) -> list[QTranslator]:
    """Give ``app`` the translators the texts rely on (for now: English plurals); they are
    parented to ``app`` and returned."""
    plurals = EnglishPlurals(app if isinstance(app, QObject) else None)
    app.installTranslator(plurals)
    return [plurals]


@cache  # asked for every visible row at each repaint; the words do not change while running
def status_text(status: str) -> str:
    """A status as a person reads it in the table and the filter."""
    words = {
        Status.PENDING: _tr("Pending"),
        Status.SUCCESS: _tr("Success"),
        Status.FAILED: _tr("Failed"),
        Status.INVALID: _tr("Invalid"),
        Status.NETWORK: _tr("Network failure"),
        Status.UNKNOWN: _tr("Outcome unknown"),
        Status.CANCELLED: _tr("Cancelled"),
        Status.INTERRUPTED: _tr("Interrupted"),
    }
    return words.get(status, status)


def lead_name_text(name: str) -> str:
    """A lead's name as a list's cell shows it: "(no name)" for a lead saved without one."""
    return name or _tr("(no name)")


@lru_cache(maxsize=4096)  # asked for every visible row at each repaint
def local_time(iso: str) -> str:
    """The stored UTC time in the computer's zone, to the second."""
    try:
        stamp = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return stamp.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def short_time(iso: str) -> str:
    """The time alone for today, the date alone before: for narrow columns (tooltips say all)."""
    full = local_time(iso)
    day, _, clock = full.partition(" ")
    return clock[:5] if day == datetime.now().strftime("%Y-%m-%d") else day


@cache
def type_text(call_type: int) -> str:
    return _tr("Lead first") if call_type == 1 else _tr("Team first")
