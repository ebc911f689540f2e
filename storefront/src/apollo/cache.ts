// The normalised cache: entities by __typename and id, Relay connections merged page by page.
import { InMemoryCache, type FieldReadFunction } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";

/** `product(id)` / `order(id)` read from an entity already in the cache (e.g. from the list). */
function entity(typename: string): FieldReadFunction {
  return (existing, { args, toReference }) =>
    existing ?? (args?.id ? toReference({ __typename: typename, id: args.id }) : undefined);
}

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          // One list per search/category/sort; `first` and `after` only page through it.
          products: relayStylePagination(["search", "category", "sort"]),
          product: { read: entity("Product") },
          order: { read: entity("Order") },
        },
      },
      User: { fields: { orders: relayStylePagination() } },
      // An order's payment, once known, never goes away: a `null` comes only from an event or
      // a read whose payments join failed (the subgraph restarting, its breaker open), and must
      // not erase the payment another event already brought.
      Order: { fields: { payment: { merge: (existing, incoming) => incoming ?? existing ?? null } } },
    },
  });
}
