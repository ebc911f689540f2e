"""The cart's GraphQL layer: thin resolvers over ``domain.service.CartService``."""
