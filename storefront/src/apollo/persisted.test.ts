import { ApolloLink, execute, HttpLink, toPromise } from "@apollo/client";
import { describe, expect, it } from "vitest";
import { CartViewDocument } from "../gql/graphql";
import { NotPersistedError, persistedOperationsLink } from "./persisted";

function capture() {
  const bodies: Record<string, unknown>[] = [];
  const fetch = async (_: RequestInfo | URL, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)));
    return new Response(JSON.stringify({ data: { cart: null } }), {
      headers: { "content-type": "application/json" } });
  };
  return { bodies, http: new HttpLink({ uri: "http://gateway.test/graphql", fetch }) };
}

describe("the persisted operations link", () => {
  it("sends the manifest id and no query text", async () => {
    const { bodies, http } = capture();
    const link = ApolloLink.from([persistedOperationsLink({ CartView: "abc123" }), http]);
    await toPromise(execute(link, { query: CartViewDocument }));
    expect(bodies).toEqual([{ operationName: "CartView", variables: {},
                              extensions: { persistedQuery: { version: 1, sha256Hash: "abc123" } } }]);
  });

  it("refuses an operation that is not in the manifest, sending nothing", async () => {
    const { bodies, http } = capture();
    const link = ApolloLink.from([persistedOperationsLink({}), http]);
    await expect(toPromise(execute(link, { query: CartViewDocument }))).rejects.toThrow(NotPersistedError);
    expect(bodies).toEqual([]);
  });
});
