// Who is asking, on every HTTP request: the session's access token, or else the guest's cart
// id. Each attempt sets both afresh (a retry after a refresh must not carry the refused token).
import { setContext } from "@apollo/client/link/context";
import type { ApolloLink } from "@apollo/client";

export interface Identity {
  accessToken(): Promise<string | null>;
}

export function identifyLink(session: Identity, cartId: () => string | null): ApolloLink {
  return setContext(async (_, { headers }) => {
    const { authorization: _token, "x-cart-id": _cart, ...rest } =
      (headers ?? {}) as Record<string, string>;
    const token = await session.accessToken();
    const cart = token ? null : cartId();
    return {
      headers: {
        ...rest,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(cart ? { "x-cart-id": cart } : {}),
      },
    };
  });
}
