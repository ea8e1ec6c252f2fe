"""A throwaway PostgreSQL cluster for the team tests: started once per session, in a temp dir.

It listens on 127.0.0.1 only (and on a unix socket in its own folder), keeps
``synchronous_commit=on`` (with it off an acknowledged row can be lost in a crash), and asks
for a password over TCP (scram-sha-256), so logging in is tested as a team server does it.
``initdb`` refuses root: as root the cluster runs as the ``postgres`` user (runuser).
When PostgreSQL cannot be had, ``unavailable()`` says why in one line.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

REQUIRE_ENV = "FINDME_REQUIRE_POSTGRES"
SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "throwaway-" + uuid.uuid4().hex  # this session's cluster only
TEMPLATE = "findme_template"
# Two login roles, one in each group role that `team init` creates.
LEAD_USER, AGENT_USER, ROLE_PASSWORD = "lead_ann", "agent_bob", "pw-" + uuid.uuid4().hex[:12]


def find_binary(name: str) -> str | None:
    """``name`` on PATH, else in Debian's /usr/lib/postgresql/<v>/bin (newest first)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return candidates[-1] if candidates else None


def _run_as() -> list[str]:
    """The prefix that runs a server binary as a user initdb accepts."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", SUPERUSER, "--"]


def unavailable() -> str | None:
    """Why no cluster can be started here, in one line; None when it can."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'psycopg[binary]')"
    for name in ("initdb", "pg_ctl"):
        if find_binary(name) is None:
            return f"PostgreSQL's {name} is not on PATH nor in /usr/lib/postgresql/*/bin"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SUPERUSER)
        except KeyError:
            return "running as root and there is no 'postgres' user to run initdb as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, dbname: str, user: str = SUPERUSER, password: str | None = None) -> str:
        """A postgresql:// URL over TCP to 127.0.0.1; the password only when given."""
        auth = f"{user}:{password}" if password else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{dbname}"

    def admin_url(self, dbname: str = "postgres") -> str:
        return self.url(dbname, SUPERUSER, SUPERUSER_PASSWORD)

    def pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [*_run_as(), find_binary("pg_ctl") or "pg_ctl", "-D", str(self.data), *args]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=60)

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port}"
            f" -c unix_socket_directories={self.folder}"
            " -c synchronous_commit=on -c fsync=off -c max_connections=100"
        )
        self.pg_ctl("-w", "-t", "60", "-l", str(self.folder / "server.log"), "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-m", mode, "-w", "stop", check=False)

    def admin(self, sql: str, dbname: str = "postgres") -> None:
        """Run ``sql`` as the superuser, outside a transaction (CREATE DATABASE needs that)."""
        import psycopg

        with psycopg.connect(self.admin_url(dbname), autocommit=True) as conn:
            conn.execute(sql)


def start_cluster() -> Cluster:
    """initdb in a fresh temp dir and start the server; the caller stops it (destroy)."""
    folder = Path(tempfile.mkdtemp(prefix="findme-pg-"))
    os.chmod(folder, 0o700)
    if os.geteuid() == 0:
        user = pwd.getpwnam(SUPERUSER)
        os.chown(folder, user.pw_uid, user.pw_gid)
    pwfile = folder / "pw"
    pwfile.write_text(SUPERUSER_PASSWORD + "\n")
    if os.geteuid() == 0:
        os.chown(pwfile, pwd.getpwnam(SUPERUSER).pw_uid, -1)
    subprocess.run(
        [
            *_run_as(),
            find_binary("initdb") or "initdb",
            "-D",
            str(folder / "data"),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(pwfile),
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "-E",
            "UTF8",
            "--no-instructions",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    pwfile.unlink()
    cluster = Cluster(folder, _free_port())
    cluster.start()
    deadline = time.monotonic() + 30
    while True:  # -w waits for the socket; the first login may still race the start-up
        try:
            cluster.admin("SELECT 1")
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    return cluster


def destroy(cluster: Cluster) -> None:
    cluster.stop("immediate")
    shutil.rmtree(cluster.folder, ignore_errors=True)
