"""Handlers of the events orders consumes (inventory and payments topics) and the expiry sweep."""
