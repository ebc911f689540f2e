// Subscriptions over graphql-transport-ws (graphql-ws). The token travels in connection_init's
// payload (the gateway reads `Authorization` there, once per connection), so the socket
// reconnects whenever the session changes: sign-in, sign-out and every token refresh call
// `restart`. graphql-ws then re-sends the active subscriptions on the new connection at once,
// and `onReconnect` listeners (the order page) refetch what may have changed in between.
import { ApolloLink, Observable, type FetchResult } from "@apollo/client";
import { createClient, type Client, type SubscribePayload } from "graphql-ws";
import { persistedPayload } from "./persisted";

export interface RestartableLink {
  link: ApolloLink;
  /** Reconnect now; the new connection_init asks `token` again. */
  restart(): void;
  /** Called on each connection after the first (a restart, or a dropped socket back). */
  onReconnect(listener: () => void): () => void;
}

/** Our own close code for a deliberate restart (graphql-ws reconnects after a 4xxx it does not
 * treat as fatal). */
export const RESTART_CODE = 4205;

/** graphql-ws' own backoff (1 s doubling, plus 0.3 to 3 s of jitter) for a lost connection. */
function backoff(retries: number): Promise<void> {
  const delay = 1000 * 2 ** retries + 300 + Math.floor(Math.random() * 2700);
  return new Promise((resolve) => setTimeout(resolve, delay));
}

export interface SocketOptions {
  /** A WebSocket class other than the browser's (tests). */
  webSocketImpl?: unknown;
  /** The gateway refused the token of connection_init (4401): renew it; graphql-ws gives up on
   * that connection, so the subscriptions end and their pages subscribe again. */
  onUnauthorized?: (rejected: string) => unknown;
}

export function websocketLink(url: string, token: () => Promise<string | null>,
                              ids: Record<string, string>,
                              { webSocketImpl, onUnauthorized }: SocketOptions = {}): RestartableLink {
  let socket: WebSocket | null = null;
  let presented: string | null = null;
  let restarting = false;
  let connections = 0;
  const reconnected = new Set<() => void>();
  const client: Client = createClient({
    url,
    lazy: true,
    webSocketImpl,
    retryAttempts: 20, // close events only: a thrown error never loops (graphql-ws default)
    // A restart reconnects at once (the subscriptions are open); a lost socket backs off.
    retryWait: (retries) => (restarting ? Promise.resolve() : backoff(retries)),
    connectionParams: async () => {
      const current = await token();
      presented = current;
      return current ? { Authorization: `Bearer ${current}` } : {};
    },
    on: {
      connected: (s) => {
        socket = s as WebSocket;
        restarting = false;
        if (connections++ > 0) reconnected.forEach((listener) => listener());
      },
      closed: (event) => {
        socket = null;
        const code = (event as CloseEvent | undefined)?.code;
        restarting = code === RESTART_CODE;
        if (code === 4401 && presented) onUnauthorized?.(presented);
      },
    },
  });
  const link = new ApolloLink((operation) => new Observable<FetchResult>((observer) => {
    let payload: SubscribePayload;
    try {
      // graphql-ws requires a query string: an empty one, the document is the manifest's.
      payload = { query: "", ...persistedPayload(operation, ids) };
    } catch (error) {
      observer.error(error);
      return undefined;
    }
    return client.subscribe<FetchResult["data"]>(payload, {
      next: (value) => observer.next(value as FetchResult),
      error: (error) => observer.error(error instanceof Error ? error : new Error(String(error))),
      complete: () => observer.complete(),
    });
  }));
  return {
    link,
    restart: () => socket?.close(RESTART_CODE, "Client Restart"),
    onReconnect: (listener) => {
      reconnected.add(listener);
      return () => reconnected.delete(listener);
    },
  };
}
