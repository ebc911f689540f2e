"""The payments domain: charges, refunds, providers (no GraphQL, no web framework, no Kafka)."""
