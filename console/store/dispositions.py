"""Wrap-up: the team's dispositions, a call's disposition, notes and call-back, do-not-call.

The rules both engines share are here (which disposition a name means, how a call-back time
is read, what a "Do not call" wrap-up writes on the lead); the SQLite side too (its migration
and WrapUpMixin). PostgreSQL's side is console.store.postgres.wrapup.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from console.store.donotcall import DoNotCallLookup
from console.store.history import RECORD_COLUMNS
from console.store.models import CallRecord, Disposition, utc_now

DO_NOT_CALL, CALL_BACK = "do_not_call", "call_back"
KINDS = ("", DO_NOT_CALL, CALL_BACK)

# The list a new store starts with; the team edits it (a team lead, on a team server).
DEFAULTS: tuple[tuple[str, str], ...] = (
    ("Connected", ""),
    ("Left voicemail", ""),
    ("No answer", ""),
    ("Wrong number", ""),
    ("Interested", ""),
    ("Not interested", ""),
    ("Call back", CALL_BACK),
    ("Do not call", DO_NOT_CALL),
)
MAX_NOTES = 10_000  # characters; a wrap-up is a few lines, not a transcript
# A disposition's name is a button of the wrap-up strip (four to a row) and a filter choice.
MAX_NAME = 40  # characters
# In team mode the list is the team's: the server refuses an agent's edit and the sync
# would bring the team's copy back, so the command line and the window refuse it first.
LEAD_ONLY = "Only a team lead can edit dispositions."


class UnknownDisposition(ValueError):
    """No disposition by that name; str() lists the known ones."""


class BadDisposition(ValueError):
    """A disposition the rules refuse; ``field`` is the one at fault ("name" or "kind"), str()
    one sentence naming the rule."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NoCallBackTime(ValueError):
    """The call-back disposition without a time: it would never come due. str() names the
    disposition; a command line or a window adds where the time goes."""


class PastCallBack(ValueError):
    """A call-back time being set that is not later than now; str() says so and the rule."""


class WrapUp(NamedTuple):
    """A wrap-up, checked and ready to write: what a call's row will hold."""

    disposition: Disposition | None
    notes: str
    callback_at: str | None
    wrapped_at: str

    @property
    def name(self) -> str:
        return self.disposition.name if self.disposition else ""

    @property
    def do_not_call(self) -> bool:
        return self.disposition is not None and self.disposition.kind == DO_NOT_CALL


def find_disposition(dispositions: Iterable[Disposition], name: str) -> Disposition:
    """The disposition called ``name`` (case and surrounding spaces ignored).

    Raises UnknownDisposition naming the known ones, in the list's order.
    """
    known = list(dispositions)
    wanted = name.strip().casefold()
    for disposition in known:
        if disposition.name.casefold() == wanted:
            return disposition
    names = ", ".join(d.name for d in known) or "none: the list is empty"
    raise UnknownDisposition(f"no disposition named {name.strip()!r} (known: {names})")


def parse_callback(text: str, now: datetime | None = None) -> str:
    """A call-back time as the store keeps it: ISO 8601 UTC with milliseconds and a Z.

    ``text`` is ISO 8601 ("2026-12-01T14:30", "2026-12-01 14:30+01:00"); without an offset
    it is local time. ValueError (one sentence) for anything else.
    """
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"call-back time {text.strip()!r} is not a date and time such as 2026-12-01T14:30"
        ) from None
    if when.tzinfo is None:
        when = when.astimezone()  # the person's local time
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def future_callback(text: str, kept: str | None = None, now: datetime | None = None) -> str:
    """A call-back time being set, read as parse_callback reads it (ISO 8601 UTC with a Z).

    Raises PastCallBack when it is not later than ``now`` (default: the clock), unless it is
    ``kept``, the time the call already has (to the minute): changing the notes of a wrap-up
    whose call-back has come due keeps that time. ValueError for a text that is no time.
    The store does not apply this rule (a team's wrap-up synced later is not refused); the
    places a person sets a time (the wrap-up strip, `history wrap-up --callback`) do.
    """
    when = parse_callback(text)
    if kept and when[:16] == kept[:16]:
        return when
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    if datetime.fromisoformat(when.replace("Z", "+00:00")) <= moment:
        raise PastCallBack(
            f"{text.strip()} is in the past: a call-back time must be later than now"
        )
    return when


