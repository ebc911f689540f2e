"""The command line every subgraph shares: ``python -m subgraphs.<name> serve|migrate|seed|sdl``."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.gc_tuning import tune_for_serving
from common.telemetry.logs import configure_logging
from common.telemetry.tracing import setup_tracing
from subgraphs.kit.migrations import upgrade
from subgraphs.kit.settings import ServiceSettings, load_settings

__all__ = ["ServiceSpec", "domain_spec", "main"]


@dataclass(frozen=True)
class ServiceSpec:
    """What the shared CLI needs to know about one subgraph."""

    name: str
    port: int
    settings_cls: type[ServiceSettings]
    migrations_dir: Path | None  # None: the service keeps no SQL database
    build_app: Callable[[Any], Any]
    schema: Callable[[], Any]
    seed: Callable[[Any], Awaitable[None]] | None = None


def domain_spec(package: str) -> ServiceSpec:
    """The spec of a domain laid out as every domain is (STYLE.md): ``config`` names SERVICE,
    PORT, its settings class and, with a database, MIGRATIONS_DIR; ``app.build_app``;
    ``graphql.schema.schema``; ``seed.seed`` when the domain has demo data. The app, schema and
    seed are imported only when a command needs them."""
    config = importlib.import_module(f"{package}.config")
    settings = [value for name in config.__all__ if isinstance(value := getattr(config, name), type)
                and issubclass(value, ServiceSettings)]
    if len(settings) != 1:
        raise TypeError(f"{package}.config must name one ServiceSettings class in __all__")
    has_seed = importlib.util.find_spec(f"{package}.seed") is not None
    return ServiceSpec(
        name=config.SERVICE,
        port=config.PORT,
        settings_cls=settings[0],
        migrations_dir=getattr(config, "MIGRATIONS_DIR", None),
        build_app=lambda chosen: _attribute(package, "app", "build_app")(chosen),
        schema=lambda: _attribute(package, "graphql.schema", "schema"),
        seed=(lambda chosen: _attribute(package, "seed", "seed")(chosen)) if has_seed else None,
    )


def _attribute(package: str, module: str, name: str) -> Any:
    return getattr(importlib.import_module(f"{package}.{module}"), name)


def main(spec: ServiceSpec, argv: list[str] | None = None) -> None:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(prog=f"python -m subgraphs.{spec.name}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve GraphQL on /graphql")
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--host", default=None)
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("seed", help="load demo data (idempotent)")
    sub.add_parser("sdl", help="print the subgraph SDL")
    args = parser.parse_args(argv)
    _COMMANDS[args.command](spec, args)


def _settings(spec: ServiceSpec, args: argparse.Namespace) -> ServiceSettings:
    overrides = {"port": spec.port}
    for name in ("port", "host"):
        if getattr(args, name, None) is not None:
            overrides[name] = getattr(args, name)
    settings = load_settings(spec.settings_cls, spec.name)
    if settings.port == 0 or getattr(args, "port", None) is not None:
        settings = load_settings(spec.settings_cls, spec.name, **overrides)
    configure_logging(spec.name, settings.log_level)
    return settings


def _serve(spec: ServiceSpec, args: argparse.Namespace) -> None:
    import uvicorn

    settings = _settings(spec, args)
    # before the app: the instrumented libraries must be patched before engines and clients exist
    if setup_tracing(spec.name) is not None:
        from common.telemetry.instrument import instrument_libraries

        instrument_libraries()
    app = spec.build_app(settings)
    tune_for_serving(settings.gc_young_threshold)  # once the app is built: its objects stay put
    # proxy_headers=False: X-Forwarded-For is believed only through the service's own trusted
    # proxies (common.auth.proxies), never through uvicorn's localhost default.
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False,
                proxy_headers=False)


def _migrate(spec: ServiceSpec, args: argparse.Namespace) -> None:
    if spec.migrations_dir is None:
        print(f"{spec.name}: no database, nothing to migrate")
        return
    upgrade(spec.migrations_dir, _settings(spec, args).database_url)


def _seed(spec: ServiceSpec, args: argparse.Namespace) -> None:
    if spec.seed is not None:
        asyncio.run(spec.seed(_settings(spec, args)))


def _sdl(spec: ServiceSpec, _args: argparse.Namespace) -> None:
    print(spec.schema().as_str().strip())


_COMMANDS = {"serve": _serve, "migrate": _migrate, "seed": _seed, "sdl": _sdl}
