// The signed-in session: kept in localStorage, observed by React, and the single place that
// hands out the access token, so a refresh-token flow only has to change `accessToken`.
import { useSyncExternalStore } from "react";

export interface SessionUser {
  id: string;
  email: string;
  fullName: string;
  roles: string[];
}

export interface Session {
  token: string;
  expiresAt: string;
  user: SessionUser;
}

type Listener = () => void;

export class SessionStore {
  private listeners = new Set<Listener>();
  private cached: Session | null | undefined;

  constructor(private storage: Storage, private key = "storefront.session") {}

  /** The session, or null when signed out or when its token has expired. */
  current(): Session | null {
    if (this.cached === undefined) this.cached = this.load();
    if (this.cached && Date.parse(this.cached.expiresAt) <= Date.now()) this.cached = null;
    return this.cached;
  }

  /** The token for the next request (the refresh flow plugs in here when users issues them). */
  async accessToken(): Promise<string | null> {
    return this.current()?.token ?? null;
  }

  save(session: Session): void {
    this.storage.setItem(this.key, JSON.stringify(session));
    this.changed(session);
  }

  clear(): void {
    this.storage.removeItem(this.key);
    this.changed(null);
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed(session: Session | null): void {
    this.cached = session;
    this.listeners.forEach((listener) => listener());
  }

  private load(): Session | null {
    try {
      const raw = this.storage.getItem(this.key);
      return raw ? (JSON.parse(raw) as Session) : null;
    } catch {
      return null; // a damaged entry is a signed-out visitor, not a crash
    }
  }
}

export const sessions = new SessionStore(window.localStorage);

export function useSession(store: SessionStore = sessions): Session | null {
  return useSyncExternalStore(store.subscribe, () => store.current());
}
