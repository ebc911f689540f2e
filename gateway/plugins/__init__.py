"""Named hooks with pass-through defaults: how the gateway is extended (headers, auth, ...)."""

from gateway.plugins.chain import Plugins
from gateway.plugins.headers import PropagateHeaders
from gateway.plugins.hooks import Plugin
from gateway.plugins.request import GraphQLRequest

__all__ = ["GraphQLRequest", "Plugin", "Plugins", "PropagateHeaders"]
