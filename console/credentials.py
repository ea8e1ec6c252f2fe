"""Credentials: kept in the OS keyring, or in memory for this run when no keyring works.

They are never written to a file by the console. The settings file holds only the
non-secret account settings (mode, label, API URL).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Any

from console import APP_NAME
from console.masking import SECRETS
from console.problems import LocalProblem

if TYPE_CHECKING:  # keyring is imported on first use: finding the OS backend takes a while
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = APP_NAME
ENTRY = "account"
# A Secret Service waiting for an unlock nobody answers never returns: every keyring call is
# given this long (seconds), then the person is told. Tests set it lower.
TIMEOUT_ENV = "FINDME_KEYRING_TIMEOUT"
DEFAULT_TIMEOUT = 15.0


def keyring_timeout() -> float:
    """Seconds a keyring call may take: $FINDME_KEYRING_TIMEOUT, else 15.

    A value that is not a positive number is logged once and the default used: a script's
    typo must not make every keyring call wait for ever (0) or fail at once (-1).
    """
    text = os.environ.get(TIMEOUT_ENV)
    if text is None:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isfinite(value) and value > 0:
        return value
    _warn_timeout_once(text)
    return DEFAULT_TIMEOUT


@functools.cache
def _warn_timeout_once(text: str) -> None:
    log.warning(
        "%s=%r is not a positive number of seconds; %g s is used",
        TIMEOUT_ENV,
        text,
        DEFAULT_TIMEOUT,
    )


class KeyringProblem(LocalProblem):
    """The OS keyring is locked, failed, did not answer, or holds an entry that is not ours."""

    def __init__(self, problem: str, hint: str, where: str = "the OS keyring") -> None:
        super().__init__(problem, where=where, hint=hint, kind="keyring")


class KeyringTimeout(KeyringProblem):
    """The keyring did not answer in time (perhaps waiting for someone to unlock it)."""


class Credentials:
    """An access key pair, or a public key. ``repr`` never shows a value.

    A plain class, not a record (``NamedTuple``): a tuple would hand its values to anything
    that iterates or encodes it (``json.dumps``, ``%`` formatting, ``*credentials``); this
    one gives them only by name. Immutable, compared and hashed by value.
    """

    __slots__ = ("access_key", "secret_access_key", "key")
    FIELDS = __slots__

    access_key: str
    secret_access_key: str
    key: str

    def __init__(self, access_key: str = "", secret_access_key: str = "", key: str = "") -> None:
        for name, value in zip(self.FIELDS, (access_key, secret_access_key, key), strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Credentials are immutable: cannot set {name}")

    def _values(self) -> tuple[str, str, str]:
        return (self.access_key, self.secret_access_key, self.key)

    def __eq__(self, other: object) -> bool:
        return type(other) is Credentials and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    @property
    def mode(self) -> str:
        if self.key:
            return "key"
        return "keypair" if self.access_key or self.secret_access_key else "none"

    def as_params(self) -> dict[str, str]:
        """The API parameters these credentials give (the non-empty ones, by name)."""
        return {name: getattr(self, name) for name in self.FIELDS if getattr(self, name)}

    def secrets(self) -> list[str]:
        """Every value that must never reach a file, a log or a message (none for the
        sandbox's, which guard nothing and would turn every mention of the sandbox into ***)."""
        if self == SANDBOX_CREDENTIALS:
            return []
        return [v for v in (self.secret_access_key, self.key, self.access_key) if v]

    def __repr__(self) -> str:
        return f"Credentials(mode={self.mode!r}, values=<redacted>)"

    __str__ = __repr__


# The sandbox needs credentials like the real service, but these guard nothing.
SANDBOX_CREDENTIALS = Credentials(key="sandbox")


def _usable(backend: KeyringBackend) -> bool:
    # keyring's fail backend and an empty chainer mean "nothing here"; the null backend
    # would silently forget what it is given.
    name = type(backend).__module__
    if name.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False
    if name.startswith("keyring.backends.chainer"):
        return bool(getattr(backend, "backends", []))
    return backend.priority > 0


def _in_daemon_thread(work: Callable[[], Any]) -> Future:
    """Run ``work`` in a thread of its own that never holds up the interpreter's exit.

    A keyring call can block for ever (an unlock prompt nobody answers): whoever waits gives
    up after keyring_timeout() and the thread is left behind, harmless.
    """
    future: Future = Future()

    def run() -> None:
        future.set_running_or_notify_cancel()
        try:
            future.set_result(work())
        except BaseException as exc:  # handed to whoever waits
            future.set_exception(exc)

    threading.Thread(target=run, name="keyring", daemon=True).start()
    return future


def _copy_outcome(source: Future, target: asyncio.Future) -> None:
    if target.done():  # given up (cancelled, timed out)
        return
    exc = source.exception()
    if exc is not None:
        target.set_exception(exc)
    else:
        target.set_result(source.result())


class Vault:
    """Where the account's credentials live; says so, and why, when it is only memory.

    Every keyring call runs in a daemon thread and is given keyring_timeout() seconds;
    one that does not answer raises KeyringTimeout, one that fails KeyringProblem.
    """

    def __init__(self, backend: KeyringBackend | None = None, service: str = SERVICE) -> None:
        # None: the OS keyring, looked up on first use, so a run that never needs the
        # keyring (the sandbox, credentials from the environment) never pays for the lookup.
        self._backend: KeyringBackend | None = None
        self._service = service
        self._memory: Credentials | None = None
        self._texts: dict[str, str] = {}  # save_text's entries when there is no keyring
        self._warning: str | None = None
        self._reading: Future | None = None  # a read still running: the next one waits on it
        if backend is not None:
            self._adopt(backend)

    @property
    def backend(self) -> KeyringBackend:
        """The keyring backend in use (the OS one is looked up on first use, bounded)."""
        if self._backend is None:
            self._wait(_in_daemon_thread(self._lookup), "look up")
        assert self._backend is not None
        return self._backend

    def _lookup(self) -> KeyringBackend:
        if self._backend is None:
            import keyring

            self._adopt(keyring.get_keyring())
        assert self._backend is not None
        return self._backend

    def _adopt(self, backend: KeyringBackend) -> None:
        # The warning first: another thread takes a set _backend as "looked up".
        if not _usable(backend):
            # Only INFO: whoever needs the credentials shows ``warning`` (a sandbox run
            # never does, and its command line output should not carry this).
            self._use_memory(
                "no OS keyring is available on this computer "
                f"({type(backend).__module__}), so credentials are kept in memory "
                "for this run only and must be entered again next time",
                level=logging.INFO,
            )
        self._backend = backend

    @property
    def warning(self) -> str | None:
        """Why credentials are kept in memory only, or None when the keyring works."""
        self.backend  # noqa: B018 - looking the backend up may set the warning
        return self._warning

    @property
    def in_memory(self) -> bool:
        return self.warning is not None

    @property
    def location(self) -> str:
        """A sentence naming where secrets go, for the status bar and `account`."""
        if self.in_memory:
            return "memory, for this run only"
        backend = self.backend
        return f"OS keyring ({getattr(backend, 'name', type(backend).__name__)})"

    def _name(self) -> str:
        """The keyring, for a sentence (without looking it up: that could block)."""
        backend = self._backend
        if backend is None:
            return "the OS keyring"
        return f"the OS keyring ({getattr(backend, 'name', type(backend).__name__)})"

    def _use_memory(self, reason: str, level: int = logging.WARNING) -> None:
        self._warning = reason
        log.log(level, "credentials: %s", reason)

    # Bounded calls: the work runs in a daemon thread, the caller waits at most the timeout.
    def _call(self, work: Callable[[KeyringBackend], Any]) -> Future:
        """``work(backend)`` in a daemon thread; its result is _MEMORY when there is no keyring."""

        def run() -> Any:
            backend = self._lookup()
            return _MEMORY if self._warning is not None else work(backend)

        return _in_daemon_thread(run)

    def _wait(self, future: Future, what: str) -> Any:
        try:
            return future.result(timeout=keyring_timeout())
        except FutureTimeout:
            raise self._timeout(what) from None
        except Exception as exc:
            raise self._problem(exc, what) from exc

    async def _await(self, future: Future, what: str) -> Any:
        # Not asyncio.wrap_future: its callback would fail on a loop closed meanwhile.
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()

        def done(source: Future) -> None:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                loop.call_soon_threadsafe(_copy_outcome, source, waiter)

        future.add_done_callback(done)
        try:
            return await asyncio.wait_for(waiter, keyring_timeout())
        except TimeoutError:
            raise self._timeout(what) from None
        except Exception as exc:
            raise self._problem(exc, what) from exc

    def _timeout(self, what: str) -> KeyringTimeout:
        return KeyringTimeout(
            f"{self._name()} did not answer within {keyring_timeout():g} s when asked to "
            f"{what} the credentials (it may be waiting for someone to unlock it)",
            "unlock it (its prompt may be open on the desktop) and try again",
            self._name(),
        )

    def _problem(self, exc: Exception, what: str) -> Exception:
        """What the person is told when the keyring raised ``exc``; KeyringError is kept."""
        from keyring.errors import KeyringError, KeyringLocked

        if isinstance(exc, KeyringLocked):
            return KeyringProblem(
                f"{self._name()} is locked, so the credentials could not be {_DONE[what]}",
                "unlock it (log in to the desktop, or open the passwords and keys manager) and"
                " try again",
                self._name(),
            )
        if isinstance(exc, KeyringError | LocalProblem):
            return exc
        # RuntimeError for a D-Bus NoReply, OSError, and whatever else a backend raises.
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        return KeyringProblem(
            f"{self._name()} failed when asked to {what} the credentials "
            f"({type(exc).__name__}{': ' + detail if detail else ''})",
            "check that the keyring service is running and unlocked, then try again",
            self._name(),
        )

    # The operations
    def save(self, credentials: Credentials) -> None:
        """Store ``credentials``, replacing any stored before (bounded; see the class)."""
        self._after_save(credentials, self._wait(self._start_save(credentials), "store"))

    async def save_async(self, credentials: Credentials) -> None:
        """``save`` without blocking the event loop; cancelling stops only the wait."""
        future = self._start_save(credentials)
        self._after_save(credentials, await self._await(future, "store"))

    def _start_save(self, credentials: Credentials) -> Future:
        from keyring.errors import KeyringError, KeyringLocked

        SECRETS.register(credentials.secrets())
        payload = json.dumps(credentials.as_params())

        def work(backend: KeyringBackend) -> Any:
            try:
                backend.set_password(self._service, ENTRY, payload)
            except KeyringLocked:
                raise  # not "no keyring": the person can unlock it
            except KeyringError as exc:
                return exc  # the run goes on with memory
            return None

        return self._call(work)

    def _after_save(self, credentials: Credentials, outcome: Any) -> None:
        if outcome is None:
            return
        if outcome is not _MEMORY:
            self._use_memory(f"the OS keyring refused to store them ({type(outcome).__name__})")
        self._memory = credentials

    def load(self) -> Credentials | None:
        """The stored credentials, or None (bounded; see the class).

        Raises KeyringProblem when the keyring is locked, fails, does not answer, or holds
        an entry that is not a credentials object: never None for those.
        """
        return self._parse(self._wait(self._start_load(), "read"))

    async def load_async(self) -> Credentials | None:
        """``load`` without blocking the event loop; cancelling stops only the wait."""
        return self._parse(await self._await(self._start_load(), "read"))

    def _start_load(self) -> Future:
        from keyring.errors import KeyringError, KeyringLocked

        # A read still waiting for an unlock is shared: a second would prompt a second time.
        if self._reading is not None and not self._reading.done():
            return self._reading

        def work(backend: KeyringBackend) -> Any:
            try:
                return backend.get_password(self._service, ENTRY)
            except KeyringLocked:
                raise  # not "no keyring": the person can unlock it
            except KeyringError as exc:
                return exc  # the run goes on with memory

        self._reading = self._call(work)
        return self._reading

    def _parse(self, stored: Any) -> Credentials | None:
        if stored is _MEMORY:
            return self._memory
        if isinstance(stored, Exception):  # a KeyringError: the run goes on in memory
            self._use_memory(f"the OS keyring could not be read ({type(stored).__name__})")
            return self._memory
        if not stored:
            return None
        try:
            data = json.loads(stored)
            shape = f"a JSON {type(data).__name__}"
        except (ValueError, RecursionError):
            data, shape = None, "not JSON"
        if not isinstance(data, dict):
            # Never the content: it may be a secret in another shape.
            raise KeyringProblem(
                f"the entry {self._service!r} / {ENTRY!r} in {self._name()} is not readable "
                f"({shape}, not a credentials object)",
                "store the credentials again (Account… in the window, or `account set`), "
                "which replaces it",
                self._name(),
            )
        credentials = Credentials(**{k: str(v) for k, v in data.items() if k in _FIELDS})
        SECRETS.register(credentials.secrets())
        return credentials

    def forget(self) -> None:
        """Delete the stored credentials, wherever they are (bounded; see the class)."""
        from keyring.errors import KeyringError, KeyringLocked, PasswordDeleteError

        self._memory = None

        def work(backend: KeyringBackend) -> None:
            try:
                backend.delete_password(self._service, ENTRY)
            except PasswordDeleteError:
                pass  # nothing was stored
            except KeyringLocked:
                raise
            except KeyringError as exc:
                log.warning(
                    "credentials: the keyring could not delete them (%s)", type(exc).__name__
                )

        self._wait(self._call(work), "delete")

    # Other secrets of this console (the team server's password), one keyring entry each,
    # with the same bounds; without a keyring they live in memory for this run.
    def save_text(self, entry: str, text: str) -> None:
        """Store ``text`` under ``entry`` (not ENTRY), replacing it (bounded; see the class)."""
        from keyring.errors import KeyringError, KeyringLocked

        SECRETS.register([text])

        def work(backend: KeyringBackend) -> Any:
            try:
                backend.set_password(self._service, entry, text)
            except KeyringLocked:
                raise
            except KeyringError as exc:
                return exc
            return None

        outcome = self._wait(self._call(work), "store")
        if outcome is not None:
            if outcome is not _MEMORY:
                self._use_memory(f"the OS keyring refused to store it ({type(outcome).__name__})")
            self._texts[entry] = text

    def load_text(self, entry: str) -> str | None:
        """The text stored under ``entry``, or None (bounded; KeyringProblem as for load)."""
        from keyring.errors import KeyringError, KeyringLocked

        def work(backend: KeyringBackend) -> Any:
            try:
                return backend.get_password(self._service, entry)
            except KeyringLocked:
                raise
            except KeyringError:
                return _MEMORY

        stored = self._wait(self._call(work), "read")
        text = self._texts.get(entry) if stored is _MEMORY else stored
        if text:
            SECRETS.register([text])
        return text or None

    def forget_text(self, entry: str) -> None:
        """Delete the text stored under ``entry``; nothing stored is not an error."""
        from keyring.errors import KeyringError, PasswordDeleteError

        self._texts.pop(entry, None)

        def work(backend: KeyringBackend) -> None:
            try:
                backend.delete_password(self._service, entry)
            except PasswordDeleteError:
                pass
            except KeyringError as exc:
                if "Locked" in type(exc).__name__:
                    raise
                log.warning("keyring: %s could not be deleted (%s)", entry, type(exc).__name__)

        self._wait(self._call(work), "delete")


_DONE = {"read": "read", "store": "stored", "delete": "deleted", "look up": "looked up"}
# The result of a keyring call when there is no usable keyring: memory is used instead.
_MEMORY = object()
_FIELDS = set(Credentials.FIELDS)
