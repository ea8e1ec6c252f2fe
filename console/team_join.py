"""Joining and leaving a team server: what `team connect` / `team disconnect` and the Account
dialog's Team section both do (one implementation).

The server is tried first and nothing is saved when it cannot be used. The password goes to
the OS keyring (console.credentials.Vault, entry console.team_cli.KEYRING_ENTRY), the URL
without it to the settings (``team.url``, which refuses a URL carrying one), the agent name to
``team.agent``. A remote host without ``sslmode`` gets ``sslmode=verify-full``. psycopg is
imported only when these run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from console.settings import TEAM_AGENT, TEAM_URL

if TYPE_CHECKING:
    from console.credentials import Vault
    from console.settings import Settings
    from console.store import Store

KEYRING_ENTRY = "team-server"  # the keyring entry (under the console's service) of the password


class Joined(NamedTuple):
    """What the team server said when this desktop joined it."""

    url: str  # as saved: no password, sslmode proposed for a remote host
    server: str  # host:port/dbname, for sentences
    user: str
    role: str  # 'lead', 'agent', or the owner's role name
    agent: str  # the name on this desktop's calls
    schema_version: int
    password_kept_in: str  # the keyring's description ('' when there was no password)
    keyring_warning: str  # why the keyring keeps it for this run only ('' when it does not)

    def sentence(self) -> str:
        return (
            f"Connected to the team server {self.server} as {self.user} (role {self.role}, "
            f"agent name {self.agent}), schema version {self.schema_version}."
        )


def proposed_url(url: str) -> tuple[str, str | None]:
    """(``url`` as it would be saved, the password it carried or None): the password taken
    out, ``sslmode=verify-full`` added for a remote host without an sslmode.

    ValueError (one sentence, no password in it) when it is not a PostgreSQL URL.
    """
    from console.store.postgres.server import split_password, with_default_sslmode

    clean, password = split_password(url)
    if not clean:
        raise ValueError("the team server URL is empty")
    return with_default_sslmode(clean), password


def join(url: str, password: str | None, agent: str, vault: Vault, settings: Settings) -> Joined:
    """Try the team server at ``url`` (a password in it, or ``password``), then keep it.

    Raises ValueError for a URL that cannot be read, TeamServerProblem (a LocalProblem: one
    sentence) when the server cannot be used (nothing is saved then), OSError when the
    settings cannot be written, and the vault's errors (console.credentials) for the keyring.
    """
    from console.masking import SECRETS
    from console.store.postgres import PgStore
    from console.store.postgres.server import where

    url, inline = proposed_url(url)
    password = password or inline
    if password:
        SECRETS.register([password])
    agent = agent.strip()
    with PgStore.open(url, password=password, agent=agent) as store:
        facts = store.describe()
        named = store.agent
    if password:
        vault.save_text(KEYRING_ENTRY, password)
    else:
        vault.forget_text(KEYRING_ENTRY)
    settings.set(TEAM_URL, url)
    settings.set(TEAM_AGENT, agent)
    settings.save()
    return Joined(
        url=url,
        server=where(url),
        user=str(facts["user"]),
        role=str(facts["role"]),
        agent=named,
        schema_version=int(facts["schema_version"]),
        password_kept_in=vault.location if password else "",
        keyring_warning=(vault.warning or "") if password else "",
    )


def leave(vault: Vault, settings: Settings, store: Store) -> bool:
    """Stop using the team server: its URL and agent name out of the settings, its password
    out of the keyring, and ``store`` (this desktop's) forgets the team: its sync state, and
    list edits, wrap-ups and do-not-call marks not sent (they would go to whatever server
    it joins next). Its copy of the
    lists and the history stay. Returns whether this desktop had a team server."""
    had = bool(settings.get(TEAM_URL))
    settings.values.pop(TEAM_URL, None)
    settings.values.pop(TEAM_AGENT, None)
    settings.save()
    vault.forget_text(KEYRING_ENTRY)
    store.set_team_state(dict.fromkeys(store.team_state()))
    edits = store.list_edits()
    if edits:
        store.drop_list_edits(edits[-1].seq)
    for kind in ("wrap_up", "disposition", "do_not_call"):  # console.store.teamshare's
        if shared := store.share_edits(kind):
            store.drop_share_edits(kind, shared[-1].seq)
    return had
