"""Fixtures: the shop (in-process subgraphs) and the pipeline of a gateway over it."""

from __future__ import annotations

import pytest

from gateway.pipeline import Pipeline
from tests.gateway.pipeline.shop import Shop


@pytest.fixture
def shop() -> Shop:
    return Shop()


@pytest.fixture
def pipeline(shop: Shop) -> Pipeline:
    return shop.app().state.gateway.pipeline
