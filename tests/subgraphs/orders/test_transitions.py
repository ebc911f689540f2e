"""Every pair of the order state machine, legal or not, by every road: mutations refuse an
illegal move with CONFLICT; events, which may come late or twice, leave the order alone."""

from __future__ import annotations

import itertools

import pytest

from streaming.events import OrderStatus
from subgraphs.orders.domain.errors import IllegalTransition
from subgraphs.orders.domain.state_machine import FINAL, allowed, check
from tests.subgraphs.orders.harness import EVENTS, Harness, codes_of

# DESIGN.md, "Flows": the whole table, written out rather than derived from the code.
LEGAL = {
    ("PENDING", "PAID"), ("PENDING", "PAYMENT_FAILED"), ("PENDING", "CANCELLED"),
    ("PAID", "CANCELLED"), ("PAID", "SHIPPED"), ("SHIPPED", "DELIVERED"),
}
ALL = [s.value for s in OrderStatus]
TARGET = {
    "pay": "PAID", "decline": "PAYMENT_FAILED", "reservation_failed": "CANCELLED",
    "reservation_expired": "CANCELLED", "cancel": "CANCELLED", "ship": "SHIPPED",
    "deliver": "DELIVERED",
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(ALL, ALL)))
def test_the_state_machine_allows_exactly_the_designed_moves(current: str, target: str) -> None:
    legal = (current, target) in LEGAL
    assert allowed(OrderStatus(current), OrderStatus(target)) is legal
    if not legal:
        with pytest.raises(IllegalTransition):
            check(OrderStatus(current), OrderStatus(target))


def test_payment_failed_cancelled_and_delivered_are_final() -> None:
    assert {s.value for s in FINAL} == {"PAYMENT_FAILED", "CANCELLED", "DELIVERED"}


@pytest.mark.parametrize(("current", "action"), list(itertools.product(ALL, TARGET)))
async def test_each_action_from_each_status(app: Harness, current: str, action: str) -> None:
    # given an order in `current`
    order = await app.reach(current)
    rows_before = len(order["statusHistory"])
    events_before = len(await app.published())
    # when the action happens
    result = await app.act(action, order)
    after = await app.order(order["id"])
    # then a legal move changes the status, appends one history row and announces it
    if (current, TARGET[action]) in LEGAL:
        assert after["status"] == TARGET[action]
        assert len(after["statusHistory"]) == rows_before + 1
        assert after["statusHistory"][-1]["previousStatus"] == current
        changed = await app.published("OrderStatusChanged")
        assert (changed[-1].payload.previous_status, changed[-1].payload.status) == (
            current, TARGET[action])
        return
    # and an illegal one changes nothing: CONFLICT for a person, silence for an event
    assert after["status"] == current
    assert len(after["statusHistory"]) == rows_before
    assert len(await app.published()) == events_before
    assert codes_of(result) == ([] if action in EVENTS else ["CONFLICT"])
