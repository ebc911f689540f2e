"""The users domain: accounts and credentials (no GraphQL, no web framework, no Kafka)."""
