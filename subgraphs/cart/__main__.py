"""``python -m subgraphs.cart serve|migrate|seed|sdl`` (the kit's shared CLI).

The cart keeps no SQL database, so ``migrate`` has nothing to do and ``seed`` loads nothing.
"""

from __future__ import annotations

from subgraphs.kit.cli import domain_spec, main

__all__ = ["SPEC"]

SPEC = domain_spec("subgraphs.cart")

if __name__ == "__main__":
    main(SPEC)
