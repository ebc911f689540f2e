"""The message boundary: saga handlers, the reservation expiry sweep, and their wiring."""
