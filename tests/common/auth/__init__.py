"""Tests of the shared token verifier."""
