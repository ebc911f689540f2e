"""Read the supergraph SDL from its file or, when configured, from a URL (an artefact server)."""

from __future__ import annotations

from pathlib import Path

import httpx

__all__ = ["read_supergraph"]


def read_supergraph(path: Path, url: str = "", timeout: float = 10.0) -> str:
    """The SDL at ``url`` when set, else in ``path``; OSError when it cannot be had.

    Blocking: call it at start-up or through ``asyncio.to_thread``.
    """
    if not url:
        return path.read_text()
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as error:
        raise OSError(f"cannot fetch supergraph from {url}: {error}") from error
    return response.text
