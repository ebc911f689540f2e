"""``python -m gateway serve | plan | compose``: run the gateway, print a plan, compose."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["main"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_log = logging.getLogger("gateway.workers")
# Supervision of `workers: N` (ours, not uvicorn's `workers`: README, "Serving", says why:
# back-off and give-up, fork after the config is validated, PDEATHSIG, metrics clean-up).
# A replacement waits _BACKOFF_SECONDS, doubling with each exit in
# the window up to _MAX_BACKOFF_SECONDS; _MAX_FAILURES exits within the window end the gateway
# (a worker that cannot start must not spin).
_BACKOFF_SECONDS = 0.5
_MAX_BACKOFF_SECONDS = 10.0
_MAX_FAILURES = 5
_FAILURE_WINDOW_SECONDS = 60
_PR_SET_PDEATHSIG = 1


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the sub-command; return the process exit code."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["compose"]:  # build-time code: imported only for this command
        from gateway.composition.cli import main as compose_main

        return compose_main(argv[1:])
    args = _parser(describe_compose=argv[:1] not in (["serve"], ["plan"])).parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    return _plan(args)


def _parser(describe_compose: bool) -> argparse.ArgumentParser:
    """The command line: every sub-command and, in the top-level help, each one's options.
    ``describe_compose`` imports the build-time composer (~0.6 s) for its options; ``serve``
    and ``plan`` skip it (``compose`` itself is dispatched before this parser)."""
    from gateway.config import GatewayConfig
    from gateway.config_help import options_help

    parser = argparse.ArgumentParser(prog="python -m gateway",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the supergraph over HTTP",
                                epilog=options_help(GatewayConfig),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    serve.add_argument("--config", type=Path, help="YAML file of GatewayConfig options (below)")
    serve.add_argument("--supergraph", type=Path,
                       help="supergraph SDL file (default: schema/supergraph.graphql)")
    serve.add_argument("--supergraph-config", type=Path,
                       help="rover-style supergraph.yaml: compose it at start-up instead")
    serve.add_argument("--host", help="interface to listen on (default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8080)")
    plan = commands.add_parser("plan", help="print the query plan of an operation")
    plan.add_argument("--supergraph", type=Path, required=True, help="supergraph SDL file")
    plan.add_argument("--query", type=Path, required=True, help="file holding the operation")
    plan.add_argument("--operation-name", help="operation to plan when the file has several")
    compose = commands.add_parser(
        "compose", help="compose a rover-style supergraph.yaml into a supergraph SDL file")
    if describe_compose:
        from gateway.composition.cli import build_parser

        build_parser(compose)
    parser.epilog = "options of each command (`python -m gateway COMMAND --help` tells more):\n" + \
        "\n".join(f"  {name:8} {_options(command)}" for name, command in commands.choices.items())
    return parser


def _options(command: argparse.ArgumentParser) -> str:
    return ", ".join("/".join(action.option_strings) or action.metavar or action.dest.upper()
                     for action in command._actions if action.dest != "help")


def _serve(args: argparse.Namespace) -> int:
    from common.telemetry.logs import configure_logging
    from common.telemetry.tracing import setup_tracing

    configure_logging("gateway")  # the one format of every process (common/telemetry/logs.py)
    setup_tracing("gateway")  # before the app: it traces only when a provider is installed
    _Server = _graceful_server()
    from gateway.config import GatewayConfig
    from gateway.fetch.supergraph_source import read_supergraph
    from gateway.supergraph import SupergraphError

    overrides = {k: v for k, v in (("supergraph_path", args.supergraph), ("host", args.host),
                                   ("port", args.port)) if v is not None}
    try:
        config = GatewayConfig.load(args.config, **overrides)
    except (OSError, ValueError) as error:  # pydantic's ValidationError is a ValueError
        print(f"invalid configuration: {error}", file=sys.stderr)
        return 2
    # Before any metric exists, so that /metrics sums over the workers.
    temporary = _shared_metrics() if config.workers > 1 else None
    from gateway.app import create_app

    source = args.supergraph_config or config.supergraph_url or config.supergraph_path
    try:
        if args.supergraph_config:
            sdl = _composed(args.supergraph_config)
        else:
            sdl = read_supergraph(config.supergraph_path, config.supergraph_url)
        app = create_app(sdl, config=config)
    except (OSError, SupergraphError, _CompositionFailed) as error:
        print(f"cannot load supergraph {source}: {error}", file=sys.stderr)
        return 1
    if config.workers == 1:
        return _run_server(_Server, app, config)
    del app  # it proved the configuration loads; each worker builds its own after the fork
    try:
        return _run_workers(_Server, lambda: create_app(sdl, config=config), config)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def _shared_metrics() -> Path | None:
    """Workers write their metrics to files of a fresh per-run directory (the one in
    ``PROMETHEUS_MULTIPROC_DIR`` when set, emptied first), so any worker's /metrics sums them.
    The temporary directory made when none is set, to delete at exit."""
    from common.telemetry.metrics import MULTIPROCESS_ENV, enable_multiprocess, run_directory

    configured = os.environ.get(MULTIPROCESS_ENV)
    directory = run_directory(configured)
    enable_multiprocess(directory)
    return None if configured else directory


def _uvicorn_config(app: Any, config: Any) -> Any:
    import uvicorn

    # uvloop and httptools, the fastest pair uvicorn has (both are dependencies): measured in
    # tests/bench/http_layer.py against uvicorn's pure-Python h11 and against granian.
    return uvicorn.Config(app, host=config.host, port=config.port, loop="uvloop",
                          http="httptools", log_config=None, access_log=False,
                          backlog=config.listen_backlog,
                          # X-Forwarded-For is believed only through config.trusted_proxies
                          # (common.auth.proxies), never through uvicorn's own default.
                          proxy_headers=False)


def _run_server(server_class: type, app: Any, config: Any,
                sockets: list[socket.socket] | None = None) -> int:
    from common.gc_tuning import tune_for_serving

    tune_for_serving(config.gc_young_threshold)  # once the app is built: its objects stay put
    server = server_class(_uvicorn_config(app, config))
    server.run(sockets=sockets)
    return 0 if server.started else 1


def _run_workers(server_class: type, make_app: Callable[[], Any], config: Any) -> int:
    """``config.workers`` forked processes serving one listening socket (the kernel spreads
    connections), supervised by this process: a worker that exits unexpectedly (crash, OOM
    kill) is replaced after a back-off, and after ``_MAX_FAILURES`` exits within
    ``_FAILURE_WINDOW_SECONDS`` the supervisor stops the rest and exits 1. SIGTERM/SIGINT are
    forwarded to the workers, which stop gracefully and are not replaced; exit 0 when all did.
    Each worker gets SIGTERM when the supervisor itself dies (even by SIGKILL)."""
    from common.telemetry.metrics import process_exited

    listener = _uvicorn_config(None, config).bind_socket()
    # Blocked in this process for good: the loop below takes them with sigtimedwait, so no
    # handler runs between a fork and its bookkeeping. A forked worker inherits the mask; its
    # server unblocks SIGTERM/SIGINT once its graceful handler is installed (a signal during
    # start-up then stops it gracefully instead of killing it).
    signal.signal(signal.SIGCHLD, _ignore)  # a handler, so the kernel queues SIGCHLD for us
    signal.pthread_sigmask(signal.SIG_BLOCK, {*_SIGNALS, signal.SIGCHLD})
    supervisor = os.getpid()

    def spawn() -> int:
        pid = os.fork()
        if pid == 0:  # the worker: its own app, event loop, caches and subgraph connections
            code = 1
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
                _exit_with_parent(supervisor)
                code = _run_server(server_class, make_app(), config, [listener])
            except BaseException:
                _log.exception("worker %d failed", os.getpid())
            finally:
                os._exit(code)
        return pid

    children = {spawn() for _ in range(config.workers)}
    failures: list[float] = []  # when workers exited unexpectedly, within the window
    restarts: list[float] = []  # when each replacement is due
    stopping = failed = False
    codes: list[int] = []
    while children or (restarts and not stopping):
        now = time.monotonic()
        while restarts and restarts[0] <= now and not stopping:
            restarts.pop(0)
            pid = spawn()
            children.add(pid)
            _log.warning("restarted a gateway worker: pid %d", pid)
        timeout = max(0.0, restarts[0] - now) if restarts and not stopping else 3600.0
        info = signal.sigtimedwait({*_SIGNALS, signal.SIGCHLD}, timeout)
        if info is not None and info.si_signo in _SIGNALS and not stopping:
            stopping = True
            _log.info("stopping %d gateway workers", len(children))
            _signal_all(children, signal.SIGTERM)
        for pid, code in _reap(children):
            children.discard(pid)
            process_exited(pid)
            if stopping:
                codes.append(code)
                continue
            now = time.monotonic()
            failures = [at for at in failures if now - at < _FAILURE_WINDOW_SECONDS] + [now]
            if len(failures) >= _MAX_FAILURES:
                _log.error("gateway worker %d exited with %s; %d workers exited within %d s: "
                           "giving up, stopping the others", pid, _describe(code),
                           len(failures), _FAILURE_WINDOW_SECONDS)
                stopping = failed = True
                restarts.clear()
                _signal_all(children, signal.SIGTERM)
                continue
            delay = min(_BACKOFF_SECONDS * 2 ** (len(failures) - 1), _MAX_BACKOFF_SECONDS)
            _log.warning("gateway worker %d exited with %s; restarting it in %.1f s",
                         pid, _describe(code), delay)
            restarts.append(now + delay)
            restarts.sort()
    listener.close()
    return 1 if failed or any(code != 0 for code in codes) else 0


def _ignore(*_: Any) -> None:
    """A no-op handler (SIGCHLD is blocked and taken by sigtimedwait)."""


def _signal_all(children: set[int], signum: int) -> None:
    for child in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signum)


def _reap(children: set[int]) -> list[tuple[int, int]]:
    """Every child that has exited, with its exit code (negative: killed by that signal)."""
    done = []
    for child in list(children):
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            done.append((pid, os.waitstatus_to_exitcode(status)))
    return done


def _describe(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"signal {signal.Signals(-code).name}"
    return f"code {code}"


def _exit_with_parent(parent: int) -> None:
    """Have the kernel send this worker SIGTERM when its supervisor dies, even by SIGKILL
    (Linux ``PR_SET_PDEATHSIG``; elsewhere a thread polls the parent id each second)."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    else:
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os.kill(os.getpid(), signal.SIGTERM)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    if os.getppid() != parent:  # it died before the request above: nobody would signal us
        os.kill(os.getpid(), signal.SIGTERM)


