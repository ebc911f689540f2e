"""HTTP between our own services: the one HTTP/1.1 client the gateway and the subgraphs use."""
