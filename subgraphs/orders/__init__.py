"""The orders subgraph (port 5004): checkout, the order state machine, the saga's order side."""
