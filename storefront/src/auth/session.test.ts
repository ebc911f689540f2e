import { describe, expect, it, vi } from "vitest";
import { SessionStore, SKEW_MS, type Tokens } from "./session";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const user = { id: "u1", email: "ada@shop.test", fullName: "Ada", roles: ["customer"] };

function tokens(n: number, now: number): Tokens {
  return { token: `access-${n}`, expiresAt: new Date(now + 15 * 60_000).toISOString(),
           refreshToken: `refresh-${n}`,
           refreshTokenExpiresAt: new Date(now + 30 * 86_400_000).toISOString(), user };
}

function setup() {
  const clock = { now: T0 };
  const storage = window.sessionStorage;
  storage.clear();
  const store = new SessionStore(storage, "test.session", () => clock.now);
  let issued = 1;
  const refresh = vi.fn(async (refreshToken: string) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return refreshToken === `refresh-${issued}` ? tokens(++issued, clock.now) : null;
  });
  const revoke = vi.fn(async (_: string) => true);
  store.connect({ refresh, revoke });
  store.signedIn(tokens(1, clock.now));
  return { clock, storage, store, refresh, revoke };
}

describe("the session's tokens", () => {
  it("keeps the access token in memory and only the refresh token in storage", async () => {
    const { storage, store, refresh } = setup();
    expect(await store.accessToken()).toBe("access-1");
    const stored = storage.getItem("test.session")!;
    expect(stored).toContain("refresh-1");
    expect(stored).not.toContain("access-1");
    expect(refresh).not.toHaveBeenCalled();
  });

  it("refreshes an access token about to expire and stores the rotated refresh token", async () => {
    const { clock, storage, store, refresh } = setup();
    clock.now += 15 * 60_000 - SKEW_MS + 1;
    expect(await store.accessToken()).toBe("access-2");
    expect(refresh).toHaveBeenCalledWith("refresh-1");
    expect(JSON.parse(storage.getItem("test.session")!).refreshToken).toBe("refresh-2");
    expect(await store.accessToken()).toBe("access-2");
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("shares one refresh between concurrent requests (a rotated token is spent once)", async () => {
    const { clock, store, refresh } = setup();
    clock.now += 16 * 60_000;
    const all = await Promise.all([store.accessToken(), store.refresh("access-1"),
                                   store.accessToken(), store.refresh("access-1")]);
    expect(all).toEqual(["access-2", "access-2", "access-2", "access-2"]);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(store.current()).not.toBeNull();
  });

  it("answers a refusal already repaired by another request with the new token", async () => {
    const { store, refresh } = setup();
    await store.refresh("access-1");
    expect(await store.refresh("access-1")).toBe("access-2");
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(await store.refresh("access-2")).toBe("access-3"); // the current token refused
  });

  it("signs out when users refuses the refresh token", async () => {
    const { storage, store, refresh } = setup();
    refresh.mockResolvedValueOnce(null);
    const seen = vi.fn();
    store.subscribe(seen);
    expect(await store.refresh("access-1")).toBeNull();
    expect(store.current()).toBeNull();
    expect(storage.getItem("test.session")).toBeNull();
    expect(seen).toHaveBeenCalled();
    expect(await store.accessToken()).toBeNull();
  });

  it("keeps the session when the gateway cannot be reached", async () => {
    const { store, refresh } = setup();
    refresh.mockRejectedValueOnce(new TypeError("Failed to fetch"));
    await expect(store.refresh("access-1")).rejects.toThrow("Failed to fetch");
    expect(store.current()?.refreshToken).toBe("refresh-1");
    expect(await store.refresh("access-1")).toBe("access-2");
  });

  it("tells listeners about each refresh (the socket reconnects with the new token)", async () => {
    const { store } = setup();
    const reconnect = vi.fn();
    store.onRefreshed(reconnect);
    await store.refresh("access-1");
    expect(reconnect).toHaveBeenCalledTimes(1);
  });

  it("revokes the newest refresh token on sign-out, even while a refresh runs", async () => {
    const { storage, store, revoke } = setup();
    const running = store.refresh("access-1");
    await store.signOut();
    await running;
    expect(revoke).toHaveBeenCalledWith("refresh-2");
    expect(store.current()).toBeNull();
    expect(storage.getItem("test.session")).toBeNull();
    expect(await store.accessToken()).toBeNull();
  });

  it("signs out locally when the revocation fails", async () => {
    const { store, revoke } = setup();
    revoke.mockRejectedValueOnce(new TypeError("Failed to fetch"));
    await store.signOut();
    expect(store.current()).toBeNull();
  });

  it("treats a session whose refresh token expired as a guest", async () => {
    const { clock, store, refresh } = setup();
    clock.now += 31 * 86_400_000;
    expect(store.current()).toBeNull();
    expect(await store.accessToken()).toBeNull();
    expect(refresh).not.toHaveBeenCalled();
  });

  it("restores the signed-in user after a reload and refreshes the missing access token", async () => {
    const { clock, storage, refresh } = setup();
    const reloaded = new SessionStore(storage, "test.session", () => clock.now);
    reloaded.connect({ refresh, revoke: async () => true });
    expect(reloaded.current()?.user.fullName).toBe("Ada");
    expect(await reloaded.accessToken()).toBe("access-2");
  });
});
