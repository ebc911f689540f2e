// A signed-in request refused as UNAUTHENTICATED (the gateway's 401 for an expired or revoked
// access token, or a subgraph's error code) is retried once, after one refresh of the access
// token that every concurrent failure shares (SessionStore.refresh). Guests' requests, and a
// second refusal, pass through unchanged.
import { ApolloLink, Observable, type FetchResult } from "@apollo/client";
import type { SessionStore } from "../auth/session";

interface Coded { extensions?: { code?: unknown } | null }

/** True for a 401 from the gateway or any GraphQL error coded UNAUTHENTICATED. */
export function isUnauthenticated(failure: unknown): boolean {
  if (!failure || typeof failure !== "object") return false;
  if (Array.isArray(failure)) {
    return failure.some((error: Coded) => error?.extensions?.code === "UNAUTHENTICATED");
  }
  const server = failure as { statusCode?: number; result?: { errors?: unknown } };
  return server.statusCode === 401 || isUnauthenticated(server.result?.errors);
}

function bearer(headers: Record<string, string> | undefined): string | null {
  const value = headers?.authorization ?? headers?.Authorization;
  return value?.startsWith("Bearer ") ? value.slice(7) : null;
}

/** Goes before the link that sets Authorization (it reads the token that link used). */
export function reauthenticateLink(store: Pick<SessionStore, "refresh">): ApolloLink {
  return new ApolloLink((operation, forward) => new Observable<FetchResult>((observer) => {
    let current: { unsubscribe(): void } | undefined;
    let closed = false;
    const attempt = (mayRetry: boolean) => {
      let retrying = false;
      let subscription: { unsubscribe(): void } | undefined;
      const retry = () => {
        retrying = true;
        subscription?.unsubscribe();
        store.refresh(bearer(operation.getContext().headers)).then(
          () => { if (!closed) attempt(false); }, // with the new token, or as a guest
          (error) => { if (!closed) observer.error(error); });
      };
      const refused = (failure: unknown) =>
        mayRetry && isUnauthenticated(failure) && bearer(operation.getContext().headers) !== null;
      subscription = forward(operation).subscribe({
        next: (result) => {
          if (retrying) return;
          if (refused(result.errors)) retry();
          else observer.next(result);
        },
        error: (error) => {
          if (retrying) return;
          if (refused(error)) retry();
          else observer.error(error);
        },
        complete: () => { if (!retrying) observer.complete(); },
      });
      if (retrying) subscription.unsubscribe(); // refused synchronously, before it was set
      else current = subscription;
    };
    attempt(true);
    return () => {
      closed = true;
      current?.unsubscribe();
    };
  }));
}
