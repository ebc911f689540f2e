"""The Relay ``PageInfo`` type every subgraph's connections share (Relay Cursor Connections
Specification, section 5: PageInfo)."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

__all__ = ["PageInfo", "page_info"]


# Federation v2: a value type defined alike in several subgraphs must be @shareable.
@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        description="True when the page was asked for after a cursor (forward paging only)."
    )
    start_cursor: str | None
    end_cursor: str | None


def page_info(cursors: Sequence[str], *, has_next_page: bool, has_previous_page: bool) -> PageInfo:
    """The PageInfo of a page whose edges carry ``cursors``, in order."""
    return PageInfo(
        has_next_page=has_next_page,
        has_previous_page=has_previous_page,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
