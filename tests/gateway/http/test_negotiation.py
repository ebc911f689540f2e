"""Accept negotiation (GraphQL over HTTP §6.1): the new media type when preferred."""

from __future__ import annotations

import pytest

from gateway.http import negotiate
from gateway.http.response import GRAPHQL_RESPONSE, JSON


@pytest.mark.parametrize(("accept", "chosen"), [
    (None, JSON),
    ("", JSON),
    ("application/json", JSON),
    ("*/*", JSON),
    ("application/*", JSON),
    (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
    (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
    (f"application/json, {GRAPHQL_RESPONSE}", JSON),
    (f"application/json;q=0.5, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
    (f"{GRAPHQL_RESPONSE};q=0, application/json", JSON),
    ("text/html", None),
    ("application/json;q=0", None),
])
def test_media_type_follows_the_accept_header(accept, chosen):
    assert negotiate(accept) == chosen
