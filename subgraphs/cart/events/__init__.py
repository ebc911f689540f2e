"""Events the cart consumes: OrderCreated empties the buyer's cart (if unchanged since)."""
