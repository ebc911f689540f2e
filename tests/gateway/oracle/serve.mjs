// Serve Apollo Gateway over a supergraph file, for differential tests only.
// Usage: node serve.mjs --supergraph PATH --port N [--url NAME=URL ...]
// Prints "ready <port>" on stdout once listening; exits on SIGTERM.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

const { values } = parseArgs({
  options: {
    supergraph: { type: "string" },
    port: { type: "string", default: "0" },
    url: { type: "string", multiple: true, default: [] },
  },
});
// Overrides are keyed by subgraph name, as in join__graph(name: ...).
const overrides = Object.fromEntries(
  values.url.map((pair) => {
    const at = pair.indexOf("=");
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(values.supergraph, "utf8"),
  buildService: ({ name, url }) => new RemoteGraphQLDataSource({ url: overrides[name] ?? url }),
  logger: { debug() {}, info() {}, warn: console.error, error: console.error },
});
const server = new ApolloServer({
  gateway,
  introspection: true,
  csrfPrevention: false,
  includeStacktraceInErrorResponses: false,
});
const { url } = await startStandaloneServer(server, { listen: { port: Number(values.port) } });
console.log(`ready ${new URL(url).port}`);

const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
