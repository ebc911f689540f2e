// Sign in, register and sign out (the refresh token revoked): the session, the guest cart
// merged, the cache and socket reset.
import { useApolloClient } from "@apollo/client";
import { useCallback } from "react";
import { socket } from "../apollo/client";
import { guestCart } from "../cart/guest";
import { MergeGuestCartDocument, type SessionFragment } from "../gql/graphql";
import { sessions } from "./session";

export function useAccount() {
  const client = useApolloClient();
  const signedIn = useCallback(async (payload: SessionFragment) => {
    sessions.signedIn(payload);
    const cartId = guestCart.id();
    if (cartId) {
      // The guest cart joins the user's (mergeGuestCart is idempotent); a failure keeps the id.
      await client.mutate({ mutation: MergeGuestCartDocument, variables: { cartId } });
      guestCart.forget();
    }
    socket.restart();
    await client.resetStore();
  }, [client]);
  const signOut = useCallback(async () => {
    await sessions.signOut(); // revokes the refresh token
    socket.restart();
    await client.resetStore(); // active queries refetch as the guest
  }, [client]);
  return { signedIn, signOut };
}
