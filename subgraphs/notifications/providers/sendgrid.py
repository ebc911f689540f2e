"""SendGrid email: ``POST {base}/v3/mail/send`` (Mail Send v3), JSON, ``Bearer`` key.

Body: ``personalizations`` (one, ``to`` the recipient, ``dynamic_template_data`` with the
rendered texts and ids), ``from`` {email, name}, ``subject``, and either ``content`` (our
text/plain) or ``template_id`` (a SendGrid dynamic template fed by that data). 202 means
accepted; ``X-Message-Id`` is kept. Errors are ``{"errors": [{"message", "field"}]}``.
"""

from __future__ import annotations

from typing import Any

import httpx

from subgraphs.notifications.domain.outcomes import Outcome
from subgraphs.notifications.domain.records import NotificationRecord
from subgraphs.notifications.providers.http import Scrubber, http_outcome, network_outcome

__all__ = ["SendGrid", "mail_body"]

PATH = "/v3/mail/send"


class SendGrid:
    name = "sendgrid"

    def __init__(
        self, client: httpx.AsyncClient, *, api_key: str, base_url: str,
        sender: tuple[str, str], template_id: str = "",
    ) -> None:
        self.client, self.url = client, base_url.rstrip("/") + PATH
        self._headers = {"Authorization": f"Bearer {api_key}"}
        self.sender, self.template_id = sender, template_id
        self.scrub = Scrubber([api_key])

    async def deliver(self, message: NotificationRecord) -> Outcome:
        body = mail_body(message, self.sender, self.template_id)
        try:
            response = await self.client.post(self.url, json=body, headers=self._headers)
        except httpx.HTTPError as exc:
            return network_outcome(self.name, exc, self.scrub)
        if response.is_success:
            return Outcome.sent(response.headers.get("x-message-id"))
        return http_outcome(self.name, response, _errors(response), self.scrub)


def mail_body(
    message: NotificationRecord, sender: tuple[str, str], template_id: str = ""
) -> dict[str, Any]:
    """The Mail Send v3 JSON for one stored message."""
    data = {"subject": message.subject, "body": message.body, "template": message.template,
            "template_version": message.template_version, "order_id": message.order_id,
            "notification_id": message.id}
    body: dict[str, Any] = {
        "personalizations": [{"to": [{"email": message.recipient}],
                              "dynamic_template_data": data}],
        "from": {"email": sender[0], "name": sender[1]},
        "subject": message.subject,
    }
    if template_id:
        return body | {"template_id": template_id}
    return body | {"content": [{"type": "text/plain", "value": message.body}]}


def _errors(response: httpx.Response) -> str:
    try:
        errors = response.json().get("errors") or []
        return "; ".join(str(e.get("message")) for e in errors) or response.reason_phrase
    except (ValueError, AttributeError):
        return response.reason_phrase
