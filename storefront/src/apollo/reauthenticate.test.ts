import { ApolloLink, execute, HttpLink, toPromise } from "@apollo/client";
import { describe, expect, it, vi } from "vitest";
import { SessionStore, type Refresh, type Tokens } from "../auth/session";
import { ViewerDocument } from "../gql/graphql";
import { identifyLink } from "./identify";
import { isUnauthenticated, reauthenticateLink } from "./reauthenticate";

const user = { id: "u1", email: "ada@shop.test", fullName: "Ada", roles: ["customer"] };
const later = (ms: number) => new Date(Date.now() + ms).toISOString();
const tokens = (n: number): Tokens => ({
  token: `access-${n}`, expiresAt: later(900_000), refreshToken: `refresh-${n}`,
  refreshTokenExpiresAt: later(86_400_000), user });

/** A gateway that accepts only `valid` tokens: 401 UNAUTHENTICATED otherwise (as ours does),
 * or, with `inBody`, a 200 whose error is coded UNAUTHENTICATED (as a subgraph answers). */
function gateway(valid: Set<string>, inBody = false) {
  const seen: (string | null)[] = [];
  const carts: (string | null)[] = [];
  const fetch = async (_: RequestInfo | URL, init?: RequestInit) => {
    const auth = new Headers(init?.headers).get("authorization");
    seen.push(auth);
    carts.push(new Headers(init?.headers).get("x-cart-id"));
    const ok = auth === null || valid.has(auth.slice(7));
    const body = ok ? { data: { me: auth ? user : null } }
      : { errors: [{ message: "Invalid or expired token.", extensions: { code: "UNAUTHENTICATED" } }] };
    return new Response(JSON.stringify(body), {
      status: ok || inBody ? 200 : 401, headers: { "content-type": "application/json" } });
  };
  return { seen, carts, http: new HttpLink({ uri: "http://gateway.test/graphql", fetch }) };
}

function signedIn(valid: Set<string>) {
  window.sessionStorage.clear();
  const store = new SessionStore(window.sessionStorage, "test.session");
  let issued = 1;
  const refresh = vi.fn<Refresh>(async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const next = tokens(++issued);
    valid.add(next.token);
    return next;
  });
  store.connect({ refresh, revoke: async () => true });
  store.signedIn(tokens(1));
  return { store, refresh };
}

function client(store: SessionStore, http: ApolloLink) {
  return ApolloLink.from([reauthenticateLink(store), identifyLink(store, () => "guest-cart"), http]);
}

describe("re-authenticating a refused request", () => {
  it("refreshes after a 401 and retries once with the new token", async () => {
    const valid = new Set<string>();
    const { seen, http } = gateway(valid);
    const { store, refresh } = signedIn(valid);
    const result = await toPromise(execute(client(store, http), { query: ViewerDocument }));
    expect(result.data?.me?.fullName).toBe("Ada");
    expect(seen).toEqual(["Bearer access-1", "Bearer access-2"]);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("retries after an UNAUTHENTICATED error in a 200 answer", async () => {
    const valid = new Set<string>();
    const { seen, http } = gateway(valid, true);
    const { store } = signedIn(valid);
    const result = await toPromise(execute(client(store, http), { query: ViewerDocument }));
    expect(result.errors).toBeUndefined();
    expect(seen.at(-1)).toBe("Bearer access-2");
  });

  it("shares one refresh between concurrent refused requests", async () => {
    const valid = new Set<string>();
    const { seen, http } = gateway(valid);
    const { store, refresh } = signedIn(valid);
    const link = client(store, http);
    const results = await Promise.all([1, 2, 3].map(() =>
      toPromise(execute(link, { query: ViewerDocument }))));
    expect(results.map((r) => r.data?.me?.id)).toEqual(["u1", "u1", "u1"]);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(seen.filter((h) => h === "Bearer access-2")).toHaveLength(3);
  });

  it("passes a second refusal through instead of looping", async () => {
    const valid = new Set<string>();
    const { seen, http } = gateway(valid);
    const { store, refresh } = signedIn(valid);
    refresh.mockImplementation(async () => tokens(9)); // a token the gateway refuses too
    const failed = toPromise(execute(client(store, http), { query: ViewerDocument }));
    await expect(failed).rejects.toSatisfy(isUnauthenticated);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(seen).toHaveLength(2);
  });

  it("leaves a guest's request alone (nothing to refresh)", async () => {
    const { seen, http } = gateway(new Set());
    window.sessionStorage.clear();
    const guest = new SessionStore(window.sessionStorage, "test.guest");
    const refresh = vi.fn(async () => null);
    guest.connect({ refresh, revoke: async () => true });
    const result = await toPromise(execute(client(guest, http), { query: ViewerDocument }));
    expect(result.data?.me).toBeNull();
    expect(seen).toEqual([null]);
    expect(refresh).not.toHaveBeenCalled();
  });

  it("retries as a guest when the session cannot be renewed", async () => {
    const valid = new Set<string>();
    const { seen, carts, http } = gateway(valid);
    const { store, refresh } = signedIn(valid);
    refresh.mockResolvedValueOnce(null);
    const result = await toPromise(execute(client(store, http), { query: ViewerDocument }));
    expect(result.data?.me).toBeNull();
    expect(seen).toEqual(["Bearer access-1", null]);
    expect(carts).toEqual([null, "guest-cart"]);
    expect(store.current()).toBeNull();
  });
});
