"""The users subgraph (port 5001): accounts, passwords, JWT sign-in and the ``User`` entity."""
