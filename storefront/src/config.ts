// Where the gateway is: /config.js (written by the server that serves the build) or this origin.

export interface Endpoints {
  http: string;
  websocket: string;
}

export function endpoints(where: Window = window): Endpoints {
  const configured = where.__STOREFRONT__ ?? {};
  const http = configured.graphqlUrl ?? new URL("/graphql", where.location.href).toString();
  const websocket = configured.websocketUrl ?? http.replace(/^http/, "ws");
  return { http, websocket };
}
