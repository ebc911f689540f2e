"""The users GraphQL layer: thin resolvers over the domain service."""
