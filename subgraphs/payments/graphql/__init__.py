"""The payments GraphQL layer: the Payment entity and Order.payment, thin over the domain."""
