// One order; its status and payment change live (orderStatusChanged, paymentStatusChanged).
import { useQuery, useSubscription } from "@apollo/client";
import { useCallback, useEffect, useRef, useState } from "react";
import { useParams } from "react-router-dom";
import { socket } from "../apollo/client";
import { Money } from "../components/Money";
import { StatusBadge } from "../components/StatusBadge";
import { CartViewDocument, OrderDetailDocument, OrderStatusUpdatesDocument, PaymentStatusUpdatesDocument } from "../gql/graphql";

export function OrderPage() {
  const { id = "" } = useParams();
  const { data, loading, error, refetch } = useQuery(OrderDetailDocument, {
    variables: { id },
    errorPolicy: "all", // the order still shows while payments cannot be reached
  });
  const round = useResubscription(refetch);
  // The socket reconnected (a token refresh, a network drop): events meanwhile were not sent.
  useEffect(() => socket.onReconnect(() => { refetch(); }), [refetch]);
  if (loading && !data) return <p role="status">Loading order…</p>;
  const order = data?.order;
  if (error && !order) return <p role="alert" className="error">{error.message}</p>;
  if (!order) return <h1>Order not found</h1>;
  return (
    <article aria-labelledby="order-title">
      <LiveUpdates key={round.current} orderId={order.id} onEnded={round.retry} />
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

/** A subscription the gateway ended with an error (a subgraph down) starts again after a pause,
 * with the order refetched so that nothing missed meanwhile stays unseen. */
function useResubscription(refetch: () => unknown) {
  const [current, setCurrent] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const retry = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => { setCurrent((n) => n + 1); refetch(); }, 2000);
  }, [refetch]);
  return { current, retry };
}

/** Status and payment events, normalised into the cache by id: the page re-renders by itself. */
function LiveUpdates({ orderId, onEnded }: { orderId: string; onEnded: () => void }) {
  // errorPolicy all: an event whose payment could not be joined still brings the status.
  useSubscription(OrderStatusUpdatesDocument, {
    variables: { orderId },
    errorPolicy: "all",
    onError: onEnded,
    // The cart empties as the order goes through (cart consumes order events): show it.
    onData: ({ client }) => void client.refetchQueries({ include: [CartViewDocument] }),
  });
  useSubscription(PaymentStatusUpdatesDocument, {
    variables: { orderId },
    errorPolicy: "all",
    onError: onEnded,
    onData: ({ client, data: event }) => {
      const payment = event.data?.paymentStatusChanged;
      if (!payment) return;
      // The first payment event may precede any order event: link it to the order.
      client.cache.modify({
        id: client.cache.identify({ __typename: "Order", id: orderId }),
        fields: { payment: (_, { toReference }) => toReference(payment) },
      });
    },
  });
  return null;
}
