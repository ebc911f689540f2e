"""The payments federation schema (Federation v2, coded errors, no request text in logs)."""

from __future__ import annotations

from subgraphs.kit.schema import federation_schema
from subgraphs.payments.graphql.entities import Order, Payment
from subgraphs.payments.graphql.subscriptions import Subscription

__all__ = ["schema"]

schema = federation_schema(subscription=Subscription, types=[Payment, Order])
