"""Generated differential corpus: random Federation v2 subgraph sets against two references."""
