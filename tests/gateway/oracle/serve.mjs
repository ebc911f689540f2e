// Serve Apollo Gateway over supergraph files, for differential tests only.
//   node serve.mjs --supergraph PATH --port N [--url NAME=URL ...]
//   node serve.mjs --config FILE   (FILE: [{"name", "supergraph", "port", "urls": {NAME: URL}}])
//   --runtime hive-router: Hive Gateway with Hive Router's Rust query planner instead
//   (@graphql-hive/router-runtime); it takes subgraph URLs from the supergraph only.
//   --runtime hive-defer: Hive Gateway's own runtime with @defer/@stream on (deferStream).
// One process can serve many supergraphs (one port each), which saves loading node modules
// once per sample. Prints "ready <name> <port>" per gateway, then "ready" once all listen.
// Exits at once on SIGTERM: a test oracle has nothing to drain.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { createServer } from "node:http";

// A test oracle reports nothing anywhere: Apollo Gateway otherwise sends usage metrics to
// Apollo and probes cloud metadata endpoints (OpenTelemetry resource detectors).
process.env.APOLLO_TELEMETRY_DISABLED = "true";
process.env.METADATA_SERVER_DETECTION = "none";

const quiet = { debug() {}, info() {}, warn: console.error, error: console.error };

async function serveHive({ supergraph, port }) {
  // Hive Gateway's runtime without its CLI (@graphql-hive/gateway wraps it): half the load time.
  const { unifiedGraphHandler } = await import("@graphql-hive/router-runtime");
  return listenHive({ supergraph: readFileSync(supergraph, "utf8"), unifiedGraphHandler }, port);
}

async function serveHiveDefer({ supergraph, port, urls }) {
  // Hive Gateway's own federation runtime with incremental delivery on (Apollo Gateway has no
  // @defer): the reference for @defer's merged result. Subgraph URLs are written into the
  // supergraph, as its join__Graph values are where this runtime sends requests.
  let sdl = readFileSync(supergraph, "utf8");
  for (const [name, url] of Object.entries(urls ?? {})) {
    sdl = sdl.replace(new RegExp(`(join__graph\\(name: "${name}", url: ")[^"]*`), `$1${url}`);
  }
  return listenHive({ supergraph: sdl, deferStream: true }, port);
}

async function listenHive(options, port) {
  const { createGatewayRuntime } = await import("@graphql-hive/gateway-runtime");
  const gateway = createGatewayRuntime({
    ...options,
    logging: false,
    graphqlEndpoint: "/",
    landingPage: false,
    disableWebsockets: true,
  });
  const server = createServer(gateway);
  await new Promise((resolve) => server.listen(Number(port ?? 0), "127.0.0.1", resolve));
  return server.address().port;
}

async function serveApollo({ supergraph, port, urls }) {
  // Overrides are keyed by subgraph name, as in join__graph(name: ...).
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(supergraph, "utf8"),
    buildService: ({ name, url }) => new RemoteGraphQLDataSource({ url: urls[name] ?? url }),
    logger: quiet,
  });
  const server = new ApolloServer({
    gateway,
    introspection: true,
    csrfPrevention: false,
    includeStacktraceInErrorResponses: false,
    logger: quiet,
  });
  const { url } = await startStandaloneServer(server, { listen: { port: Number(port ?? 0) } });
  return new URL(url).port;
}

const { values } = parseArgs({
  options: {
    config: { type: "string" },
    supergraph: { type: "string" },
    port: { type: "string", default: "0" },
    url: { type: "string", multiple: true, default: [] },
    runtime: { type: "string", default: "apollo" },
  },
});
const serve = { "hive-router": serveHive, "hive-defer": serveHiveDefer }[values.runtime] ?? serveApollo;
process.setMaxListeners(0); // each Hive runtime listens for SIGTERM
const gateways = values.config
  ? JSON.parse(readFileSync(values.config, "utf8"))
  : [
      {
        name: "default",
        supergraph: values.supergraph,
        port: values.port,
        urls: Object.fromEntries(
          values.url.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
        ),
      },
    ];
for (const g of gateways) console.log(`ready ${g.name} ${await serve(g)}`);
console.log("ready");

process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