def check_wrap_up(
    dispositions: Iterable[Disposition],
    disposition: str,
    notes: str = "",
    callback_at: str | None = None,
) -> WrapUp:
    """Check a wrap-up against the team's list before anything is written.

    ``disposition`` is a name ("" for none: notes only); ``callback_at`` ISO 8601 (see
    parse_callback), only with the disposition whose kind is CALL_BACK and required with it.
    Raises UnknownDisposition, NoCallBackTime or ValueError, each one sentence.
    """
    chosen = find_disposition(dispositions, disposition) if disposition.strip() else None
    notes = notes.strip()
    if len(notes) > MAX_NOTES:
        raise ValueError(f"notes are limited to {MAX_NOTES:,} characters ({len(notes):,} given)")
    when = None
    if callback_at and callback_at.strip():  # blank is no time
        if chosen is None or chosen.kind != CALL_BACK:
            raise ValueError("a call-back time goes with the call-back disposition only")
        when = parse_callback(callback_at)
    elif chosen is not None and chosen.kind == CALL_BACK:
        # Saved without a time it never comes due, and nobody is reminded.
        raise NoCallBackTime(f"{chosen.name!r} needs a time to call back")
    return WrapUp(chosen, notes, when, utc_now())


def do_not_call_reason(wrap: WrapUp, day: str) -> str:
    """What the lead's do-not-call mark says: the notes, then the call's day (YYYY-MM-DD,
    UTC): "said no (wrap-up of the call on 2026-11-30)", or the day's part alone.

    The disposition's name is left out: the mark already says "Do not call", and a refusal
    that quotes the reason would say it twice, in brackets within brackets.
    """
    source = f"wrap-up of the call on {day}"
    return f"{wrap.notes} ({source})" if wrap.notes else source


def check_disposition(disposition: Disposition, known: Iterable[Disposition]) -> Disposition:
    """A disposition's name stripped, with something visible, on one line (no control
    character), at most MAX_NAME characters and no other's
    in ``known`` (the list as it is; case ignored), its kind known and no other's;
    BadDisposition (a ValueError: one sentence naming the rule; ``field``) otherwise."""
    name = disposition.name.strip()
    # Zero-width and other format characters alone (category Cf) would be an invisible entry
    # on the strip; control characters (a line break, a tab) break the one-line listings.
    if not name or all(c.isspace() or unicodedata.category(c) == "Cf" for c in name):
        raise BadDisposition("name", "a disposition needs a name")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise BadDisposition(
            "name", "a disposition's name is one line: no line break, tab or control character"
        )
    if len(name) > MAX_NAME:
        raise BadDisposition(
            "name", f"a disposition's name is limited to {MAX_NAME} characters ({len(name)} given)"
        )
    if disposition.kind not in KINDS:
        raise BadDisposition(
            "kind", f"a disposition's kind is one of {', '.join(k for k in KINDS if k)}"
        )
    known = list(known)
    for other in known:
        if other.name.casefold() == name.casefold() and other.id != disposition.id:
            raise BadDisposition(
                "name", f"a disposition named {name!r} already exists (names ignore case)"
            )
    for other in known:
        if disposition.kind and other.kind == disposition.kind and other.id != disposition.id:
            meaning = disposition.kind.replace("_", " ")
            raise BadDisposition(
                "kind", f"{other.name!r} already means {meaning}; only one disposition can"
            )
    return Disposition(disposition.id, name, disposition.position, disposition.kind)


def edit_refusal(team_state: Mapping[str, str]) -> str:
    """Why this desktop may not edit the dispositions (LEAD_ONLY for an agent in team mode),
    or "" when it may; ``team_state`` is the store's (keys in docs/team-server.md)."""
    return LEAD_ONLY if team_state.get("role") == "agent" else ""


