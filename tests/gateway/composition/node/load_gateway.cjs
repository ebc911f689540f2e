// Load supergraphs in @apollo/gateway (static SDL: no subgraph is contacted).
// stdin: JSON [sdl, ...]; stdout: JSON [null | "error message", ...] in the same order.
const { ApolloGateway } = require("@apollo/gateway");

async function load(sdl) {
  const gateway = new ApolloGateway({ supergraphSdl: sdl, logger: silent() });
  try {
    await gateway.load();
    return null;
  } catch (e) {
    return String((e && e.message) || e);
  } finally {
    await gateway.stop().catch(() => {});
  }
}

function silent() {
  const nop = () => {};
  return { debug: nop, info: nop, warn: nop, error: nop };
}

(async () => {
  const sdls = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const results = [];
  for (const sdl of sdls) results.push(await load(sdl));
  process.stdout.write(JSON.stringify(results));
})();
