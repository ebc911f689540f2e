// Differential oracle: compose subgraphs with @theguild/federation-composition.
// stdin: JSON [{name, url, sdl}]; stdout: JSON {supergraph} or {errors: [...]}.
const { composeServices } = require("@theguild/federation-composition");
const { parse } = require("graphql");

const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
let result;
try {
  result = composeServices(
    input.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }))
  );
} catch (e) {
  process.stdout.write(JSON.stringify({ errors: [String(e && e.message)] }));
  process.exit(0);
}
if (result.errors && result.errors.length) {
  process.stdout.write(JSON.stringify({ errors: result.errors.map((e) => e.message) }));
} else {
  process.stdout.write(JSON.stringify({ supergraph: result.supergraphSdl }));
}
