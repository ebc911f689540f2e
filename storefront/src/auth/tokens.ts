// The users service's token mutations (persisted operations like every other request), sent
// straight to the gateway: never through the client's re-authenticating link, which waits on
// them, and never with the access token (the refresh token is the credential).
import { execute, toPromise, type ApolloLink } from "@apollo/client";
import { RefreshSessionDocument, SignOutDocument } from "../gql/graphql";
import { isUnauthenticated } from "../apollo/reauthenticate";
import type { TokenEndpoints, Tokens } from "./session";

export function tokenEndpoints(link: ApolloLink): TokenEndpoints {
  return {
    async refresh(refreshToken: string): Promise<Tokens | null> {
      try {
        const result = await toPromise(execute(link, {
          query: RefreshSessionDocument, variables: { refreshToken } }));
        if (isUnauthenticated(result.errors)) return null; // spent, revoked or expired
        if (!result.data?.refreshToken) throw new Error(result.errors?.[0]?.message ?? "refresh failed");
        return result.data.refreshToken;
      } catch (error) {
        if (isUnauthenticated(error)) return null;
        throw error; // unreachable gateway: keep the session, the request fails
      }
    },
    revoke: (refreshToken: string) => toPromise(execute(link, {
      query: SignOutDocument, variables: { refreshToken } })),
  };
}
