// Run one subscription with the real npm client and print every result as one JSON line.
// usage: node subscribe.mjs <ws|sse> <http url> <token or ""> <query> <variables JSON>
// A transport error is printed as {"error": ...}; the process exits when the stream ends.
import { createClient as createWsClient } from "graphql-ws";
import { createClient as createSseClient } from "graphql-sse";
import WebSocket from "ws";

const [transport, url, token, query, variables] = process.argv.slice(2);
const auth = token ? { Authorization: `Bearer ${token}` } : {};

function client() {
  if (transport === "ws") {
    return createWsClient({
      url: url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      connectionParams: auth,
      retryAttempts: 0,
    });
  }
  return createSseClient({ url, headers: auth, retryAttempts: 0 });
}

const subscriber = client();
try {
  for await (const result of subscriber.iterate({ query, variables: JSON.parse(variables) })) {
    console.log(JSON.stringify(result));
  }
} catch (error) {
  const detail = Array.isArray(error) ? error : String(error?.message ?? error);
  console.log(JSON.stringify({ error: detail }));
} finally {
  subscriber.dispose();
}
