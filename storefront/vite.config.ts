/// <reference types="vitest/config" />
// Vite: the build, the dev server (proxying /graphql to the gateway) and Vitest.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const MANIFEST = fileURLToPath(new URL("../schema/persisted-query-manifest.json", import.meta.url));
const VIRTUAL = "virtual:persisted-operations";

/** Operation name -> trusted-document id from the manifest `make schema` writes; bodies stay out
 * of the bundle, so the app can send nothing but hashes. */
function persistedOperations(): Plugin {
  return {
    name: "persisted-operations",
    resolveId: (id) => (id === VIRTUAL ? "\0" + VIRTUAL : null),
    load(id) {
      if (id !== "\0" + VIRTUAL) return null;
      this.addWatchFile(MANIFEST);
      const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as {
        operations: { id: string; name: string }[];
      };
      const ids = Object.fromEntries(manifest.operations.map((op) => [op.name, op.id]));
      return `export default ${JSON.stringify(ids)};`;
    },
  };
}

const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react(), persistedOperations()],
  server: { port: 3000, proxy: { "/graphql": { target: gateway, ws: true } } },
  build: { sourcemap: false, reportCompressedSize: true },
  test: { environment: "jsdom", globals: true, include: ["src/**/*.test.{ts,tsx}"] },
});
