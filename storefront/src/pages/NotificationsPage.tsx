// The notification centre: what was sent to the user, and which channels they want.
import { useMutation, useQuery } from "@apollo/client";
import { Link, Navigate } from "react-router-dom";
import { useSession } from "../auth/session";
import { NotificationCentreDocument, SetNotificationPreferencesDocument } from "../gql/graphql";

export function NotificationsPage() {
  const session = useSession();
  const { data, loading, error } = useQuery(NotificationCentreDocument, {
    variables: { first: 20 }, fetchPolicy: "cache-and-network", skip: !session,
  });
  const [save, saving] = useMutation(SetNotificationPreferencesDocument, {
    update(cache, { data: saved }) {
      if (!saved || !data?.me) return; // preferences have no id: they live on the user
      cache.modify({
        id: cache.identify(data.me),
        fields: { notificationPreferences: () => saved.updateNotificationPreferences },
      });
    },
  });
  if (!session) return <Navigate to="/login?next=/notifications" replace />;
  if (loading && !data) return <p role="status">Loading notifications…</p>;
  const me = data?.me;
  const toggle = (channel: "email" | "sms", on: boolean) =>
    save({ variables: { [channel]: on } }).catch(() => undefined);
  return (
    <section aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      {(error || saving.error) && <p role="alert" className="error">{(error ?? saving.error)!.message}</p>}
      {me && (
        <fieldset>
          <legend>Send me order updates by</legend>
          <label className="choice"><input type="checkbox" checked={me.notificationPreferences.email}
            onChange={(e) => toggle("email", e.target.checked)} />Email</label>
          <label className="choice"><input type="checkbox" checked={me.notificationPreferences.sms}
            onChange={(e) => toggle("sms", e.target.checked)} />SMS</label>
        </fieldset>
      )}
      {!me?.notifications.edges.length ? <p>Nothing sent yet.</p> : (
        <ul className="orders" aria-label="Sent notifications">
          {me.notifications.edges.map(({ node }) => (
            <li key={node.id}>
              {new Date(node.createdAt).toLocaleString()} · {node.channel} · {node.subject} ({node.status})
              {node.orderId && <> · <Link to={`/orders/${node.orderId}`}>order</Link></>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
