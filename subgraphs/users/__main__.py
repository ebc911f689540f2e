"""``python -m subgraphs.users serve|migrate|seed|sdl`` (the kit's shared CLI)."""

from __future__ import annotations

from subgraphs.kit.cli import domain_spec, main

__all__ = ["SPEC"]

SPEC = domain_spec("subgraphs.users")

if __name__ == "__main__":
    main(SPEC)