class _CompositionFailed(Exception):
    """supergraph.yaml did not compose; the message lists every problem."""


def _composed(config_path: Path) -> str:
    """Compose a rover config at start-up; build-time code, imported only on this path."""
    from gateway.composition.compose import compose
    from gateway.composition.config import ConfigError, load_config
    from gateway.composition.sources import load_sources

    try:
        result = compose(load_sources(load_config(config_path)))
    except ConfigError as error:
        raise _CompositionFailed("; ".join(error.problems)) from error
    if result.supergraph is None:
        raise _CompositionFailed("; ".join(str(e) for e in result.errors))
    return result.supergraph


def _graceful_server() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn, exiting 0 after a graceful SIGTERM/SIGINT shutdown.

        uvicorn re-raises the signal once it has shut down (exit 143); a clean stop that
        finished every in-flight request is a success for a supervisor.
        """

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in _SIGNALS}
            # A forked worker starts with these signals blocked (see _run_workers): one that
            # arrived while it was still starting is delivered now, to a graceful handler.
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return Server


def _plan(args: argparse.Namespace) -> int:
    from graphql import GraphQLError, parse, validate

    from gateway.executor.incremental import IncrementalOperation, has_defer, without_incremental
    from gateway.executor.incremental.describe import print_parts
    from gateway.pipeline.normalise import prepare_operation
    from gateway.plan import print_plan
    from gateway.planner import plan_operation
    from gateway.supergraph import load_supergraph

    supergraph = load_supergraph(args.supergraph.read_text())
    try:
        document = parse(args.query.read_text())
    except GraphQLError as error:
        print(error, file=sys.stderr)
        return 1
    errors = validate(supergraph.api_schema, document)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        return 1
    plan = plan_operation(supergraph, without_incremental(document), args.operation_name)
    print(print_plan(plan))
    if has_defer(document):  # and where each deferred part lands, and what it waits for
        operation = prepare_operation(supergraph.api_schema, document, args.operation_name)
        print(print_parts(IncrementalOperation(operation, plan), {}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
