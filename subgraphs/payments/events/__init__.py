"""Handlers of the events payments consumes (inventory and orders topics)."""
