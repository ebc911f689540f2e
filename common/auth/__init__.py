"""Token verification every process shares: end-user access tokens and service credentials."""
