"""The faults, one per scenario: each injects its fault into a running stack and brings back
what it broke, returning once the stack is whole again (the load keeps running throughout)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.chaos.stack import ChaosStack

__all__ = ["SCENARIOS", "Scenario"]

OUTAGE = 10.0  # seconds a subgraph stays down while the gateway serves reads
RESTART_WITHIN = 120.0  # a loaded 2-core machine can take this long to start a service


@dataclass(frozen=True)
class Scenario:
    """A fault; ``in_ci`` ones run in every CI run, the rest only in ``make chaos``."""

    name: str
    inject: Callable[[ChaosStack], None]
    in_ci: bool = False
    # The embedded broker forgets acknowledged events when it restarts (real Kafka keeps
    # them): orders and stock recover through the payment timeout and the reservation TTL,
    # but a message whose event was forgotten is never made, so it is counted, not required.
    loses_events: bool = False


def _crash(service: str, point: str) -> Callable[[ChaosStack], None]:
    """Arm ``point``, wait until ``service`` killed itself there, start it again."""

    def inject(stack: ChaosStack) -> None:
        stack.arm(point)
        assert stack.platform.wait_exited(service), f"{service} never reached crash point {point}"
        stack.platform.restart(service, within=RESTART_WITHIN)

    return inject


def _postgres(stack: ChaosStack) -> None:
    stack.postgres.restart()


def _redis(stack: ChaosStack) -> None:
    stack.redis.restart()


def _broker(stack: ChaosStack) -> None:
    broker = stack.platform.broker
    assert broker is not None
    broker.stop()  # the embedded broker forgets every topic, message and offset
    time.sleep(2)  # the outage itself, not a wait for a result
    broker.start()


def _products_down(stack: ChaosStack) -> None:
    stack.platform.kill("products")
    time.sleep(OUTAGE)  # the outage itself: reads go on meanwhile
    stack.platform.restart("products", within=RESTART_WITHIN)


SCENARIOS = [
    Scenario("payments killed after charging", _crash("payments", "payments.charged"), True),
    Scenario("orders killed before offset commit", _crash("orders", "consumer.orders.handled"),
             True),
    Scenario("products killed before offset commit",
             _crash("products", "consumer.products.handled")),
    Scenario("notifications killed mid-delivery",
             _crash("notifications", "notifications.delivered"), True),
    Scenario("postgresql restarted", _postgres, True),
    Scenario("redis restarted", _redis),
    Scenario("products down 10 s", _products_down),
    # last: it resets every topic
    Scenario("broker stopped and started", _broker, loses_events=True),
]
