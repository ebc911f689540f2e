"""The orders federation schema (Federation v2, coded errors, no request text in logs)."""

from __future__ import annotations

from subgraphs.kit.schema import federation_schema
from subgraphs.orders.graphql.mutations import Mutation
from subgraphs.orders.graphql.order import Order
from subgraphs.orders.graphql.product import Product
from subgraphs.orders.graphql.queries import Query
from subgraphs.orders.graphql.subscriptions import Subscription
from subgraphs.orders.graphql.user import User

__all__ = ["schema"]

schema = federation_schema(query=Query, mutation=Mutation, subscription=Subscription,
                           types=[Order, User, Product])
