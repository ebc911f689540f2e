"""Whether the client gives one response key several meanings at one level, under fragments.

The client may (GraphQL spec §5.3.2): `... on Book { reviews(first: 1) }` beside
`... on Movie { reviews(first: 2) }`, since a Book is never a Movie. An `@interfaceObject`
subgraph sees both as the interface, so one fetch there would meet both under one key, and
no alias could tell in its answer which object wanted which: each type needs its own fetch.
"""

from __future__ import annotations

from gateway.planner.internal import Reserved

__all__ = ["is_ambiguous"]


def is_ambiguous(reserved: dict) -> bool:
    """True when a key of this level (or of the levels below it) has more than one meaning."""
    if not isinstance(reserved, Reserved):
        return False
    return any(
        len(meanings) > 1 or is_ambiguous(reserved.nested(key))
        for key, meanings in reserved.items()
    )
