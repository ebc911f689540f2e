// Differential oracle: compose subgraphs with @theguild/federation-composition.
// stdin: JSON [[{name, url, sdl}, ...], ...] (a batch of compositions);
// stdout: JSON [{supergraph} | {errors: [...]}, ...] in the same order.
const { composeServices } = require("@theguild/federation-composition");
const { parse } = require("graphql");

function composeOne(subgraphs) {
  try {
    const result = composeServices(
      subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }))
    );
    if (result.errors && result.errors.length) {
      return { errors: result.errors.map((e) => e.message) };
    }
    return { supergraph: result.supergraphSdl };
  } catch (e) {
    return { errors: [String((e && e.message) || e)] };
  }
}

const batch = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(batch.map(composeOne)));
