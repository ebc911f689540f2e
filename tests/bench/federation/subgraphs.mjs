// The four benchmark subgraphs (Federation 2, @apollo/subgraph) on four ports of one process.
// Answers are memoised by request body, so after warm-up a subgraph call costs one Map lookup
// and keeps the subgraphs off the benchmark's critical path.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
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
const SUBGRAPHS = {
  accounts, inventory: inventorySubgraph, products: productsSubgraph, reviews: reviewsSubgraph,
};

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
  let received = 0; // POSTs answered: the runner reads it at GET /requests
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST') {
        if (req.url === '/requests') res.writeHead(200).end(String(received));
        else res.writeHead(req.url === '/health' ? 200 : 405).end();
        return;
      }
      received += 1;
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

if (process.argv[2] === '--sdl') {
  // `node subgraphs.mjs --sdl DIR`: each subgraph's own SDL (no _entities/_service plumbing)
  // as DIR/<name>.graphql, for gateways that compose from subgraph schemas (Grafbase).
  for (const [name, { typeDefs }] of Object.entries(SUBGRAPHS)) {
    writeFileSync(join(process.argv[3], `${name}.graphql`), `${typeDefs.trim()}\n`);
  }
} else {
  const base = Number(process.argv[2] ?? 4201);
  Object.entries(SUBGRAPHS).forEach(([name, subgraph], offset) => serve(name, subgraph, base + offset));
}
