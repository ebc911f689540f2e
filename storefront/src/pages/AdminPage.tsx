// Staff: ship a paid order with its tracking number (the customer's order page shows SHIPPED live).
import { useMutation } from "@apollo/client";
import { useState, type FormEvent } from "react";
import { Navigate } from "react-router-dom";
import { useSession } from "../auth/session";
import { StatusBadge } from "../components/StatusBadge";
import { ShipOrderDocument } from "../gql/graphql";

export function AdminPage() {
  const session = useSession();
  const [orderId, setOrderId] = useState("");
  const [tracking, setTracking] = useState("");
  const [ship, { data, loading, error }] = useMutation(ShipOrderDocument);
  if (!session) return <Navigate to="/login?next=/admin" replace />;
  if (!session.user.roles.includes("admin")) return <h1>Staff only</h1>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    ship({ variables: { id: orderId.trim(), trackingNumber: tracking.trim() } }).catch(() => undefined);
  };
  return (
    <form className="account" onSubmit={submit} aria-labelledby="admin-title">
      <h1 id="admin-title">Ship an order</h1>
      <label>Order id<input required value={orderId} onChange={(e) => setOrderId(e.target.value)} /></label>
      <label>Tracking number<input required value={tracking} onChange={(e) => setTracking(e.target.value)} /></label>
      {error && <p role="alert" className="error">{error.message}</p>}
      <button type="submit" disabled={loading}>Ship order</button>
      {data && <p role="status">Order {data.shipOrder.id}: <StatusBadge status={data.shipOrder.status} testId="shipped-status" /></p>}
    </form>
  );
}
