"""A throw-away PostgreSQL for tests and benchmarks.

``.ci/run`` starts one and exports ``PLANTRACK_TEST_PG``; without it, :func:`start` runs
``initdb`` + ``pg_ctl`` from the local PostgreSQL binaries in a temporary folder (as the
``postgres`` user when running as root, which PostgreSQL refuses), listening only on a unix
socket in that folder, and :func:`stop` removes it.

    python -m tests.pg_server start DIR   # prints the URL
    python -m tests.pg_server stop DIR
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg

ENV = "PLANTRACK_TEST_PG"


def bin_dir() -> Path | None:
    """The folder with initdb/pg_ctl (PATH first, then Debian's versioned folders)."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


def _as_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def url_for(folder: Path, dbname: str = "postgres") -> str:
    return f"postgresql://postgres@/{dbname}?host={folder}&port=5432"


def start(folder: Path) -> str:
    """initdb + pg_ctl start in ``folder``; returns the URL of database ``postgres``."""
    bins = bin_dir()
    if bins is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"

    def run(*cmd: str) -> None:
        exe = [str(bins / cmd[0]), *cmd[1:]]
        subprocess.run(_as_owner(exe), check=True, capture_output=True, text=True)

    run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
    opts = (
        f"-c listen_addresses='' -k {folder} -p 5432 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB "
        "-c work_mem=32MB -c maintenance_work_mem=256MB"
    )
    run("pg_ctl", "-D", str(data), "-l", str(folder / "log"), "-o", opts, "-w", "start")
    return url_for(folder)


def stop(folder: Path) -> None:
    bins = bin_dir()
    data = folder / "data"
    if bins is not None and data.exists():
        subprocess.run(
            _as_owner([str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
    shutil.rmtree(folder, ignore_errors=True)


def create_database(server_url: str, name: str | None = None) -> str:
    """A new empty database on the server; returns its URL."""
    name = name or f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    return with_database(server_url, name)


def drop_database(server_url: str, url: str) -> None:
    from plantrack.store.engine_postgres import close_pool

    close_pool(url)
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def with_database(server_url: str, name: str) -> str:
    """The server URL with another database name (keeps host, port and options)."""
    head, sep, query = server_url.partition("?")
    scheme, _, rest = head.partition("://")
    authority = rest.split("/", 1)[0]
    return f"{scheme}://{authority}/{name}{sep}{query}"


if __name__ == "__main__":
    action, where = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        print(start(where))
    else:
        stop(where)
