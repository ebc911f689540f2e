"""GraphQL over HTTP: the only Starlette code of the gateway."""

from gateway.http.asgi import GatewayApp
from gateway.http.errors import HttpError
from gateway.http.response import negotiate
from gateway.http.routes import GatewayHttp, build_http_app

__all__ = ["GatewayApp", "GatewayHttp", "HttpError", "build_http_app", "negotiate"]
