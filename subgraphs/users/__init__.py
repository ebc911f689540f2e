"""The users subgraph (port 5001): accounts, passwords, token sign-in (JWKS) and the ``User`` entity."""
