"""Notifications domain: contacts, templates, the mailbox; no GraphQL or Kafka here."""
