"""Cart rules, storage and pricing; no GraphQL, HTTP framework or Kafka here."""
