// Checkout with the payment sandbox's test cards; the order page then follows the payment.
import { useMutation, useQuery } from "@apollo/client";
import { useState, type FormEvent } from "react";
import { Navigate, useNavigate } from "react-router-dom";
import { useSession } from "../auth/session";
import { Money } from "../components/Money";
import { CartViewDocument, PlaceOrderDocument } from "../gql/graphql";

export const TEST_CARDS: [string, string][] = [
  ["pm_card_visa", "Visa test card (succeeds)"],
  ["pm_card_mastercard", "Mastercard test card (succeeds)"],
  ["pm_card_chargeDeclined", "Test card that is declined"],
];

export function CheckoutPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [card, setCard] = useState(TEST_CARDS[0][0]);
  const { data } = useQuery(CartViewDocument);
  const [placeOrder, { loading, error }] = useMutation(PlaceOrderDocument, {
    update: (cache) => cache.evict({ fieldName: "cart" }), // checkout empties the cart
  });
  if (!session) return <Navigate to="/login?next=/checkout" replace />;
  const cart = data?.cart;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    placeOrder({ variables: { paymentMethod: card } })
      .then((r) => r.data && navigate(`/orders/${r.data.checkout.id}`), () => undefined);
  };
  return (
    <form onSubmit={submit} aria-labelledby="checkout-title">
      <h1 id="checkout-title">Checkout</h1>
      {cart && cart.items.length > 0
        ? <p>{cart.items.length} product(s), total <Money value={cart.total} /></p>
        : <p>Your cart is empty.</p>}
      <fieldset>
        <legend>Payment method (sandbox test cards)</legend>
        {TEST_CARDS.map(([value, label]) => (
          <label key={value} className="choice">
            <input type="radio" name="card" value={value} checked={card === value}
                   onChange={() => setCard(value)} />{label}
          </label>
        ))}
      </fieldset>
      {error && <p role="alert" className="error">{error.message}</p>}
      <button type="submit" disabled={loading || !cart?.items.length}>Place order</button>
    </form>
  );
}
