// Order history: the signed-in user's orders, newest first, a page at a time.
import { useQuery } from "@apollo/client";
import { Link, Navigate } from "react-router-dom";
import { useSession } from "../auth/session";
import { Money } from "../components/Money";
import { StatusBadge } from "../components/StatusBadge";
import { OrderHistoryDocument } from "../gql/graphql";

export function OrdersPage() {
  const session = useSession();
  const { data, loading, error, fetchMore } = useQuery(OrderHistoryDocument, {
    variables: { first: 10 }, fetchPolicy: "cache-and-network", skip: !session,
  });
  if (!session) return <Navigate to="/login?next=/orders" replace />;
  if (loading && !data) return <p role="status">Loading orders…</p>;
  const orders = data?.me?.orders;
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Your orders</h1>
      {error && <p role="alert" className="error">{error.message}</p>}
      {!orders?.edges.length ? <p>No orders yet.</p> : (
        <ul className="orders">
          {orders.edges.map(({ node }) => (
            <li key={node.id}>
              <Link to={`/orders/${node.id}`}>{new Date(node.createdAt).toLocaleString()}</Link>{" "}
              <Money value={node.total} /> <StatusBadge status={node.status} />
            </li>
          ))}
        </ul>
      )}
      {orders?.pageInfo.hasNextPage && (
        <button type="button" onClick={() => fetchMore({ variables: { after: orders.pageInfo.endCursor } })}>
          Load more</button>
      )}
    </section>
  );
}
