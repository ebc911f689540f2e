// One order; its status and payment change live (orderStatusChanged, paymentStatusChanged).
import { useQuery, useSubscription } from "@apollo/client";
import { useParams } from "react-router-dom";
import { Money } from "../components/Money";
import { StatusBadge } from "../components/StatusBadge";
import { OrderDetailDocument, OrderStatusUpdatesDocument, PaymentStatusUpdatesDocument } from "../gql/graphql";

export function OrderPage() {
  const { id = "" } = useParams();
  const { data, loading, error } = useQuery(OrderDetailDocument, {
    variables: { id },
    errorPolicy: "all", // the order still shows while payments cannot be reached
  });
  // Each event is normalised into the cache by id, so the query above re-renders by itself.
  useSubscription(OrderStatusUpdatesDocument, { variables: { orderId: id } });
  useSubscription(PaymentStatusUpdatesDocument, {
    variables: { orderId: id },
    onData: ({ client, data: event }) => {
      const payment = event.data?.paymentStatusChanged;
      if (!payment) return;
      // The first payment event may precede any order event: link it to the order.
      client.cache.modify({
        id: client.cache.identify({ __typename: "Order", id }),
        fields: { payment: (_, { toReference }) => toReference(payment) },
      });
    },
  });
  if (loading && !data) return <p role="status">Loading order…</p>;
  const order = data?.order;
  if (error && !order) return <p role="alert" className="error">{error.message}</p>;
  if (!order) return <h1>Order not found</h1>;
  return (
    <article aria-labelledby="order-title">
      <h1 id="order-title">Order {order.id}</h1>
      <div aria-live="polite" className="live">
        <p>Status: <StatusBadge status={order.status} testId="order-status" /></p>
        <p>Payment: {order.payment
          ? <StatusBadge status={order.payment.status} testId="payment-status" />
          : <span data-testid="payment-status">awaiting payment</span>}</p>
        {order.payment?.failureReason &&
          <p role="alert" className="error" data-testid="payment-failure">
            Payment failed: {order.payment.failureReason}</p>}
        {order.cancellationReason && <p>{order.cancellationReason}</p>}
        {order.trackingNumber && <p>Tracking number: {order.trackingNumber}</p>}
      </div>
      <ul>
        {order.items.map((item) => (
          <li key={item.product.id}>{item.quantity} × {item.productName} — <Money value={item.lineTotal} /></li>
        ))}
      </ul>
      <p className="total">Total: <Money value={order.total} /> · paid with {order.paymentMethod}</p>
      <p className="muted">Placed {new Date(order.createdAt).toLocaleString()}</p>
    </article>
  );
}
