"""The payments subgraph (port 5005): charges on InventoryReserved, refunds, ``Order.payment``."""
