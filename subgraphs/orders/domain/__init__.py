"""The orders domain: orders, their state machine, checkout (no GraphQL, web framework or Kafka)."""
