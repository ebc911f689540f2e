"""The service kit: what every subgraph shares (settings, database, auth, errors, app factory)."""
