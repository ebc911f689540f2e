"""The notifications subgraph: one message per saga event, kept in a queryable dev mailbox."""
