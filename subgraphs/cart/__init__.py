"""The cart subgraph (port 5003): carts of users and guests, priced from the products subgraph."""
