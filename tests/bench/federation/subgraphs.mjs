// The four benchmark subgraphs (Federation 2, @apollo/subgraph) on four ports of one process.
// Answers are memoised by request body, so after warm-up a subgraph call costs one Map lookup
// and keeps the subgraphs off the benchmark's critical path.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parse, execute } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { users, products, inventory, reviews, shippingEstimate } from './data.mjs';

// One SDL per subgraph in schemas/, the same files supergraph.yaml composes.
const sdl = (name) => readFileSync(new URL(`./schemas/${name}.graphql`, import.meta.url), 'utf8');

const byId = (rows, key) => Object.fromEntries(rows.map((r) => [r[key], r]));
const userById = byId(users, 'id');
const productByUpc = byId(products, 'upc');
const reviewById = byId(reviews, 'id');

const accounts = {
  typeDefs: sdl('accounts'),
  resolvers: {
    Query: {
      me: () => users[0],
      user: (_, { id }) => userById[id] ?? null,
      users: () => users,
    },
    User: { __resolveReference: (ref) => userById[ref.id] ?? null },
  },
};

const inventorySubgraph = {
  typeDefs: sdl('inventory'),
  resolvers: {
    Product: {
      __resolveReference: (ref) => ({ ...ref, inStock: inventory[ref.upc] ?? null }),
      shippingEstimate: (p) => shippingEstimate(p.price, p.weight),
    },
  },
};

const productsSubgraph = {
  typeDefs: sdl('products'),
  resolvers: {
    Query: { topProducts: (_, { first }) => products.slice(0, first) },
    Product: { __resolveReference: (ref) => productByUpc[ref.upc] ?? null },
  },
};

const reviewsSubgraph = {
  typeDefs: sdl('reviews'),
  resolvers: {
    Review: {
      __resolveReference: (ref) => reviewById[ref.id] ?? null,
      product: (r) => ({ upc: r.upc }),
      author: (r) => ({ id: r.authorId, username: userById[r.authorId].username }),
    },
    User: {
      __resolveReference: (ref) => ({ id: ref.id }),
      reviews: (u) => reviews.filter((r) => r.authorId === u.id),
    },
    Product: {
      __resolveReference: (ref) => ({ upc: ref.upc }),
      reviews: (p) => reviews.filter((r) => r.upc === p.upc),
    },
  },
};

const MEMO_LIMIT = 10_000;

function serve(name, { typeDefs, resolvers }, port) {
  const schema = buildSubgraphSchema([{ typeDefs: parse(typeDefs), resolvers }]);
  const memo = new Map();
  const answer = async (body) => {
    let request;
    try {
      request = JSON.parse(body);
    } catch {
      return JSON.stringify({ errors: [{ message: 'body is not JSON' }] });
    }
    let document;
    try {
      document = parse(request.query);
    } catch (error) {
      return JSON.stringify({ errors: [{ message: String(error.message) }] });
    }
    const result = await execute({
      schema, document, variableValues: request.variables, operationName: request.operationName,
    });
    return JSON.stringify(result);
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST') {
        res.writeHead(req.url === '/health' ? 200 : 405).end();
        return;
      }
      const body = Buffer.concat(chunks).toString();
      let text = memo.get(body);
      if (text === undefined) {
        text = await answer(body);
        if (memo.size < MEMO_LIMIT) memo.set(body, text);
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1', () => console.log(`${name} on http://127.0.0.1:${port}/graphql`));
}

const base = Number(process.argv[2] ?? 4201);
serve('accounts', accounts, base);
serve('inventory', inventorySubgraph, base + 1);
serve('products', productsSubgraph, base + 2);
serve('reviews', reviewsSubgraph, base + 3);
