// The Apollo Client: persisted operations over HTTP (queries, mutations) and WebSocket
// (subscriptions), with the session's token or the guest's cart id on every request; a request
// refused for its token is retried once after a refresh, and the socket reconnects with each
// new token.
import { ApolloClient, ApolloLink, HttpLink, split } from "@apollo/client";
import { getMainDefinition } from "@apollo/client/utilities";
import ids from "virtual:persisted-operations";
import { sessions } from "../auth/session";
import { tokenEndpoints } from "../auth/tokens";
import { guestCart } from "../cart/guest";
import { endpoints } from "../config";
import { createCache } from "./cache";
import { identifyLink } from "./identify";
import { persistedOperationsLink } from "./persisted";
import { reauthenticateLink } from "./reauthenticate";
import { websocketLink } from "./websocket";

function isSubscription({ query }: { query: Parameters<typeof getMainDefinition>[0] }): boolean {
  const definition = getMainDefinition(query);
  return definition.kind === "OperationDefinition" && definition.operation === "subscription";
}

const where = endpoints();
const http = new HttpLink({ uri: where.http });
export const socket = websocketLink(where.websocket, () => sessions.accessToken(), ids, {
  onUnauthorized: (rejected) => sessions.refresh(rejected).catch(() => null),
});

sessions.connect(tokenEndpoints(persistedOperationsLink(ids).concat(http)));
sessions.onRefreshed(() => socket.restart());

export const client = new ApolloClient({
  cache: createCache(),
  link: split(
    isSubscription,
    socket.link,
    ApolloLink.from([reauthenticateLink(sessions), persistedOperationsLink(ids),
                     identifyLink(sessions, () => guestCart.id()), http]),
  ),
});
