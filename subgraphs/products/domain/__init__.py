"""Catalog and inventory rules, models and SQL; no GraphQL, HTTP or Kafka here."""
