// Serve generated subgraphs (tests/gateway/generated/) with @apollo/subgraph, for differential
// tests only. Every subgraph of every case runs in this one process, on one port:
//   node subgraphs.mjs --config FILE
//   FILE: [{"name": CASE, "world": {"objects": {ID: {...}}, "roots": {FIELD: [ID]}},
//           "subgraphs": {NAME: SDL}}]
// POST /<case>/<subgraph> is a GraphQL request. Prints "broken <case> <why>" for each case
// whose schemas @apollo/subgraph refuses, then "ready <port>" once listening.
//
// Resolvers are generic, read from the SDL and the case's world:
// - an entity object travels as {__typename, id, ...}: a local field reads world.objects[id];
// - a field the subgraph declares @external answers only when a @provides on the path listed
//   it or the gateway sent it in the representation; otherwise it is an error;
// - a @requires field answers a string built from the required values it received;
// - a field with arguments answers its world value with the arguments appended;
// - a root field with an `id` argument looks the object up; without, it reads world.roots.
import http from "node:http";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Kind, execute, parse, validate } from "graphql";
import { buildSubgraphSchema } from "@apollo/subgraph";

const named = (type) => (type.kind === Kind.NAMED_TYPE ? type.name.value : named(type.type));
const isList = (type) =>
  type.kind === Kind.LIST_TYPE || (type.kind === Kind.NON_NULL_TYPE && isList(type.type));
const directive = (node, name) => (node.directives ?? []).find((d) => d.name.value === name);
const argument = (dir, name) => dir?.arguments.find((a) => a.name.value === name)?.value;

// A field set ("a b { c } ... on T { d }") as a selection set AST.
const fieldSet = (text) => parse(`{ ${text} }`).definitions[0].selectionSet;

// What a @provides selection lets the child answer: {field: true | nested provision}.
function provision(selectionSet) {
  const out = {};
  for (const s of selectionSet.selections) {
    if (s.kind === Kind.FIELD) out[s.name.value] = s.selectionSet ? provision(s.selectionSet) : true;
    else Object.assign(out, provision(s.selectionSet));
  }
  return out;
}

// The required values the gateway sent, in the selection's order; a missing one is an error.
function requiredValues(value, selectionSet, where) {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => requiredValues(v, selectionSet, where));
  const out = [];
  for (const s of selectionSet.selections) {
    if (s.kind === Kind.INLINE_FRAGMENT) {
      // A representation need not carry __typename: then the fragment applies when its
      // fields were sent.
      const applies = value.__typename === undefined
        ? s.selectionSet.selections.every((f) => f.kind !== Kind.FIELD || f.name.value in value)
        : value.__typename === s.typeCondition.name.value;
      if (applies) out.push(requiredValues(value, s.selectionSet, where));
      continue;
    }
    const key = s.name.value;
    if (!(key in value)) throw new Error(`@requires input ${where}.${key} was not sent`);
    out.push(s.selectionSet ? requiredValues(value[key], s.selectionSet, where) : value[key]);
  }
  return out;
}

// A field with arguments answers a value that shows them: "v(x=2)", or v + 1000 * x for Int.
function withArguments(value, args) {
  const entries = Object.entries(args).sort(([a], [b]) => (a < b ? -1 : 1));
  if (!entries.length || value === null || value === undefined) return value;
  if (typeof value === "number") return value + 1000 * entries.reduce((n, [, v]) => n + Number(v), 0);
  return `${value}(${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")})`;
}

function matches(object, ref, selectionSet) {
  return selectionSet.selections.every((s) => {
    const key = s.name.value;
    if (!(key in ref)) return false;
    if (!s.selectionSet) return object[key] === ref[key];
    return object[key] != null && matches(object[key], ref[key] ?? {}, s.selectionSet);
  });
}

