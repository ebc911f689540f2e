"""The products GraphQL layer: thin resolvers over the domain services."""
