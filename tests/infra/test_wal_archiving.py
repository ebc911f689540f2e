"""compose.yaml's WAL archiving settings, run on a real PostgreSQL: segments reach the archive."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from infra.dev.services import ROOT
from streaming.broker import free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

# Debian's server binaries, newest version installed (initdb and pg_ctl are not on PATH there)
BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name),
          default=Path("/usr/lib/postgresql/15/bin"))


def compose_settings() -> list[str]:
    """The ``-c name=value`` settings compose.yaml starts every database with."""
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    script = compose["services"]["orders-db"]["command"][-1]
    words = shlex.split(script)
    return [words[i + 1] for i, word in enumerate(words) if word == "-c"]


def as_postgres(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *argv], check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture
def cluster():
    if not (BIN / "initdb").exists():
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"PostgreSQL server binaries are needed in {BIN}")
        pytest.skip(f"PostgreSQL server binaries are needed in {BIN}")
    # pytest's tmp_path lives under a root-only directory the postgres user cannot enter
    tmp_path = Path(tempfile.mkdtemp(prefix="wal-archiving-"))
    data, archive = tmp_path / "data", tmp_path / "archive"
    archive.mkdir()
    if os.geteuid() == 0:
        shutil.chown(tmp_path, "postgres")
        shutil.chown(archive, "postgres")
    as_postgres(str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust")
    settings = [s.replace("/archive/", f"{archive}/") for s in compose_settings()]
    port = free_port()
    options = " ".join(f"-c {shlex.quote(s)}" for s in [*settings, f"port={port}",
                                                          f"unix_socket_directories={tmp_path}"])
    as_postgres(str(BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(tmp_path / "log"),
                "-w", "start", timeout=60)
    try:
        yield port, archive, tmp_path
    finally:
        as_postgres(str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop", timeout=60)
        shutil.rmtree(tmp_path, ignore_errors=True)


def test_compose_database_settings_archive_every_finished_wal_segment(cluster):
    port, archive, sockets = cluster
    psql = ["psql", "-h", str(sockets), "-p", str(port), "-U", "postgres", "-Atc"]
    assert as_postgres(*psql, "SHOW archive_mode").stdout.strip() == "on"

    as_postgres(*psql, "CREATE TABLE t AS SELECT generate_series(1, 1000) AS x")
    segment = as_postgres(*psql, "SELECT pg_walfile_name(pg_switch_wal())").stdout.strip()

    deadline = time.monotonic() + 30
    archived = "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"
    while as_postgres(*psql, archived).stdout.strip() < segment:
        assert time.monotonic() < deadline, f"{segment} was never archived into {archive}"
        time.sleep(0.2)
    assert (archive / segment).stat().st_size == 16 * 1024 * 1024
