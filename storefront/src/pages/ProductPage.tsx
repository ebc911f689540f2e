// One product: description, price and the stock left.
import { useQuery } from "@apollo/client";
import { useState } from "react";
import { useParams } from "react-router-dom";
import { AddToCart } from "../components/AddToCart";
import { Money } from "../components/Money";
import { ProductPageDocument } from "../gql/graphql";

export function ProductPage() {
  const { id = "" } = useParams();
  const [quantity, setQuantity] = useState(1);
  const { data, loading, error } = useQuery(ProductPageDocument, { variables: { id } });
  if (loading && !data) return <p role="status">Loading…</p>;
  if (error) return <p role="alert" className="error">{error.message}</p>;
  const product = data?.product;
  if (!product) return <h1>Product not found</h1>;
  return (
    <article>
      <h1>{product.name}</h1>
      <p className="muted">{product.category} · SKU {product.sku}</p>
      <p>{product.description}</p>
      <p className="price"><Money value={product.price} /></p>
      <p data-testid="stock">{product.stock > 0 ? `${product.stock} in stock` : "Out of stock"}</p>
      <label>Quantity
        <input type="number" min={1} max={Math.max(1, Math.min(99, product.stock))} value={quantity}
               onChange={(e) => setQuantity(Math.max(1, Number(e.target.value) || 1))} />
      </label>
      <AddToCart productId={product.id} name={product.name} quantity={quantity}
                 disabled={product.stock === 0} />
    </article>
  );
}
