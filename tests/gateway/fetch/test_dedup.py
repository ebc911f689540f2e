"""In-flight deduplication: identical concurrent queries share one request and its outcome."""

from __future__ import annotations

import asyncio

import pytest

from gateway.fetch import InFlight, SubgraphFetchError


class Sender:
    """A ``send`` whose answer the test releases; counts how often it really went out."""

    def __init__(self, answer: bytes | Exception = b"{}") -> None:
        self.sent = 0
        self.answer = answer
        self.release = asyncio.Event()

    async def __call__(self) -> bytes:
        self.sent += 1
        await self.release.wait()
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_identical_concurrent_requests_are_sent_once_and_share_the_answer() -> None:
    inflight, send = InFlight(), Sender(b'{"data":{}}')
    callers = [asyncio.create_task(inflight.run("k", send)) for _ in range(4)]
    await _settle()
    send.release.set()
    assert await asyncio.gather(*callers) == [b'{"data":{}}'] * 4
    assert send.sent == 1
    assert len(inflight) == 0


async def test_different_keys_are_sent_separately() -> None:
    inflight, send = InFlight(), Sender()
    send.release.set()
    await asyncio.gather(inflight.run("a", send), inflight.run("b", send))
    assert send.sent == 2


async def test_a_failure_reaches_every_caller_and_the_next_request_is_sent_again() -> None:
    inflight = InFlight()
    send = Sender(SubgraphFetchError("products", "down"))
    callers = [asyncio.create_task(inflight.run("k", send)) for _ in range(3)]
    await _settle()
    send.release.set()
    outcomes = await asyncio.gather(*callers, return_exceptions=True)
    assert [type(o) for o in outcomes] == [SubgraphFetchError] * 3
    send.answer = b"{}"
    assert await inflight.run("k", send) == b"{}"
    assert send.sent == 2


async def test_when_the_first_caller_is_cancelled_the_others_still_get_an_answer() -> None:
    inflight, send = InFlight(), Sender(b"{}")
    first = asyncio.create_task(inflight.run("k", send))
    await _settle()
    others = [asyncio.create_task(inflight.run("k", send)) for _ in range(2)]
    await _settle()
    first.cancel()
    await _settle()
    send.release.set()
    assert await asyncio.gather(*others) == [b"{}", b"{}"]
    with pytest.raises(asyncio.CancelledError):
        await first
    assert send.sent == 2  # the cancelled one, then one of the others sent again
    assert len(inflight) == 0


async def test_a_cancelled_follower_does_not_disturb_the_request() -> None:
    inflight, send = InFlight(), Sender(b"{}")
    first = asyncio.create_task(inflight.run("k", send))
    await _settle()
    follower = asyncio.create_task(inflight.run("k", send))
    await _settle()
    follower.cancel()
    await _settle()
    send.release.set()
    assert await first == b"{}"
    assert follower.cancelled()
    assert send.sent == 1


def test_requests_differing_only_in_neutral_headers_have_one_key() -> None:
    inflight = InFlight(["x-request-id", "traceparent"])
    first = inflight.key("products", b"{}", {"authorization": "a", "x-request-id": "1",
                                            "traceparent": "00-1"})
    second = inflight.key("products", b"{}", {"Authorization": "a", "X-Request-Id": "2"})
    assert first == second


def test_identity_headers_subgraph_and_body_tell_requests_apart() -> None:
    inflight = InFlight(["x-request-id"])
    base = inflight.key("products", b"{}", {"authorization": "a"})
    assert inflight.key("products", b"{}", {"authorization": "b"}) != base
    assert inflight.key("products", b"{}", {}) != base
    assert inflight.key("products", b"{}", {"authorization": "a", "cookie": "c"}) != base
    assert inflight.key("inventory", b"{}", {"authorization": "a"}) != base
    assert inflight.key("products", b"{ }", {"authorization": "a"}) != base
