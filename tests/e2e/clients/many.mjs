// Many subscriptions through the real graphql-ws client in one process, driven over stdin.
// usage: node many.mjs <http url>
// stdin, one JSON per line: {"id", "token", "query", "variables"} subscribes (one graphql-ws
// client, i.e. one WebSocket, per distinct token); {"close": id} completes one.
// stdout, one JSON per line: {"id", "at", "result"} for each result (at: wall-clock ms with
// fractions, for latency against the caller's clock), {"id", "at", "error"} when the stream
// failed (for a closed socket: {"code", "reason"}), {"id", "at", "complete": true} at its end.
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const url = process.argv[2].replace(/^http/, "ws");
const clients = new Map();
const running = new Map();
const now = () => performance.timeOrigin + performance.now();
const print = (line) => process.stdout.write(JSON.stringify({ ...line, at: now() }) + "\n");

function clientFor(token) {
  if (!clients.has(token)) {
    clients.set(token, createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
      lazy: true,
    }));
  }
  return clients.get(token);
}

function describe(error) {
  if (Array.isArray(error)) return error;
  if (error && typeof error.code === "number") return { code: error.code, reason: error.reason };
  return String(error?.message ?? error);
}

function subscribe({ id, token, query, variables }) {
  const dispose = clientFor(token ?? "").subscribe({ query, variables: variables ?? {} }, {
    next: (result) => print({ id, result }),
    error: (error) => { running.delete(id); print({ id, error: describe(error) }); },
    complete: () => { running.delete(id); print({ id, complete: true }); },
  });
  running.set(id, dispose);
}

const input = createInterface({ input: process.stdin });
input.on("line", (line) => {
  const command = JSON.parse(line);
  if (command.close !== undefined) {
    running.get(command.close)?.();
    running.delete(command.close);
  } else {
    subscribe(command);
  }
});
input.on("close", () => {
  for (const client of clients.values()) client.dispose();
  process.exit(0);
});
