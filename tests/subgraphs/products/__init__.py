"""Tests of the products subgraph."""
