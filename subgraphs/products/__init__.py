"""The products subgraph (port 5002): catalog and inventory, the ``Product`` entity."""
