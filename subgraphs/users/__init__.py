"""The users subgraph (port 5001): accounts, passwords, sign-in tokens and the ``User`` entity."""
