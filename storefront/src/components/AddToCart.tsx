// Add units of a product: the cart in the cache follows (a guest's new cart id is remembered).
import { useMutation } from "@apollo/client";
import { useState } from "react";
import { sessions } from "../auth/session";
import { guestCart } from "../cart/guest";
import { AddCartItemDocument, CartViewDocument } from "../gql/graphql";

export function AddToCart({ productId, name, quantity = 1, disabled = false }: {
  productId: string; name: string; quantity?: number; disabled?: boolean;
}) {
  const [added, setAdded] = useState(false);
  const [add, { loading, error }] = useMutation(AddCartItemDocument, {
    update(cache, { data }) {
      if (!data) return;
      if (!sessions.current()) guestCart.remember(data.addToCart.id);
      cache.writeQuery({ query: CartViewDocument, data: { cart: data.addToCart } });
    },
  });
  const onClick = () => add({ variables: { productId, quantity } }).then(() => setAdded(true), () => undefined);
  return (
    <span className="add">
      <button type="button" onClick={onClick} disabled={disabled || loading}
              aria-label={`Add ${name} to cart`}>
        {loading ? "Adding…" : "Add to cart"}
      </button>
      <span role="status">{added && !loading ? "Added to cart" : ""}</span>
      {error && <span role="alert" className="error">{error.message}</span>}
    </span>
  );
}
