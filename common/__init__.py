"""What the gateway, the subgraphs and streaming share: telemetry, token verification, clients.

It imports none of them, so every side may import it without breaking the layering.
"""
