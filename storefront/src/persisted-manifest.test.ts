// @vitest-environment node
// Every operation the app can send is in the trusted-documents manifest, with the very body the
// gateway will run: the app's document as Apollo Client sends it (__typename added), printed
// with the fragments it uses. A new or changed operation fails here until `make schema` runs.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { addTypenameToDocument } from "@apollo/client/utilities";
import { Kind, print, type DocumentNode, type FragmentDefinitionNode } from "graphql";
import ids from "virtual:persisted-operations";
import { describe, expect, it } from "vitest";
import * as generated from "./gql/graphql";

const manifest = JSON.parse(readFileSync(new URL("../../schema/persisted-query-manifest.json",
  import.meta.url), "utf8")) as { operations: { id: string; name: string; body: string }[] };
const byName = new Map(manifest.operations.map((op) => [op.name, op]));

const documents = Object.values(generated).filter((value): value is DocumentNode =>
  typeof value === "object" && value !== null && (value as DocumentNode).kind === Kind.DOCUMENT
  && (value as DocumentNode).definitions[0].kind === Kind.OPERATION_DEFINITION);

/** The manifest's form: the operation, then the fragments it uses sorted by name. */
function body(document: DocumentNode): string {
  const [operation, ...rest] = addTypenameToDocument(document).definitions;
  const fragments = (rest as FragmentDefinitionNode[]).sort((a, b) =>
    a.name.value.localeCompare(b.name.value));
  return [operation, ...fragments].map((node) => print(node)).join("\n\n");
}

describe("the app's operations in the persisted-query manifest", () => {
  it("covers the app (every page's operations are generated documents)", () => {
    expect(documents.length).toBeGreaterThanOrEqual(15);
  });

  it.each(documents.map((d) => [(d.definitions[0] as { name: { value: string } }).name.value, d]))(
    "%s is in the manifest with the body Apollo Client sends", (name, document) => {
      const entry = byName.get(name as string);
      expect(entry, `${name} missing: run make schema`).toBeDefined();
      expect(entry!.body).toBe(body(document as DocumentNode));
      expect(entry!.id).toBe(createHash("sha256").update(entry!.body).digest("hex"));
      expect(ids[name as string]).toBe(entry!.id);
    });
});
