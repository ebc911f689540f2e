"""One checkout is one connected trace: gateway -> orders -> (Kafka) products -> payments ->
orders -> notifications, exported over OTLP/HTTP by every process to a receiver in the test.
And the logs of the run never carry the passwords, tokens or secrets it used."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ADMIN, Client
from tests.e2e.otlp import OtlpReceiver, ReceivedSpan
from tests.e2e.platform import SECRET, Platform
from tests.e2e.saga import new_customer, new_product, wait_for_status

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHECKOUT = "mutation Checkout($m: String!) { checkout(paymentMethod: $m) { id status } }"
# The services a paid checkout crosses, in causal order, from the client's request to the
# notification (each hop from one service to the next through Kafka, except the first).
SAGA = ["gateway", "orders", "products", "payments", "orders", "notifications"]


def _paid_checkout(anonymous: Client, admin: Client) -> Client:
    """A new customer buys a new product (a named Checkout operation); waits until PAID."""
    customer, product = new_customer(anonymous), new_product(admin, stock=3)
    customer.data("mutation($p: ID!) { addToCart(productId: $p, quantity: 1) { id } }", p=product)
    order = customer.data(CHECKOUT, m="pm_card_visa")["checkout"]["id"]
    wait_for_status(customer, order, {"PAID"})
    return customer


def _root(spans: list[ReceivedSpan]) -> ReceivedSpan | None:
    return next((s for s in spans if s.service == "gateway" and s.kind == "SERVER"
                 and s.attributes.get("graphql.operation.name") == "Checkout"), None)


def _hops(span: ReceivedSpan, by_id: dict[str, ReceivedSpan]) -> list[str]:
    """The services from the trace's root down to ``span``, one entry per change of service."""
    services = []
    current: ReceivedSpan | None = span
    while current is not None:
        if not services or services[-1] != current.service:
            services.append(current.service)
        current = by_id.get(current.parent_id)
    return services[::-1]


def _saga_trace(spans: list[ReceivedSpan]) -> list[ReceivedSpan] | None:
    """The checkout's trace once it reaches notifications through the whole saga, with every
    span's parent received."""
    root = _root(spans)
    if root is None:
        return None
    trace = [s for s in spans if s.trace_id == root.trace_id]
    by_id = {s.span_id: s for s in trace}
    done = any(s.service == "notifications" and s.kind == "CONSUMER"
               and _hops(s, by_id) == SAGA for s in trace)
    # every parent exported too (a process exports a span when it ends, in its own batches)
    whole = all(s.parent_id in by_id for s in trace if s is not root)
    return trace if done and whole else None


@pytest.mark.timeout(600)  # the platform may start inside it
def test_a_checkout_is_one_trace_across_every_service_and_kafka_hop(
    anonymous: Client, admin: Client, traces: OtlpReceiver
) -> None:
    # given every process exporting its spans (those of earlier tests left aside)
    earlier = len(traces.spans)
    # when a customer checks out through the gateway and the saga pays the order
    _paid_checkout(anonymous, admin)
    trace = traces.wait_for(lambda spans: _saga_trace(spans[earlier:]), within=60)
    # then one trace holds it all, rooted at the gateway's server span, every span linked
    root = _root(traces.spans[earlier:])
    assert trace is not None, _describe(traces.spans[earlier:], root)
    by_id = {s.span_id: s for s in trace}
    assert [s for s in trace if s.parent_id not in by_id] == [root]
    assert {"gateway", "cart", "orders", "products", "payments", "notifications"} <= {
        s.service for s in trace}
    # the gateway's steps and its fetch, continued by the subgraph's server span
    children = [s for s in trace if s.parent_id == root.span_id]
    assert {"graphql.parse", "graphql.validate", "graphql.plan"} <= {s.name for s in children}
    assert root.attributes["graphql.operation.type"] == "mutation"
    fetch = next(s for s in children if s.kind == "CLIENT" and s.name == "POST orders")
    assert any(s.parent_id == fetch.span_id and s.service == "orders" and s.kind == "SERVER"
               for s in trace)
    # a subgraph's call to another (orders asks cart for the cart at checkout): its CLIENT
    # span, continued by the callee's server span
    calls = [s for s in trace if s.service == "orders" and s.kind == "CLIENT"]
    assert any(by_id[s.parent_id].service == "orders" and any(
        c.parent_id == s.span_id and c.service == "cart" and c.kind == "SERVER" for c in trace)
        for s in calls), [(s.name, s.attributes) for s in calls]
    # each Kafka hop: a consumer span is the child of the producer span of another service
    consumers = [s for s in trace if s.kind == "CONSUMER"]
    assert {s.service for s in consumers} >= {"products", "payments", "orders", "notifications"}
    for consumer in consumers:
        producer = by_id[consumer.parent_id]
        assert producer.kind == "PRODUCER" and producer.service != consumer.service
    # and the database work is in it too
    databases = {s.attributes.get("db.system.name") or s.attributes.get("db.system")
                 for s in trace if s.service == "orders"}
    assert "postgresql" in databases


def _describe(spans: list[ReceivedSpan], root: ReceivedSpan | None) -> str:
    if root is None:
        return f"no Checkout server span among {len(spans)} spans"
    trace = [s for s in spans if s.trace_id == root.trace_id]
    by_id = {s.span_id: s for s in trace}
    lines = [f"{s.service} {s.kind} {s.name} <- {_hops(s, by_id)}" for s in trace]
    return "the saga never reached notifications in one trace:\n" + "\n".join(lines)


@pytest.mark.timeout(600)  # the platform may start inside it
def test_the_logs_of_a_run_never_carry_its_passwords_tokens_or_secrets(
    anonymous: Client, admin: Client, platform: Platform
) -> None:
    # given a run in which customers registered, signed in and checked out with bearer tokens
    customer = _paid_checkout(anonymous, admin)
    anonymous("mutation { login(email: \"nobody@example.com\", password: \"Wrong-pass-9\") "
              "{ token } }")
    # when every process's log is read
    logged = "\n".join(path.read_text(errors="replace") for path in platform.logs.glob("*.log"))
    # then none of them holds a password, a token or the signing secret
    assert logged.strip(), "the processes logged nothing: the check would prove nothing"
    for secret in ("buyer-pass-1", ADMIN[1], "Wrong-pass-9", customer.token, admin.token,
                   SECRET):
        assert secret and secret not in logged
