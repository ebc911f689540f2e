"""The optional native build (infra/native.py): the executor's hot modules compiled with mypyc
in place (``make native``) and carried by the wheel the Dockerfile builds from such a tree pass
the same executor tests as the pure-Python modules (which every other test runs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra import native
from tests.strict import require_module

ROOT = Path(__file__).resolve().parents[3]
EXECUTOR = ("gateway.executor.entities", "gateway.executor.merge", "gateway.executor.shape")
WHERE = "import importlib, sys; print(*(importlib.import_module(m).__file__ for m in sys.argv[1:]))"


def imported_from(cwd: Path, env: dict[str, str] | None = None) -> list[str]:
    done = subprocess.run([sys.executable, "-c", WHERE, *EXECUTOR], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout.split()


@pytest.mark.timeout(600)
def test_the_compiled_executor_in_place_and_in_the_image_wheel_passes_the_executor_tests(
        tmp_path: Path) -> None:
    require_module("mypyc", "mypy (with mypyc) is in the test extra: pip install -e '.[test]'")
    tree = native.copy_sources(tmp_path / "tree")
    shutil.copy(ROOT / "README.md", tree / "README.md")  # the project's metadata names it
    built = native.build(tree)
    assert [p.name.split(".")[0] for p in built] == ["entities", "merge", "shape"]
    # in place (make native): the compiled modules, not the sources beside them, are imported
    assert all(path.endswith(".so") for path in imported_from(tree))
    assert not (tree / "build").exists()  # nothing but the extension modules left in the tree

    # the Dockerfile's build stage: `pip wheel .` over the compiled tree
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels),
                    str(tree)], check=True, capture_output=True)
    [wheel] = wheels.glob("*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    runtime = [n for n in names if n.startswith("gateway/executor/native__mypyc.")]
    assert runtime, "the compiled modules' shared runtime library is missing from the wheel"

    # what the image runs: the installed wheel, no sources of ours beside the tests
    run = tmp_path / "run"
    shutil.copytree(ROOT / "tests", run / "tests",
                    ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    shutil.copy(ROOT / "pyproject.toml", run / "pyproject.toml")  # pytest's settings
    env = {**os.environ, "PYTHONPATH": str(site)}
    assert all(path.startswith(str(site)) and path.endswith(".so")
               for path in imported_from(run, env))
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
         "tests/gateway/executor", "--ignore", "tests/gateway/executor/test_native.py"],
        cwd=run, env=env, capture_output=True, text=True)
    assert tests.returncode == 0 and " passed" in tests.stdout, tests.stdout[-3000:]

    native.clean(tree)
    assert native.built(tree) == []
    assert not list((tree / "gateway" / "executor").glob("*.so"))
