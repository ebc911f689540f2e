// Run one query twice through Apollo Client's persisted-queries link (hashed GETs), each time
// with a fresh client, and print every HTTP request it made plus the results, as JSON.
// usage: node apq.mjs <gateway url>
import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client/core/index.js";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries/index.js";

const uri = process.argv[2];
const sent = [];
const recordingFetch = async (url, options) => {
  const target = new URL(url);
  const body = options.body ? JSON.parse(options.body) : null;
  sent.push({
    method: options.method || "GET",
    hasQuery: Boolean(target.searchParams.get("query") || (body && body.query)),
  });
  return fetch(url, options);
};

function client() {
  const persisted = createPersistedQueryLink({
    sha256: (text) => createHash("sha256").update(text).digest("hex"),
    useGETForHashedQueries: true,
  });
  const http = new HttpLink({ uri, fetch: recordingFetch });
  return new ApolloClient({ link: persisted.concat(http), cache: new InMemoryCache() });
}

const query = gql`query Products { products { id name } }`;
const results = [];
for (let round = 0; round < 2; round++) {
  const result = await client().query({ query, fetchPolicy: "network-only" });
  results.push(result.data);
}
console.log(JSON.stringify({ sent, results }));
