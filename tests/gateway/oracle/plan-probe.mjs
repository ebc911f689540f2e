// Plan operations with Hive Router's Rust query planner alone, for differential tests only.
// Its planner can panic, which aborts the whole process; this probe finds which operations do
// without losing a Hive Gateway that serves every case.
//   stdin: one JSON object a line: {"supergraph": PATH, "query": TEXT, "operationName"?}
//   stdout: one line per input line: "ok" or "error <JSON message>"; a panic ends the process
//   (exit status 134) right after the last answered line.
// Plans as @graphql-hive/router-runtime does: the printed document, no override labels.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parse, print } from "graphql";
import { QueryPlanner } from "@graphql-hive/router-query-planner";

const planners = new Map();
for await (const line of createInterface({ input: process.stdin })) {
  const { supergraph, query, operationName } = JSON.parse(line);
  if (!planners.has(supergraph)) planners.set(supergraph, new QueryPlanner(readFileSync(supergraph, "utf8")));
  try {
    await planners.get(supergraph).planAsync(print(parse(query)), operationName ?? null, new Set(), 0);
    console.log("ok");
  } catch (error) {
    console.log(`error ${JSON.stringify(String(error?.message ?? error))}`);
  }
}
