// Compose subgraph SDLs into supergraphs with @theguild/federation-composition.
// Input (stdin), either one composition: [{"name", "url", "sdl"}]
//   -> stdout: the supergraph SDL; on errors, their messages on stderr and exit status 1;
// or several at once: {"<key>": [{"name", "url", "sdl"}], ...}
//   -> stdout: JSON {"<key>": {"supergraph": "..."} or {"errors": ["..."]}}.
import { readFileSync } from "node:fs";
import { parse } from "graphql";
import { composeServices, compositionHasErrors } from "@theguild/federation-composition";

function compose(services) {
  const result = composeServices(
    services.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
  );
  return compositionHasErrors(result)
    ? { errors: result.errors.map((e) => e.message) }
    : { supergraph: result.supergraphSdl };
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
  const out = Object.fromEntries(Object.entries(input).map(([key, s]) => [key, compose(s)]));
  process.stdout.write(JSON.stringify(out));
}
