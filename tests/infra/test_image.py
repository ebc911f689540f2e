"""The Dockerfile builds in one stage and runs slim, as a non-root user, with a health check."""

from __future__ import annotations

import re

from infra.dev.services import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def stages() -> list[str]:
    return re.split(r"(?m)^FROM ", DOCKERFILE)[1:]


def test_runtime_stage_gets_only_built_wheels_from_the_build_stage():
    build, runtime, _backup = stages()
    assert build.split()[2] == "build" and "pip wheel" in build
    assert "COPY --from=build /wheels" in runtime and "gcc" not in runtime


def test_runtime_runs_as_a_non_root_user_with_a_health_check():
    runtime = stages()[1]
    user = re.search(r"(?m)^USER (\S+)", runtime)
    assert user and user.group(1) not in ("root", "0")
    assert re.search(r"(?m)^HEALTHCHECK .*--interval", runtime)
    assert "HEALTHCHECK_URL" in runtime


def test_backup_image_adds_pg_dump_and_the_backup_tool_and_runs_as_non_root():
    backup = stages()[2]
    assert backup.split()[0] == "runtime" and "postgresql-client" in backup
    assert "infra/backup" in backup and re.search(r"(?m)^USER app", backup)
