"""Tests of the users subgraph."""
