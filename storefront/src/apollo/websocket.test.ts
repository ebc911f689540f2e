import { execute } from "@apollo/client";
import { describe, expect, it } from "vitest";
import { OrderStatusUpdatesDocument } from "../gql/graphql";
import { RESTART_CODE, websocketLink } from "./websocket";

interface Message { type: string; id?: string; payload?: Record<string, unknown> }

/** A graphql-transport-ws server in the browser's WebSocket shape: acks every init. */
class FakeSocket {
  static CONNECTING = 0; static OPEN = 1; static CLOSING = 2; static CLOSED = 3;
  static opened: FakeSocket[] = [];
  static refused = new Set<string>();
  readyState = FakeSocket.CONNECTING;
  sent: Message[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(public url: string, public protocol: string) {
    FakeSocket.opened.push(this);
    setTimeout(() => { this.readyState = FakeSocket.OPEN; this.onopen?.({}); });
  }

  send(data: string) {
    const message = JSON.parse(data) as Message;
    this.sent.push(message);
    const auth = String(message.payload?.Authorization ?? "");
    if (message.type === "connection_init" && FakeSocket.refused.has(auth)) {
      this.close(4401, "Unauthorized");
    } else if (message.type === "connection_init") {
      setTimeout(() => this.onmessage?.({ data: JSON.stringify({ type: "connection_ack" }) }));
    }
  }

  close(code = 1000, reason = "") {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.readyState = FakeSocket.CLOSED;
    setTimeout(() => this.onclose?.({ code, reason, wasClean: true }));
  }
}

async function until<T>(check: () => T | undefined | false, ms = 2000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("the subscription socket", () => {
  it("reconnects with the refreshed token at once and resubscribes", async () => {
    FakeSocket.opened = [];
    let token = "access-1";
    const socket = websocketLink("ws://gateway.test/graphql", async () => token,
                                 { OrderStatusUpdates: "hash-1" }, { webSocketImpl: FakeSocket });
    let reconnects = 0;
    socket.onReconnect(() => { reconnects += 1; });
    const live = execute(socket.link, { query: OrderStatusUpdatesDocument,
                                        variables: { orderId: "o1" } }).subscribe({});
    const first = await until(() => FakeSocket.opened[0]?.sent.find((m) => m.type === "subscribe")
      && FakeSocket.opened[0]);
    expect(first.sent[0]).toEqual({ type: "connection_init",
                                    payload: { Authorization: "Bearer access-1" } });
    expect(reconnects).toBe(0);

    // when the session refreshes its token, the socket restarts
    token = "access-2";
    const started = Date.now();
    socket.restart();
    const second = await until(() => FakeSocket.opened[1]?.sent.find((m) => m.type === "subscribe")
      && FakeSocket.opened[1]);

    // then the new connection carries the new token and the same subscription, without backoff
    expect(first.readyState).toBe(FakeSocket.CLOSED);
    expect(second.sent[0]).toEqual({ type: "connection_init",
                                     payload: { Authorization: "Bearer access-2" } });
    const subscribe = second.sent.find((m) => m.type === "subscribe")!;
    expect(subscribe.payload).toMatchObject({
      operationName: "OrderStatusUpdates", variables: { orderId: "o1" }, query: "",
      extensions: { persistedQuery: { version: 1, sha256Hash: "hash-1" } } });
    expect(Date.now() - started).toBeLessThan(1000); // graphql-ws' backoff is 1.3 s at least
    expect(reconnects).toBe(1);
    expect(RESTART_CODE).toBe(4205);
    live.unsubscribe();
  });

  it("connects a guest without an Authorization", async () => {
    FakeSocket.opened = [];
    const socket = websocketLink("ws://gateway.test/graphql", async () => null,
                                 { OrderStatusUpdates: "hash-1" }, { webSocketImpl: FakeSocket });
    const live = execute(socket.link, { query: OrderStatusUpdatesDocument,
                                        variables: { orderId: "o1" } }).subscribe({});
    const init = await until(() => FakeSocket.opened[0]?.sent[0]);
    expect(init).toEqual({ type: "connection_init", payload: {} });
    live.unsubscribe();
  });

  it("asks for a new token when the gateway refuses the one it was given", async () => {
    FakeSocket.opened = [];
    FakeSocket.refused = new Set(["Bearer revoked"]);
    const rejected: string[] = [];
    const socket = websocketLink("ws://gateway.test/graphql", async () => "revoked",
                                 { OrderStatusUpdates: "hash-1" },
                                 { webSocketImpl: FakeSocket, onUnauthorized: (t) => rejected.push(t) });
    let ended: unknown = null;
    execute(socket.link, { query: OrderStatusUpdatesDocument, variables: { orderId: "o1" } })
      .subscribe({ error: (error) => { ended = error; } });
    await until(() => ended);
    expect(rejected).toEqual(["revoked"]);
    FakeSocket.refused = new Set();
  });
});
