"""Deployment and developer tooling (not shipped in the wheel)."""