def next_position(known: Iterable[Disposition]) -> int:
    """The position of a disposition added at the end of ``known``."""
    return max((d.position for d in known), default=-1) + 1


def inserted(known: Sequence[Disposition], added: Disposition, place: int) -> list[Disposition]:
    """The list with ``added`` at ``place`` (1-based, as `dispositions list` numbers them:
    1 is first, len(known) + 1 last), the ones from there on shifted down, every position
    renumbered 0..n (two may share one after an older add). IndexError outside 1..n+1.
    """
    if not 1 <= place <= len(known) + 1:
        raise IndexError(f"place {place} is not in 1..{len(known) + 1}")
    order = list(known)
    order.insert(place - 1, added)
    return [d._replace(position=position) for position, d in enumerate(order)]


def placing(
    known: Sequence[Disposition], disposition: Disposition, place: int
) -> tuple[Disposition, list[Disposition]]:
    """What placing ``disposition`` at ``place`` (1-based, see inserted) writes over the list
    ``known`` (as read in the writing transaction): (the disposition as it will be saved, the
    others whose position changes). A new one (id None) is checked (check_disposition:
    BadDisposition); one with an id is one of ``known`` moved (its name and kind as stored:
    KeyError when it is not there). IndexError for a place outside the list.
    """
    if disposition.id is None:
        inserted(known, disposition, place)  # a place outside the list is said first
        chosen, rest = check_disposition(disposition, known), list(known)
    else:
        found = next((d for d in known if d.id == disposition.id), None)
        if found is None:
            raise KeyError(f"no disposition with id {disposition.id}")
        chosen, rest = found, [d for d in known if d.id != found.id]
    order = inserted(rest, chosen, place)
    before = {d.id: d.position for d in rest}
    placed = order[place - 1]
    return placed, [d for d in order if d is not placed and before[d.id] != d.position]


def migrate(conn: sqlite3.Connection) -> None:
    """Schema: the dispositions table (seeded), wrap-up columns on history, do-not-call on leads."""
    statements = [
        """CREATE TABLE dispositions (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            position INTEGER NOT NULL DEFAULT 0,
            kind TEXT NOT NULL DEFAULT '' CHECK (kind IN ('', 'do_not_call', 'call_back'))
        )""",
        # One disposition of each meaning, so "the do-not-call one" is never ambiguous.
        "CREATE UNIQUE INDEX dispositions_kind ON dispositions(kind) WHERE kind != ''",
        "ALTER TABLE history ADD COLUMN disposition TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE history ADD COLUMN notes TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE history ADD COLUMN wrapped_at TEXT",
        "ALTER TABLE history ADD COLUMN callback_at TEXT",
        "CREATE INDEX history_callback ON history(callback_at) WHERE callback_at IS NOT NULL",
        "CREATE INDEX history_disposition ON history(disposition) WHERE disposition != ''",
        "ALTER TABLE leads ADD COLUMN do_not_call INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE leads ADD COLUMN do_not_call_reason TEXT NOT NULL DEFAULT ''",
        # The call whose wrap-up set the mark ('' when set by hand), so changing that wrap-up
        # to another disposition takes the mark away again (a key pressed by mistake).
        "ALTER TABLE leads ADD COLUMN do_not_call_call TEXT NOT NULL DEFAULT ''",
        # Every call looks its number up here before anything is sent.
        "CREATE INDEX leads_do_not_call ON leads(number) WHERE do_not_call = 1",
    ]
    for statement in statements:
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO dispositions(name, position, kind) VALUES (?, ?, ?)",
        [(name, position, kind) for position, (name, kind) in enumerate(DEFAULTS)],
    )


_DISPOSITIONS = "SELECT id, name, position, kind FROM dispositions ORDER BY position, id"


