import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * Timeouts for a JSON API whose bodies are at most 16 KiB (docs/operations.md). Node's
 * defaults wait 300 s for a request body. The keep-alive timeout outlasts the idle timeout of the
 * reverse proxy in front (nginx and most load balancers: 60 s), so that the proxy never reuses a
 * connection that this server is closing. Expired requests are looked for every second.
 */
const HTTP_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 15_000,
  keepAliveTimeout: 65_000,
  connectionsCheckingInterval: 1_000,
} as const;

/** The HTTP server for the app, with the timeouts above (the entry point and the tests use it). */
export function createHttpServer(listener: RequestListener): Server {
  const { keepAliveTimeout, ...timeouts } = HTTP_TIMEOUTS;
  const server = createServer(timeouts, listener);
  server.keepAliveTimeout = keepAliveTimeout;
  return server;
}
