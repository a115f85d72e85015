/**
 * The four subgraphs of the public graphql-gateways-benchmark workload (accounts, inventory,
 * products, reviews), written here from its description: small, deterministic, in-memory. Each
 * answers a request body it has seen before from a cache of its response, so the subgraphs cost
 * next to nothing and the benchmark measures the gateways.
 *
 *   node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON loadtests/federation/subgraphs.ts <first port>
 *
 * prints one line of JSON: { "sdl": { name: SDL }, "urls": { name: URL } } once all listen.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, parse, validate, type GraphQLSchema } from 'graphql';

/** Federation 1 directives and the _service / _entities fields every subgraph serves. */
const federation = `
  scalar _Any
  scalar _FieldSet
  type _Service { sdl: String }
  directive @key(fields: _FieldSet!) repeatable on OBJECT | INTERFACE
  directive @external on FIELD_DEFINITION
  directive @requires(fields: _FieldSet!) on FIELD_DEFINITION
  directive @provides(fields: _FieldSet!) on FIELD_DEFINITION
  directive @extends on OBJECT | INTERFACE
`;

const lorem = [
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.',
  'Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo.',
  'Neque porro quisquam est, qui dolorem ipsum quia dolor sit amet, consectetur, adipisci velit, sed quia non numquam eius modi tempora incidunt ut labore et dolore magnam aliquam quaerat voluptatem.',
  'Ut enim ad minima veniam, quis nostrum exercitationem ullam corporis suscipit laboriosam, nisi ut aliquid ex ea commodi consequatur.',
];

/** Sized so that the benchmark's query answers about 85 KiB, as the original's does. */
const users = Array.from({ length: 26 }, (_, i) => i + 1).map((n) => ({ id: String(n), name: `User ${n}`, username: `user${n}`, birthday: 1_000_000 + n }));
const products = [1, 2, 3, 4, 5].map((n) => ({ upc: String(n), name: `Product ${n}`, price: 100 * n + 99, weight: 10 * n + 5 }));
/** Eleven reviews over the first four products, as in the original; every review's author is user 1; each body four paragraphs. */
const reviews = [1, 1, 1, 1, 2, 2, 2, 2, 3, 4, 4].map((upc, i) => ({
  id: String(i + 1),
  body: `${lorem[i % lorem.length]} `.repeat(4).trim(),
  upc: String(upc),
  authorId: '1',
}));

type Row = Record<string, unknown>;
type EntityResolver = (representation: Row) => Row | null;

interface Subgraph {
  name: string;
  sdl: string;
  query: Record<string, (args: Row) => unknown>;
  entities: Record<string, EntityResolver>;
}

const reviewOf = (r: (typeof reviews)[number]) => ({
  __typename: 'Review',
  id: r.id,
  body: r.body,
  product: { __typename: 'Product', upc: r.upc },
  author: authorOf(r),
});
const authorOf = (r: (typeof reviews)[number]) => ({
  __typename: 'User',
  id: r.authorId,
  username: users.find((u) => u.id === r.authorId)?.username,
  reviews: () => reviews.slice(0, 2).map(reviewOf),
});

const subgraphs: Subgraph[] = [
  {
    name: 'accounts',
    sdl: `type Query { me: User  user(id: ID!): User  users: [User] }
      type User @key(fields: "id") { id: ID!  name: String  username: String  birthday: Int }`,
    query: { me: () => users[0], user: ({ id }) => users.find((u) => u.id === id) ?? null, users: () => users },
    entities: { User: ({ id }) => users.find((u) => u.id === id) ?? null },
  },
  {
    name: 'inventory',
    sdl: `extend type Product @key(fields: "upc") {
        upc: String! @external  weight: Int @external  price: Int @external
        inStock: Boolean  shippingEstimate: Int @requires(fields: "price weight")
      }`,
    query: {},
    entities: {
      Product: ({ upc, price, weight }) => ({
        upc,
        inStock: Number(upc) % 2 === 1,
        // Free above 1,000, else half the weight (the original's rule).
        shippingEstimate: typeof price === 'number' && price > 1000 ? 0 : typeof weight === 'number' ? Math.round(weight / 2) : null,
      }),
    },
  },
  {
    name: 'products',
    sdl: `type Query { topProducts(first: Int = 5): [Product] }
      type Product @key(fields: "upc") { upc: String!  name: String  price: Int  weight: Int }`,
    query: { topProducts: ({ first }) => products.slice(0, Number(first ?? 5)) },
    entities: { Product: ({ upc }) => products.find((p) => p.upc === upc) ?? null },
  },
  {
    name: 'reviews',
    sdl: `type Review @key(fields: "id") { id: ID!  body: String  product: Product  author: User @provides(fields: "username") }
      extend type User @key(fields: "id") { id: ID! @external  username: String @external  reviews: [Review] }
      extend type Product @key(fields: "upc") { upc: String! @external  reviews: [Review] }`,
    query: {},
    entities: {
      Review: ({ id }) => {
        const review = reviews.find((r) => r.id === id);
        return review ? reviewOf(review) : null;
      },
      User: ({ id }) => ({ id, reviews: reviews.slice(0, 2).map(reviewOf) }),
      Product: ({ upc }) => ({ upc, reviews: reviews.filter((r) => r.upc === upc).map(reviewOf) }),
    },
  },
];

function executableSchema(subgraph: Subgraph): GraphQLSchema {
  const types = [...subgraph.sdl.matchAll(/type (\w+) @key/g)].map((m) => m[1]);
  const queryFields = subgraph.sdl.includes('type Query {') ? '' : 'type Query { _dummy: String }';
  return buildSchema(
    `${federation}\n${subgraph.sdl.replace(/extend type/g, 'type')}\n${queryFields}\n` +
      `union _Entity = ${types.join(' | ')}\nextend type Query { _service: _Service!  _entities(representations: [_Any!]!): [_Entity]! }`,
  );
}

function serve(subgraph: Subgraph): Promise<string> {
  const schema = executableSchema(subgraph);
  const rootValue: Record<string, unknown> = {
    ...Object.fromEntries(Object.entries(subgraph.query).map(([field, resolve]) => [field, (args: Row) => resolve(args)])),
    _service: { sdl: subgraph.sdl },
    _entities: ({ representations }: { representations: Row[] }) =>
      representations.map((representation) => {
        const typename = String(representation.__typename);
        const entity = subgraph.entities[typename]?.(representation);
        return entity ? { ...entity, __typename: typename } : null;
      }),
  };
  const typeResolver = (value: Row) => String(value.__typename);
  const answered = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let answer = answered.get(body);
      if (answer === undefined) {
        const { query, variables } = JSON.parse(body) as { query: string; variables?: Row };
        const document = parse(query);
        const errors = validate(schema, document);
        const result = errors.length > 0 ? { errors } : execute({ schema, document, rootValue, variableValues: variables, typeResolver });
        answer = JSON.stringify(result);
        if (answered.size < 10_000) answered.set(body, answer);
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`)));
}

async function main() {
  const urls = Object.fromEntries(await Promise.all(subgraphs.map(async (s) => [s.name, await serve(s)] as const)));
  process.stdout.write(`${JSON.stringify({ sdl: Object.fromEntries(subgraphs.map((s) => [s.name, s.sdl])), urls })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
