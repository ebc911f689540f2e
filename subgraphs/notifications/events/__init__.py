"""Handlers of the events notifications consumes."""
