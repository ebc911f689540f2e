"""Tests of the benchmark tools' pure parts (tests/bench itself is never collected)."""
