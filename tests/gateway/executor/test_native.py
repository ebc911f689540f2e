"""The optional native build (infra/native.py): the executor's hot modules compiled with mypyc
pass the same executor tests as the pure-Python modules (which every other test runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from infra import native
from tests.strict import require_module


@pytest.mark.timeout(600)
def test_the_executor_compiled_with_mypyc_passes_the_executor_tests(tmp_path: Path) -> None:
    require_module("mypyc", "mypy (with mypyc) is in the test extra: pip install -e '.[test]'")
    tree = native.copy_sources(tmp_path / "tree", ("gateway", "common", "infra", "tests"))
    built = native.build(tree)
    assert [p.name.split(".")[0] for p in built] == ["entities", "merge", "shape"]
    # the compiled modules, not the sources beside them, are what the tree imports
    where = subprocess.run(
        [sys.executable, "-c", "import gateway.executor.shape as m; print(m.__file__)"],
        cwd=tree, capture_output=True, text=True, check=True).stdout
    assert where.strip().endswith(".so")
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
         "tests/gateway/executor", "--deselect",
         "tests/gateway/executor/test_native.py"], cwd=tree, capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout[-3000:]
    native.clean(tree)
    assert native.built(tree) == []
