// The signed-in session and the single place that hands out access tokens.
//
// Where the tokens live. The users service returns both tokens in the response body (no
// HttpOnly cookie is offered), so script-readable storage is the only way to survive a reload;
// of what the API allows, this is the narrowest exposure:
// - the access token (15 min, a bearer credential for every API) stays in memory only: nothing
//   injected into a later page load can read it from storage;
// - the refresh token (single use, rotated on each refresh) goes to sessionStorage, not
//   localStorage: it dies with the tab instead of living on disk for every future visit, and
//   tabs never share it. Sharing would be harmful as well as broader: two tabs refreshing the
//   same token at once present it twice, and users ends the whole session on reuse (a
//   duplicated tab, which copies sessionStorage, can still hit that: it then signs in again).
// Every access token comes from `accessToken()`: the in-memory one while it has more than
// SKEW_MS left, else one refresh, shared by every caller that asks meanwhile (the refresh token
// is spent by the first call; a second concurrent refresh would be reuse).
import { useSyncExternalStore } from "react";

export interface SessionUser {
  id: string;
  email: string;
  fullName: string;
  roles: string[];
}

/** What `login`, `register` and `refreshToken` return (the AuthPayload). */
export interface Tokens {
  token: string;
  expiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: SessionUser;
}

/** The stored part: who is signed in and the refresh token; never the access token. */
export interface Session {
  user: SessionUser;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

/** Spends a refresh token: new tokens, or null when users refused it (the session is over). */
export type Refresh = (refreshToken: string) => Promise<Tokens | null>;
/** Revokes a refresh token (`logout`). */
export type Revoke = (refreshToken: string) => Promise<unknown>;

export interface TokenEndpoints {
  refresh: Refresh;
  revoke: Revoke;
}

/** Refresh this long before the access token's expiry (clock skew, request time). */
export const SKEW_MS = 30_000;

type Listener = () => void;

export class SessionStore {
  private listeners = new Set<Listener>();
  private refreshedListeners = new Set<Listener>();
  private cached: Session | null | undefined;
  private access: { token: string; expiresAt: number } | null = null;
  private inFlight: Promise<string | null> | null = null;
  private endpoints: TokenEndpoints | null = null;

  constructor(private storage: Storage, private key = "storefront.session",
              private now: () => number = Date.now) {}

  /** Where refresh and logout go (the app's client wires its persisted operations here). */
  connect(endpoints: TokenEndpoints): void {
    this.endpoints = endpoints;
  }

  /** The session, or null when signed out or when its refresh token has expired. */
  current(): Session | null {
    if (this.cached === undefined) this.cached = this.load();
    if (this.cached && Date.parse(this.cached.refreshTokenExpiresAt) <= this.now()) {
      // Silent: this runs while React renders; whoever reads next sees a guest.
      this.cached = null;
      this.access = null;
      this.storage.removeItem(this.key);
    }
    return this.cached ?? null;
  }

  /** The access token for the next request: the in-memory one, or a refreshed one; null for
   * a guest (or when the session could not be renewed). */
  async accessToken(): Promise<string | null> {
    if (!this.current()) return null;
    if (this.access && this.access.expiresAt - SKEW_MS > this.now()) return this.access.token;
    return this.refresh();
  }

  /** A new access token after `rejected` was refused (UNAUTHENTICATED). When another caller
   * has already replaced `rejected`, its token is the answer and nothing is spent. */
  async refresh(rejected?: string | null): Promise<string | null> {
    if (this.inFlight) return this.inFlight;
    if (rejected !== undefined && this.access && this.access.token !== rejected
        && this.access.expiresAt - SKEW_MS > this.now()) {
      return this.access.token;
    }
    const session = this.current();
    if (!session || !this.endpoints) return null;
    const endpoints = this.endpoints;
    this.inFlight = (async () => {
      try {
        const tokens = await endpoints.refresh(session.refreshToken);
        if (!tokens) {
          this.forget(); // refused: spent, revoked or expired; the visitor is a guest again
          return null;
        }
        this.signedIn(tokens);
        this.refreshedListeners.forEach((listener) => listener());
        return tokens.token;
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  /** Keep a fresh session (after login, register or refresh). */
  signedIn(tokens: Tokens): void {
    const session: Session = { user: tokens.user, refreshToken: tokens.refreshToken,
                               refreshTokenExpiresAt: tokens.refreshTokenExpiresAt };
    this.access = { token: tokens.token, expiresAt: Date.parse(tokens.expiresAt) };
    this.storage.setItem(this.key, JSON.stringify(session));
    this.changed(session);
  }

  /** Sign out: the refresh token is revoked on the server (a failure to reach it still signs
   * out here), and nothing of the session stays. */
  async signOut(): Promise<void> {
    if (this.inFlight) await this.inFlight.catch(() => null); // revoke the newest token
    const session = this.current();
    this.forget();
    if (session && this.endpoints) {
      await this.endpoints.revoke(session.refreshToken).catch(() => false);
    }
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Called after each successful refresh (the WebSocket re-authenticates with the new token). */
  onRefreshed(listener: Listener): () => void {
    this.refreshedListeners.add(listener);
    return () => this.refreshedListeners.delete(listener);
  }

  private forget(): void {
    this.access = null;
    this.storage.removeItem(this.key);
    if (this.cached !== null) this.changed(null);
  }

  private changed(session: Session | null): void {
    this.cached = session;
    this.listeners.forEach((listener) => listener());
  }

  private load(): Session | null {
    try {
      const raw = this.storage.getItem(this.key);
      const session = raw ? (JSON.parse(raw) as Session) : null;
      return session?.refreshToken && session.user ? session : null;
    } catch {
      return null; // a damaged entry is a signed-out visitor, not a crash
    }
  }
}

// Earlier builds kept the whole session, access token included, in localStorage: drop it.
window.localStorage.removeItem("storefront.session");

export const sessions = new SessionStore(window.sessionStorage);

export function useSession(store: SessionStore = sessions): Session | null {
  return useSyncExternalStore(store.subscribe, () => store.current());
}
