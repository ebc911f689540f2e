"""Twilio SMS: ``POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json``, form-encoded
``To``, ``From`` (or ``MessagingServiceSid``) and ``Body``, HTTP basic auth SID:token.

201 means accepted; the JSON ``sid`` (SM...) is kept. Errors are
``{"code", "message", "more_info", "status"}``. The URL holds the Account SID (not a secret);
the auth token travels only in the Authorization header.
"""

from __future__ import annotations

import httpx

from subgraphs.notifications.domain.outcomes import Outcome
from subgraphs.notifications.domain.records import NotificationRecord
from subgraphs.notifications.providers.http import Scrubber, http_outcome, network_outcome

__all__ = ["Twilio"]


class Twilio:
    name = "twilio"

    def __init__(
        self, client: httpx.AsyncClient, *, account_sid: str, auth_token: str, base_url: str,
        from_number: str = "", messaging_service_sid: str = "",
    ) -> None:
        self.client = client
        self.url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self._auth = httpx.BasicAuth(account_sid, auth_token)
        self._sender = ({"MessagingServiceSid": messaging_service_sid} if messaging_service_sid
                        else {"From": from_number})
        self.scrub = Scrubber([auth_token], basic=(account_sid, auth_token))

    async def deliver(self, message: NotificationRecord) -> Outcome:
        form = {"To": message.recipient, **self._sender, "Body": message.body}
        try:
            response = await self.client.post(self.url, data=form, auth=self._auth)
        except httpx.HTTPError as exc:
            return network_outcome(self.name, exc, self.scrub)
        if response.is_success:
            return Outcome.sent(_json(response).get("sid"))
        return http_outcome(self.name, response, _error(response), self.scrub)


def _json(response: httpx.Response) -> dict[str, object]:
    try:
        value = response.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _error(response: httpx.Response) -> str:
    body = _json(response)
    if "message" not in body:
        return response.reason_phrase
    return f"{body.get('code')} {body['message']}"
