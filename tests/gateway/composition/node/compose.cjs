// Differential oracles: compose subgraphs with @theguild/federation-composition ("guild") and
// with @apollo/composition ("apollo", the composer behind rover and @apollo/gateway).
// One JSON request per stdin line: {composers: ["guild", "apollo"], subgraphs: [{name, url, sdl}]};
// one JSON answer per stdout line, in order: {guild: result, apollo: result}, where a result is
// {supergraph} or {errors: [message, ...], codes: [code, ...]}. Lines keep one node process
// serving many compositions (node start-up dominates small cases).
const guild = require("@theguild/federation-composition");
const apollo = require("@apollo/composition");
const { parse } = require("graphql");
const readline = require("readline");

const COMPOSERS = {
  guild: (services) => {
    const result = guild.composeServices(services);
    return { errors: result.errors, supergraph: result.supergraphSdl };
  },
  apollo: (services) => {
    const result = apollo.composeServices(services);
    return { errors: result.errors, supergraph: result.supergraphSdl };
  },
};

function failure(errors) {
  return {
    errors: errors.map((e) => String((e && e.message) || e)),
    codes: errors.map((e) => (e && e.extensions && e.extensions.code) || "EXCEPTION"),
  };
}

function composeOne(composer, subgraphs) {
  let services;
  try {
    services = subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  } catch (e) {
    // rover reports SDL that does not parse as INVALID_GRAPHQL before composing
    return { errors: [String(e.message)], codes: ["INVALID_GRAPHQL"] };
  }
  try {
    const result = COMPOSERS[composer](services);
    if (result.errors && result.errors.length) return failure(result.errors);
    return { supergraph: result.supergraph };
  } catch (e) {
    return failure([e]);
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  if (!line.trim()) return;
  const request = JSON.parse(line);
  const answer = Object.fromEntries(
    request.composers.map((c) => [c, composeOne(c, request.subgraphs)])
  );
  process.stdout.write(JSON.stringify(answer) + "\n");
});
