"""The Dockerfile builds in one stage and runs slim, as a non-root user, with a health check;
the storefront's image builds the web app from its lock file and serves it with nginx."""

from __future__ import annotations

import re

from infra.dev.services import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def stages() -> list[str]:
    return re.split(r"(?m)^FROM ", DOCKERFILE)[1:]


def stage(name: str) -> str:
    [found] = [s for s in stages() if s.split("\n", 1)[0].split()[-1] == name]
    return found


def test_runtime_stage_gets_only_built_wheels_from_the_build_stage():
    build, runtime = stage("build"), stage("runtime")
    assert build.split()[2] == "build" and "pip wheel" in build
    assert "COPY --from=build /wheels" in runtime and "gcc" not in runtime


def test_build_stage_compiles_the_native_executor_by_default_before_building_the_wheel():
    build = stage("build")
    assert re.search(r"(?m)^ARG NATIVE=1$", build)
    compile_at = build.index("python -m infra.native build")
    assert compile_at < build.index("RUN pip wheel")  # the wheel carries the extension modules
    assert "gcc" in build[:compile_at] and "mypy==" in build[:compile_at]
    # the pinned mypy is one the test extra allows (the build the tests compile and run)
    pinned = re.search(r"(?m)^ARG MYPY_VERSION=(\S+)$", build).group(1)
    wanted = re.search(r'"mypy>=([\d.]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert tuple(map(int, pinned.split("."))) >= tuple(map(int, wanted.split(".")))


def test_runtime_runs_as_a_non_root_user_with_a_health_check():
    runtime = stage("runtime")
    user = re.search(r"(?m)^USER (\S+)", runtime)
    assert user and user.group(1) not in ("root", "0")
    assert re.search(r"(?m)^HEALTHCHECK .*--interval", runtime)
    assert "HEALTHCHECK_URL" in runtime


def test_backup_image_adds_pg_dump_and_the_backup_tool_and_runs_as_non_root():
    backup = stage("backup")
    assert backup.split()[0] == "runtime" and "postgresql-client" in backup
    assert "infra/backup" in backup and re.search(r"(?m)^USER app", backup)


def test_storefront_image_builds_the_app_from_its_lock_file_and_serves_it_with_nginx():
    built, served = stage("storefront-build"), stage("storefront")
    steps = [line for line in built.splitlines() if line.startswith(("COPY", "RUN"))]
    assert steps[0] == "COPY storefront/package.json storefront/package-lock.json ./"
    assert steps[1].startswith("RUN npm ci")  # locked versions, cached apart from the sources
    assert "schema/persisted-query-manifest.json" in built  # the ids the bundle sends
    assert steps[-1] == "RUN npm run build"
    assert served.split()[0].startswith("nginx:")
    assert "COPY --from=storefront-build /src/storefront/dist /usr/share/nginx/html" in served
    assert "infra/nginx/storefront.conf /etc/nginx/conf.d/default.conf" in served
