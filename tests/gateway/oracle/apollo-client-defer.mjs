// Apollo Client (npm) as a real @defer client, for tests only.
//   node apollo-client-defer.mjs URL QUERY [VARIABLES_JSON]
// Prints one JSON line per result the client's watchQuery delivers (Apollo Client merges the
// incremental payloads itself) as it comes, so a test can hold a subgraph back and check that
// the first result arrived without it. Runs until the test stops it.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client/core/index.js";

const [url, query, variables] = process.argv.slice(2);
const client = new ApolloClient({
  link: new HttpLink({ uri: url, fetch }),
  cache: new InMemoryCache(),
});
const watched = client.watchQuery({
  query: gql(query),
  variables: JSON.parse(variables ?? "{}"),
  fetchPolicy: "network-only",
});
watched.subscribe({
  next: (result) => {
    if (result.data === undefined) return;
    process.stdout.write(JSON.stringify({ data: result.data }) + "\n");
  },
  error: (error) => {
    process.stdout.write(JSON.stringify({ error: String(error) }) + "\n");
    process.exit(1);
  },
});
