// The cart: quantities, removal, total, and the way to checkout.
import { useMutation, useQuery } from "@apollo/client";
import { Link } from "react-router-dom";
import { useSession } from "../auth/session";
import { Money } from "../components/Money";
import { CartViewDocument, RemoveCartItemDocument, SetCartItemQuantityDocument } from "../gql/graphql";

export function CartPage() {
  const session = useSession();
  const { data, loading, error } = useQuery(CartViewDocument, { fetchPolicy: "cache-and-network" });
  const [setQuantity] = useMutation(SetCartItemQuantityDocument);
  const [remove] = useMutation(RemoveCartItemDocument);
  const cart = data?.cart;
  if (loading && !data) return <p role="status">Loading your cart…</p>;
  return (
    <section aria-labelledby="cart-title">
      <h1 id="cart-title">Your cart</h1>
      {error && <p role="alert" className="error">{error.message}</p>}
      {!cart || cart.items.length === 0 ? <p>Your cart is empty.</p> : (
        <>
          <table>
            <caption className="visually-hidden">Items in your cart</caption>
            <thead><tr><th scope="col">Product</th><th scope="col">Quantity</th>
              <th scope="col">Line total</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {cart.items.map((item) => (
                <tr key={item.product.id} data-testid="cart-line">
                  <th scope="row"><Link to={`/products/${item.product.id}`}>{item.product.name}</Link></th>
                  <td>
                    <input type="number" min={1} max={99} defaultValue={item.quantity}
                           aria-label={`Quantity of ${item.product.name}`}
                           onBlur={(e) => Number(e.target.value) !== item.quantity && setQuantity({
                             variables: { productId: item.product.id, quantity: Number(e.target.value) },
                           }).catch(() => undefined)} />
                  </td>
                  <td><Money value={item.lineTotal} /></td>
                  <td><button type="button" aria-label={`Remove ${item.product.name}`}
                              onClick={() => remove({ variables: { productId: item.product.id } })}>
                    Remove</button></td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="total">Total: <Money value={cart.total} /></p>
          {session ? <Link className="button" to="/checkout">Checkout</Link>
            : <p><Link to="/login?next=/checkout">Sign in</Link> or <Link to="/register?next=/checkout">register</Link> to check out; your cart comes with you.</p>}
        </>
      )}
    </section>
  );
}
