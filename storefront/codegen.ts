// Typed operations from the supergraph (GraphQL Code Generator's client preset); `npm run codegen`.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema/supergraph.graphql",
  documents: ["src/graphql/**/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: { enumsAsTypes: true, scalars: { DateTime: "string" } },
    },
  },
};

export default config;
