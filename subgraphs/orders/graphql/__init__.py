"""The orders GraphQL layer: Order, User.orders, checkout and status mutations (thin)."""
