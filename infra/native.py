"""Optional native build: the gateway executor's hot modules compiled with mypyc, in place.

``python -m infra.native build`` compiles ``gateway/executor/{merge,entities,shape}.py`` into
extension modules beside them (Python imports an extension module before the ``.py`` of the
same name, so the gateway then runs them; the sources stay the pure-Python fallback and are what
every other checkout runs). ``python -m infra.native clean`` removes them: rebuild after editing
those files, or the stale build keeps running. Needs mypy (the ``test`` extra) and a C compiler.
Measured (tests/bench/RESULTS.md, issue 22): ~0.85x the gateway's CPU per request.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["HOT_MODULES", "build", "built", "clean", "copy_sources"]

ROOT = Path(__file__).resolve().parents[1]
HOT_MODULES = ("gateway/executor/merge.py", "gateway/executor/entities.py",
               "gateway/executor/shape.py")
# mypyc checks argument types at run time where mypy knows them. graphql-core's types are left
# unknown (Any): the shaper passes an interface where it annotates an object type (an
# @interfaceObject answer), which must stay legal. The two error codes are findings that are no
# errors at run time: narrowing by ``type(x) is``, a helper returning None used as a value.
_CONFIG = """[mypy]
ignore_missing_imports = True
disable_error_code = union-attr, func-returns-value

[mypy-graphql.*]
follow_imports = skip

[mypy-gateway.*,common.*]
ignore_errors = True

[mypy-gateway.executor.merge,gateway.executor.entities,gateway.executor.shape]
ignore_errors = False
"""


# The extension modules share one runtime library; named inside the package (not mypyc's
# default, a hash at the top level of the tree) so that a wheel of the packages carries it.
GROUP = "gateway.executor.native"
_SETUP = """import sys
from setuptools import setup
from mypyc.build import mypycify
setup(name="native", ext_modules=mypycify(sys.argv[3:], group_name=sys.argv[2],
                                          target_dir=sys.argv[1]),
      script_args=["build_ext", "--inplace", "--build-temp", sys.argv[1],
                   "--build-lib", sys.argv[1]])
"""


def build(root: Path = ROOT) -> list[Path]:
    """Compile the hot modules of the tree at ``root`` in place; the extension modules made.
    The C sources and object files stay in a temporary folder, so a wheel built from the tree
    afterwards (the Dockerfile's build stage) takes only the extension modules."""
    with tempfile.TemporaryDirectory(prefix="native-") as folder:
        config, setup = Path(folder) / "mypy.ini", Path(folder) / "setup.py"
        config.write_text(_CONFIG)
        setup.write_text(_SETUP)  # run as a file, as mypyc's own command does: the tree is then
        # not on sys.path, and mypy checks only what the hot modules import, not the whole tree
        done = subprocess.run(
            [sys.executable, str(setup), folder, GROUP, "--config-file", str(config),
             *HOT_MODULES], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mypyc failed:\n{done.stdout[-4000:]}{done.stderr[-4000:]}")
    return built(root)


def copy_sources(into: Path, folders: tuple[str, ...] = ("gateway", "common", "infra")) -> Path:
    """This checkout's ``folders`` (and pyproject.toml) in ``into``, without any build of its
    own: a tree to build and run apart from this one."""
    skip = shutil.ignore_patterns("__pycache__", "node_modules", "*.so", ".pytest_cache")
    for folder in folders:
        shutil.copytree(ROOT / folder, into / folder, ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")
    return into


def built(root: Path = ROOT) -> list[Path]:
    """The compiled hot modules present in the tree at ``root``."""
    return sorted(p for module in HOT_MODULES
                  for p in (root / module).parent.glob(f"{Path(module).stem}.*.so"))


def clean(root: Path = ROOT) -> None:
    """Remove the compiled modules, mypyc's shared runtime library and its build folder."""
    runtime = root.joinpath(*GROUP.split(".")[:-1])
    for path in [*built(root), *runtime.glob("*__mypyc.*.so"), *root.glob("*__mypyc.*.so")]:
        path.unlink()
    shutil.rmtree(root / "build", ignore_errors=True)  # left by builds before the group name


def main(argv: list[str]) -> int:
    if argv[1:] == ["build"]:
        for path in build():
            print(path.relative_to(ROOT))
        return 0
    if argv[1:] == ["clean"]:
        clean()
        return 0
    print("usage: python -m infra.native build|clean", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