def write_placing(
    conn: Any, disposition: Disposition, place: int, mark: str, duplicate: type[Exception]
) -> Disposition:
    """place_disposition's writes in the open transaction ``conn`` of either engine (sqlite3
    or psycopg; ``mark`` its parameter mark, ``?`` or ``%s``): the list read, ``disposition``
    added or moved at ``place`` (placing's rule and errors), the others renumbered. Returns it
    as saved; ValueError when the unique index refuses its name or kind (``duplicate``, the
    engine's error for that).
    """
    known = [Disposition(*row) for row in conn.execute(_DISPOSITIONS).fetchall()]
    d, shifted = placing(known, disposition, place)
    if d.id is None:
        insert = f"INSERT INTO dispositions(name, position, kind) VALUES ({mark}, {mark}, {mark})"
        try:
            if mark == "?":  # SQLite: lastrowid (its RETURNING needs 3.35, newer than some)
                d = d._replace(id=conn.execute(insert, (d.name, d.position, d.kind)).lastrowid)
            else:
                row = conn.execute(f"{insert} RETURNING id", (d.name, d.position, d.kind))
                d = d._replace(id=int(row.fetchone()[0]))
        except duplicate:
            raise ValueError(_duplicate(d)) from None
    else:
        shifted.append(d)
    conn.cursor().executemany(  # a cursor: psycopg's connection has no executemany
        f"UPDATE dispositions SET position = {mark} WHERE id = {mark}",
        [(other.position, other.id) for other in shifted],
    )
    return d


