import { gql } from "@apollo/client";
import { describe, expect, it } from "vitest";
import {
  CatalogueProductsDocument, OrderDetailDocument, OrderStatusUpdatesDocument,
  type OrderStatus, type PaymentStatus,
} from "../gql/graphql";
import { createCache } from "./cache";

const product = (id: string) => ({
  __typename: "Product" as const, id, name: `Product ${id}`, category: "Books", stock: 3,
  price: { __typename: "Money" as const, amount: 1000, currency: "USD" },
});

function page(ids: string[], hasNextPage: boolean) {
  return {
    products: {
      __typename: "ProductConnection" as const, totalCount: 4,
      edges: ids.map((id) => ({ __typename: "ProductEdge" as const, cursor: `c${id}`, node: product(id) })),
      pageInfo: { __typename: "PageInfo" as const, hasNextPage, endCursor: `c${ids[ids.length - 1]}` },
    },
  };
}

const books = { first: 2, search: null, category: "Books", sort: "NAME_ASC" as const };

describe("the products connection in the cache", () => {
  it("appends a later page to the list of the same search, category and sort", () => {
    const cache = createCache();
    cache.writeQuery({ query: CatalogueProductsDocument, variables: books, data: page(["1", "2"], true) });
    cache.writeQuery({ query: CatalogueProductsDocument, variables: { ...books, after: "c2" },
                       data: page(["3", "4"], false) });
    const read = cache.readQuery({ query: CatalogueProductsDocument, variables: books });
    expect(read?.products.edges.map((e) => e.node.id)).toEqual(["1", "2", "3", "4"]);
    expect(read?.products.pageInfo.hasNextPage).toBe(false);
  });

  it("keeps a different category in a list of its own", () => {
    const cache = createCache();
    cache.writeQuery({ query: CatalogueProductsDocument, variables: books, data: page(["1", "2"], true) });
    const toys = { ...books, category: "Toys & Games" };
    cache.writeQuery({ query: CatalogueProductsDocument, variables: toys, data: page(["9"], false) });
    const read = cache.readQuery({ query: CatalogueProductsDocument, variables: books });
    expect(read?.products.edges.map((e) => e.node.id)).toEqual(["1", "2"]);
  });

  it("normalises products by id, so a change anywhere shows in every list", () => {
    const cache = createCache();
    cache.writeQuery({ query: CatalogueProductsDocument, variables: books, data: page(["1", "2"], true) });
    cache.writeFragment({ id: "Product:1", fragment: gql`fragment S on Product { stock }`,
                          data: { __typename: "Product" as const, stock: 0 } });
    const read = cache.readQuery({ query: CatalogueProductsDocument, variables: books });
    expect(read?.products.edges[0].node.stock).toBe(0);
  });

  it("answers product(id) from a product already listed", () => {
    const cache = createCache();
    cache.writeQuery({ query: CatalogueProductsDocument, variables: books, data: page(["1", "2"], true) });
    const read = cache.readQuery<{ product: { id: string; name: string } }>({
      query: gql`query P($id: ID!) { product(id: $id) { id name } }`, variables: { id: "2" } });
    expect(read?.product.name).toBe("Product 2");
  });
});

const payment = (status: PaymentStatus) => ({
  __typename: "Payment" as const, id: "p1", status, failureReason: null, transactionId: "t1",
});

function order(status: OrderStatus, paid: ReturnType<typeof payment> | null) {
  return {
    __typename: "Order" as const, id: "o1", status, createdAt: "2026-12-06T09:00:00Z",
    trackingNumber: null, paymentMethod: "card", cancellationReason: null,
    total: { __typename: "Money" as const, amount: 1000, currency: "USD" },
    items: [], payment: paid,
  };
}

describe("an order's payment in the cache", () => {
  it("keeps a known payment when a status event could not join it", () => {
    const cache = createCache();
    cache.writeQuery({ query: OrderDetailDocument, variables: { id: "o1" },
                       data: { order: order("PENDING", payment("SUCCEEDED")) } });
    // orderStatusChanged(PAID) while payments was unreachable: `payment: null` and an error.
    cache.writeQuery({ query: OrderStatusUpdatesDocument, variables: { orderId: "o1" },
                       data: { orderStatusChanged: { __typename: "Order", id: "o1", status: "PAID" as OrderStatus,
                                                     trackingNumber: null, cancellationReason: null,
                                                     payment: null } } });
    const read = cache.readQuery({ query: OrderDetailDocument, variables: { id: "o1" } });
    expect(read?.order?.status).toBe("PAID");
    expect(read?.order?.payment?.status).toBe("SUCCEEDED");
  });

  it("takes a payment's newer state from a status event", () => {
    const cache = createCache();
    cache.writeQuery({ query: OrderDetailDocument, variables: { id: "o1" },
                       data: { order: order("PENDING", null) } });
    cache.writeQuery({ query: OrderDetailDocument, variables: { id: "o1" },
                       data: { order: order("PAID", payment("SUCCEEDED")) } });
    const read = cache.readQuery({ query: OrderDetailDocument, variables: { id: "o1" } });
    expect(read?.order?.payment?.status).toBe("SUCCEEDED");
  });
});