function subgraph(sdl, world) {
  const typeDefs = parse(sdl);
  const defs = Object.fromEntries(
    typeDefs.definitions.filter((d) => d.name).map((d) => [d.name.value, d]),
  );
  const possible = {}; // abstract type -> concrete types this subgraph knows
  for (const d of typeDefs.definitions) {
    if (d.kind === Kind.UNION_TYPE_DEFINITION) possible[d.name.value] = d.types.map((t) => t.name.value);
    for (const i of d.interfaces ?? []) (possible[i.name.value] ??= []).push(d.name.value);
  }
  const objects = world.objects;

  // The value of a reference to `id` as the subgraph types it (null if it cannot).
  function reference(id, typeName, provided) {
    const object = id === null || id === undefined ? null : objects[id];
    if (!object) return null;
    const def = defs[typeName];
    const concrete = def?.kind === Kind.OBJECT_TYPE_DEFINITION ? typeName : object.__typename;
    if (concrete !== typeName && !(possible[typeName] ?? []).includes(concrete)) return null;
    return { __typename: concrete, id, __provided: provided };
  }

  function output(value, fieldDef, provided) {
    const typeName = named(fieldDef.type);
    const def = defs[typeName];
    const isComposite = def && def.kind !== Kind.ENUM_TYPE_DEFINITION && def.kind !== Kind.SCALAR_TYPE_DEFINITION;
    const entityLike = isComposite && !(def.kind === Kind.OBJECT_TYPE_DEFINITION && !directive(def, "key") && !directive(def, "interfaceObject"));
    if (!entityLike) return value;
    if (isList(fieldDef.type))
      return (value ?? null) === null ? null : value.map((id) => reference(id, typeName, provided)).filter((v) => v !== null);
    return reference(value, typeName, provided);
  }

  function fieldResolver(typeName, fieldDef) {
    const name = fieldDef.name.value;
    const where = `${typeName}.${name}`;
    const provides = argument(directive(fieldDef, "provides"), "fields");
    const provided = provides ? provision(fieldSet(provides.value)) : undefined;
    const requires = argument(directive(fieldDef, "requires"), "fields");
    if (requires) {
      const selection = fieldSet(requires.value);
      return (parent) => `${name}<-${JSON.stringify(requiredValues(parent, selection, typeName))}`;
    }
    const external = Boolean(directive(fieldDef, "external"));
    return (parent, args) => {
      if (typeName === "Query") {
        if ("id" in args) return output(args.id, fieldDef, provided);
        return output(world.roots[name] ?? null, fieldDef, provided);
      }
      if (parent.id === undefined || !objects[parent.id]) return parent[name]; // value type
      const byPath = parent.__provided?.[name];
      if (external && !byPath) {
        if (name in parent) return parent[name];
        throw new Error(`${where} is @external in this subgraph and was not provided`);
      }
      const nested = typeof byPath === "object" ? byPath : provided;
      return output(withArguments(objects[parent.id][name], args), fieldDef, nested);
    };
  }

  function referenceResolver(typeName, def) {
    const keys = (def.directives ?? [])
      .filter((d) => d.name.value === "key")
      .map((d) => fieldSet(argument(d, "fields").value));
    const isObject = def.kind === Kind.OBJECT_TYPE_DEFINITION;
    const interfaceObject = Boolean(directive(def, "interfaceObject"));
    return (ref) => {
      const found = Object.entries(objects).find(
        ([, o]) =>
          (interfaceObject ? (world.implementers[typeName] ?? []).includes(o.__typename)
            : isObject ? o.__typename === typeName : (possible[typeName] ?? []).includes(o.__typename)) &&
          keys.some((k) => matches(o, ref, k)),
      );
      if (!found) return null;
      return { ...ref, __typename: isObject ? typeName : found[1].__typename, id: found[0] };
    };
  }

  const resolvers = {};
  for (const def of typeDefs.definitions) {
    if (!def.name) continue;
    const typeName = def.name.value;
    if (def.kind === Kind.INTERFACE_TYPE_DEFINITION || def.kind === Kind.UNION_TYPE_DEFINITION) {
      resolvers[typeName] = { __resolveType: (o) => o.__typename };
    }
    if (def.kind === Kind.INTERFACE_TYPE_DEFINITION && directive(def, "key")) {
      resolvers[typeName].__resolveReference = referenceResolver(typeName, def);
    }
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const entity = directive(def, "key") || directive(def, "interfaceObject");
    if (!entity && typeName !== "Query") continue; // value types: default resolvers
    resolvers[typeName] = Object.fromEntries(
      (def.fields ?? []).map((f) => [f.name.value, fieldResolver(typeName, f)]),
    );
    if (entity) resolvers[typeName].__resolveReference = referenceResolver(typeName, def);
  }
  return buildSubgraphSchema([{ typeDefs, resolvers }]);
}

const { values } = parseArgs({ options: { config: { type: "string" }, port: { type: "string", default: "0" } } });
const schemas = new Map();
for (const c of JSON.parse(readFileSync(values.config, "utf8"))) {
  try {
    for (const [name, sdl] of Object.entries(c.subgraphs)) schemas.set(`/${c.name}/${name}`, subgraph(sdl, c.world));
  } catch (error) {
    // A schema @apollo/subgraph refuses although it composed: reported, and not served.
    console.log(`broken ${c.name} ${JSON.stringify(error.message)}`);
  }
}

async function answer(schema, body) {
  const request = JSON.parse(body);
  let document;
  try {
    document = parse(request.query);
  } catch (error) {
    return { errors: [{ message: error.message, extensions: { code: "GRAPHQL_PARSE_FAILED" } }] };
  }
  const invalid = validate(schema, document);
  if (invalid.length)
    return { errors: invalid.map((e) => ({ message: e.message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })) };
  const result = await execute({
    schema,
    document,
    variableValues: request.variables ?? {},
    operationName: request.operationName,
  });
  return { ...result, errors: result.errors?.map((e) => e.toJSON()) };
}

const server = http.createServer((req, res) => {
  const schema = schemas.get(req.url.split("?")[0]);
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", async () => {
    if (!schema) {
      res.writeHead(404).end();
      return;
    }
    const result = await answer(schema, body);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), "127.0.0.1", () => console.log(`ready ${server.address().port}`));
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
