"""The dev runner: migrate, seed, compose and run the whole platform on one machine."""
