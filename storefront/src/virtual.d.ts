declare module "virtual:persisted-operations" {
  /** Operation name -> trusted-document id (SHA-256 of the manifest body). */
  const ids: Record<string, string>;
  export default ids;
}

interface Window {
  /** Written by /config.js: where the gateway answers GraphQL over HTTP and WebSocket. */
  __STOREFRONT__?: { graphqlUrl?: string; websocketUrl?: string };
}
