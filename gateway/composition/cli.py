"""`python -m gateway compose [supergraph.yaml] [-o schema/supergraph.graphql]`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .compose import compose
from .config import ConfigError, load_config
from .sources import load_sources

__all__ = ["build_parser", "main"]


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """Add the compose arguments to `parser` (a sub-command parser) or to a new one."""
    parser = parser or argparse.ArgumentParser(
        prog="python -m gateway compose",
        description="Compose subgraphs listed in a rover-style supergraph.yaml.")
    parser.add_argument("config", nargs="?", default="supergraph.yaml",
                        help="rover supergraph config (default: supergraph.yaml)")
    parser.add_argument("-o", "--output", default="-",
                        help="where to write the supergraph, e.g. schema/supergraph.graphql "
                             "(default: stdout, as rover does)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds to wait for each subgraph_url (default: 10)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit 0 with the supergraph written, or 1 with one line per problem on stderr."""
    args = build_parser().parse_args(argv)
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Compose from parsed arguments; nothing is written unless composition succeeds."""
    try:
        sources = load_sources(load_config(Path(args.config)), args.timeout)
    except ConfigError as exc:
        return _fail(exc.problems)
    try:
        result = compose(sources)
    except Exception as exc:  # a composer bug must still end in one line, not a traceback
        return _fail([f"internal composition error ({type(exc).__name__}: {exc}); "
                      "please report it with the subgraph SDL"])
    for warning in result.warnings:
        print(str(warning), file=sys.stderr)
    if result.supergraph is None:
        return _fail([str(e) for e in result.errors])
    if args.output == "-":
        sys.stdout.write(result.supergraph)
    else:
        try:
            _write(Path(args.output), result.supergraph)
        except OSError as exc:
            return _fail([f"cannot write {args.output}: {exc.strerror or exc}"])
        print(f"wrote {args.output} ({len(sources)} subgraphs)", file=sys.stderr)
    return 0


def _fail(problems: list[str]) -> int:
    for problem in problems:
        print(f"error: {problem}" if not problem.startswith("error") else problem,
              file=sys.stderr)
    return 1


def _write(path: Path, text: str) -> None:
    """Write through a temporary file so readers never see a half-written supergraph."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
