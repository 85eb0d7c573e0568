"""A throwaway PostgreSQL server for the tests and benchmarks: Debian's binaries, initdb in a temp
folder (as the `postgres` user when running as root), a free port, stopped at the end."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# A role with a password, for the tests of a wrong password (every other role is trusted).
PASSWORD_USER = "coder"
PASSWORD = "s3cret-pw"


class ServerUnavailable(Exception):
    """The server could not be started: the reason, for a test failure (never a skip)."""


def find_bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ServerUnavailable("PostgreSQL binaries not found (no /usr/lib/postgresql/*/bin/initdb): "
                            "run `make test`, which installs Debian's postgresql package")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    root: Path
    bin_dir: Path
    port: int
    as_postgres: bool

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str = "postgres", user: str = "postgres", password: str = "") -> str:
        auth = f"{user}:{password}" if password else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / argv[0]), *argv[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)

    def start(self) -> None:
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        done = self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                         "--no-sync", "-E", "UTF8", "--locale=C")
        if done.returncode != 0:
            raise ServerUnavailable(f"initdb failed: {(done.stderr or done.stdout).strip()[-500:]}")
        with (self.data / "pg_hba.conf").open("w") as fh:
            fh.write("local all all trust\n"
                     f"host all {PASSWORD_USER} 127.0.0.1/32 scram-sha-256\n"
                     "host all all 127.0.0.1/32 trust\n")
        # Throwaway data: no fsync (a killed client, not a killed server, is what tests test).
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                   "-c shared_buffers=32MB")
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                         "-t", "60", "-o", options, "start")
        if done.returncode != 0:
            log = (self.root / "server.log")
            tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
            raise ServerUnavailable(f"pg_ctl start failed: {(done.stderr or done.stdout).strip()[-300:]} {tail}")
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.url(), autocommit=True) as conn:
                    conn.execute(f"CREATE ROLE {PASSWORD_USER} LOGIN SUPERUSER PASSWORD '{PASSWORD}'")
                return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise ServerUnavailable(f"the server started but takes no connections: {exc}") from exc
                time.sleep(0.1)

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PgServer:
    """Start a fresh server; raises ServerUnavailable with the reason."""
    bin_dir = find_bin_dir()
    as_postgres = os.geteuid() == 0
    if as_postgres and shutil.which("runuser") is None:
        raise ServerUnavailable("running as root and `runuser` is missing: initdb refuses to run as root")
    # Not under pytest's temp folder: its parents are private to root, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="chronicler-pg-"))
    server = PgServer(root=root, bin_dir=bin_dir, port=free_port(), as_postgres=as_postgres)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server
