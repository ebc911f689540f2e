// Persisted operations only: every request names a trusted document by its manifest id and
// carries no query text (the gateway in safelist mode refuses anything else).
import { ApolloLink, Observable, type Operation } from "@apollo/client";

export class NotPersistedError extends Error {
  constructor(name: string) {
    super(`Operation ${name || "(unnamed)"} is not in schema/persisted-query-manifest.json: run \`make schema\`.`);
    this.name = "NotPersistedError";
  }
}

/** The wire payload of a persisted operation (GraphQL over HTTP body / graphql-ws subscribe). */
export function persistedPayload(operation: Operation, ids: Record<string, string>) {
  const id = ids[operation.operationName];
  if (!id) throw new NotPersistedError(operation.operationName);
  return {
    operationName: operation.operationName,
    variables: operation.variables,
    extensions: { ...operation.extensions, persistedQuery: { version: 1, sha256Hash: id } },
  };
}

/** Marks each operation persisted: HttpLink then sends extensions and no `query`. */
export function persistedOperationsLink(ids: Record<string, string>): ApolloLink {
  return new ApolloLink((operation, forward) => {
    try {
      operation.extensions = persistedPayload(operation, ids).extensions;
    } catch (error) {
      return new Observable((observer) => observer.error(error));
    }
    operation.setContext({ http: { includeQuery: false, includeExtensions: true } });
    return forward(operation);
  });
}
