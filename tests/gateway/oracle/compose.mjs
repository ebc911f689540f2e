// Compose subgraph SDLs into supergraphs with @theguild/federation-composition (or, per
// composition, with Apollo's own @apollo/composition, what `rover supergraph compose` runs).
// Input (stdin), either one composition: [{"name", "url", "sdl"}]
//   -> stdout: the supergraph SDL; on errors, their messages on stderr and exit status 1;
// or several at once: {"<key>": [{"name", "url", "sdl"}] or {"composer": "apollo", "services":
//   [...]}, ...} -> stdout: JSON {"<key>": {"supergraph": "..."} or {"errors": ["..."]}}.
import { readFileSync } from "node:fs";
import { parse } from "graphql";
import { composeServices as composeWithApollo } from "@apollo/composition";
import { composeServices, compositionHasErrors } from "@theguild/federation-composition";

function compose(services) {
  const result = composeServices(
    services.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
  );
  return compositionHasErrors(result)
    ? { errors: result.errors.map((e) => e.message) }
    : { supergraph: result.supergraphSdl };
}

function composeApollo(services) {
  const result = composeWithApollo(
    services.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
  );
  return result.errors
    ? { errors: result.errors.map((e) => e.message) }
    : { supergraph: result.supergraphSdl };
}

function composeEntry(entry) {
  if (Array.isArray(entry)) return compose(entry);
  return entry.composer === "apollo" ? composeApollo(entry.services) : compose(entry.services);
}

const input = JSON.parse(readFileSync(0, "utf8"));
if (Array.isArray(input)) {
  const { supergraph, errors } = compose(input);
  if (errors) {
    for (const message of errors) console.error(message);
    process.exit(1);
  }
  process.stdout.write(supergraph);
} else {
  const out = Object.fromEntries(Object.entries(input).map(([key, s]) => [key, composeEntry(s)]));
  process.stdout.write(JSON.stringify(out));
}