class WrapUpMixin(DoNotCallLookup):
    """Dispositions, wrap-ups, call-backs and do-not-call marks of Store (SQLite)."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def get_call(self, call_id: int) -> CallRecord | None: ...

    # The team's list
    def list_dispositions(self) -> list[Disposition]:
        """The dispositions in the team's order."""
        with self._read() as conn:
            return [Disposition(*row) for row in conn.execute(_DISPOSITIONS).fetchall()]

    def save_disposition(self, disposition: Disposition) -> Disposition:
        """Add (id None) or change a disposition; returns it as saved.

        ValueError for an empty or duplicate name (names ignore case) or a kind another one
        has; KeyError for an unknown id. Calls already wrapped up keep the name they got.
        """
        d = check_disposition(disposition, self.list_dispositions())
        try:
            with self._tx() as conn:
                if d.id is None:
                    cur = conn.execute(
                        "INSERT INTO dispositions(name, position, kind) VALUES (?, ?, ?)",
                        (d.name, d.position, d.kind),
                    )
                    return Disposition(cur.lastrowid, d.name, d.position, d.kind)
                cur = conn.execute(
                    "UPDATE dispositions SET name = ?, position = ?, kind = ? WHERE id = ?",
                    (d.name, d.position, d.kind, d.id),
                )
                if cur.rowcount == 0:
                    raise KeyError(f"no disposition with id {d.id}")
                return d
        except sqlite3.IntegrityError:
            raise ValueError(_duplicate(d)) from None

    def place_disposition(self, disposition: Disposition, place: int) -> Disposition:
        """Add a disposition (id None) at ``place``, or move one (id set; only its place
        changes) there, and renumber the list 0..n-1, all in one transaction: a failure
        midway leaves the list as it was. ``place`` is 1-based as `dispositions list` numbers
        them. Returns the disposition as saved. BadDisposition (a ValueError) for a name or
        kind the rules refuse, KeyError for an unknown id, IndexError outside 1..n(+1).
        """
        with self._tx() as conn:
            return write_placing(conn, disposition, place, "?", sqlite3.IntegrityError)

    def delete_disposition(self, disposition_id: int) -> None:
        """Remove a disposition from the list; calls wrapped up with it keep its name."""
        with self._tx() as conn:
            conn.execute("DELETE FROM dispositions WHERE id = ?", (disposition_id,))

    # A call's wrap-up
    def find_call(self, ref: str) -> CallRecord | None:
        """The call a person or a script names: its history id, else its sid (newest first)."""
        ref = ref.strip()
        if ref.isdigit() and (call := self.get_call(int(ref))) is not None:
            return call
        with self._read() as conn:
            row = conn.execute(
                "SELECT id FROM history WHERE sid = ? AND sid != '' ORDER BY id DESC LIMIT 1",
                (ref,),
            ).fetchone()
        return self.get_call(int(row[0])) if row else None

    def wrap_up(
        self, call_id: int, disposition: str, notes: str = "", callback_at: str | None = None
    ) -> CallRecord:
        """Save (or change) a call's wrap-up; returns the call as it now reads.

        Checked first (check_wrap_up: UnknownDisposition, ValueError); KeyError for an
        unknown call. A "Do not call" disposition marks every lead with the call's number;
        changing that call's wrap-up to another takes away the mark it set, and no other.
        """
        wrap = check_wrap_up(self.list_dispositions(), disposition, notes, callback_at)
        with self._tx() as conn:
            row = conn.execute("SELECT id FROM history WHERE id = ?", (call_id,)).fetchone()
            if row is None:
                raise KeyError(f"no call with id {call_id}")
            conn.execute(
                "UPDATE history SET disposition = ?, notes = ?, wrapped_at = ?, callback_at = ?"
                " WHERE id = ?",
                (wrap.name, wrap.notes, wrap.wrapped_at, wrap.callback_at, call_id),
            )
            call = self.get_call(call_id)  # the same connection, inside this transaction
            assert call is not None
            source = str(call_id)
            if wrap.do_not_call:
                conn.execute(
                    "UPDATE leads SET do_not_call = 1, do_not_call_reason = ?,"
                    " do_not_call_call = ? WHERE number = ? AND do_not_call = 0",
                    (do_not_call_reason(wrap, call.created_at[:10]), source, call.lead_number),
                )
            else:
                conn.execute(
                    "UPDATE leads SET do_not_call = 0, do_not_call_reason = '',"
                    " do_not_call_call = '' WHERE number = ? AND do_not_call_call = ?",
                    (call.lead_number, source),
                )
        return call

    # Do not call
    def set_do_not_call(self, lead_id: int, reason: str | None) -> None:
        """Mark a lead "Do not call" with ``reason`` (one line a person wrote), or clear the
        mark (None). KeyError for an unknown lead; ValueError for an empty reason."""
        if reason is not None and not reason.strip():
            raise ValueError("say why the lead is not to be called")
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE leads SET do_not_call = ?, do_not_call_reason = ?, do_not_call_call = ''"
                " WHERE id = ?",
                (int(reason is not None), (reason or "").strip(), lead_id),
            )
            if cur.rowcount == 0:
                raise KeyError(f"no lead with id {lead_id}")

    def _marked_lead_id(self, number: str) -> int | None:
        """The first (by id) lead with this number marked "Do not call" itself, or None."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT id FROM leads WHERE number = ? AND do_not_call = 1 ORDER BY id LIMIT 1",
                (number,),
            ).fetchone()
        return int(row[0]) if row else None

    # Call-backs
    def due_callbacks(self, now: str | None = None) -> list[CallRecord]:
        """Calls whose call-back time has come (not after ``now``, ISO UTC; default now),
        soonest first; a later call to the same number supersedes a call-back."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {RECORD_COLUMNS} FROM history h WHERE h.callback_at IS NOT NULL"
                " AND h.callback_at <= ? AND NOT EXISTS (SELECT 1 FROM history n"
                " WHERE n.lead_number = h.lead_number AND n.created_at > h.created_at)"
                " ORDER BY h.callback_at, h.id",
                (now or utc_now(),),
            ).fetchall()
        return [CallRecord(*row) for row in rows]


def _duplicate(d: Disposition) -> str:
    # The kind was checked first (check_disposition); two desktops adding the same meaning at
    # once would both pass it, and the unique index refuses the second for the same reason.
    taken = f"a disposition named {d.name!r} already exists (names ignore case)"
    meaning = d.kind.replace("_", " ")
    return f"{taken}, or another one already means {meaning}" if d.kind else taken
