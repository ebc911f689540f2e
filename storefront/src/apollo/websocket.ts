// Subscriptions over graphql-transport-ws (graphql-ws). The token travels in connection_init's
// payload (the gateway reads `Authorization` there); `restart` re-authenticates after sign-in.
import { ApolloLink, Observable, type FetchResult } from "@apollo/client";
import { createClient, type Client, type SubscribePayload } from "graphql-ws";
import { persistedPayload } from "./persisted";

export interface RestartableLink {
  link: ApolloLink;
  restart(): void;
}

export function websocketLink(url: string, token: () => Promise<string | null>,
                              ids: Record<string, string>): RestartableLink {
  let socket: WebSocket | null = null;
  const client: Client = createClient({
    url,
    lazy: true,
    retryAttempts: 20, // close events only: a thrown error never loops (graphql-ws default)
    connectionParams: async () => {
      const current = await token();
      return current ? { Authorization: `Bearer ${current}` } : {};
    },
    on: { connected: (s) => { socket = s as WebSocket; }, closed: () => { socket = null; } },
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
  // 4205 is a private close code: graphql-ws reconnects, running connectionParams again.
  return { link, restart: () => socket?.close(4205, "Client Restart") };
}
