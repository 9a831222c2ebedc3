import { Counter, Histogram, Registry } from 'prom-client';
import type { CredentialName } from '../config';
import type { WecomCallEvent } from '../wecom/http';

/**
 * Prometheus metrics of one app (a registry of its own, never prom-client's global one, so that
 * several apps in one process — tests — do not mix). `GET /metrics` serves `text()`.
 */
export interface Metrics {
  readonly contentType: string;
  text(): Promise<string>;
  observeRequest(labels: { method: string; route: string; status: number }, seconds: number): void;
  /** The `onCall` hook of the WeCom HTTP layer (one event per attempt). */
  wecomCall(event: WecomCallEvent): void;
  /** The `onDefault` hook of the WeCom HTTP layer: a field of an answer took its default. */
  wecomAnswerDefault(api: string, field: string): void;
  /** A new connection to WeCom (the rest of the calls reuse kept-alive ones). */
  wecomConnection(): void;
  /** The `onRefresh` hook of the token provider (one event per gettoken). */
  tokenRefresh(credential: CredentialName): void;
  /** Caches report each lookup: `cache` names the cache (`names`, `contacts`, …). */
  cacheLookup(cache: string, hit: boolean): void;
  /**
   * WeCom refused to show one customer or group (answered to the employee as not found), or an
   * employee's own list (`customer_list`, `groupchat_list`: outside the app's visible range).
   */
  resourceRefusal(resource: string, errcode: number): void;
  /** A callback request accepted: a URL verification, an event applied, or a duplicate. */
  callbackAccepted(receiver: string, outcome: string): void;
  /** A callback request refused (the reason only, never the payload). */
  callbackRejected(receiver: string, reason: string): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests by method, matched route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const wecomCalls = new Counter({
    name: 'wecom_calls_total',
    help: 'WeCom API call attempts by API and errcode (0 = ok; "none" when WeCom did not answer)',
    labelNames: ['api', 'errcode'] as const,
    registers: [registry],
  });
  const answerDefaults = new Counter({
    name: 'wecom_answer_defaults_total',
    help: 'WeCom answers read with a default for a field that was missing or unusable, by API and field',
    labelNames: ['api', 'field'] as const,
    registers: [registry],
  });
  const wecomConnections = new Counter({
    name: 'wecom_connections_opened_total',
    help: 'Connections opened to WeCom (or WECOM_PROXY); calls reuse kept-alive connections',
    registers: [registry],
  });
  const tokenRefreshes = new Counter({
    name: 'wecom_token_refreshes_total',
    help: 'gettoken calls by credential',
    labelNames: ['credential'] as const,
    registers: [registry],
  });
  const cacheRequests = new Counter({
    name: 'cache_requests_total',
    help: 'Cache lookups by cache and result',
    labelNames: ['cache', 'result'] as const,
    registers: [registry],
  });
  const resourceRefusals = new Counter({
    name: 'wecom_resource_refusals_total',
    help: 'WeCom refusals admins fix in the visible range, by resource and errcode: one customer or group (answered as not found), or the own customer_list or groupchat_list of an employee outside it',
    labelNames: ['resource', 'errcode'] as const,
    registers: [registry],
  });
  const callbacksAccepted = new Counter({
    name: 'wecom_callbacks_total',
    help: 'WeCom callback requests accepted, by receiver and outcome (verified, applied, duplicate)',
    labelNames: ['receiver', 'outcome'] as const,
    registers: [registry],
  });
  const callbacksRejected = new Counter({
    name: 'wecom_callback_rejections_total',
    help: 'WeCom callback requests refused, by receiver and reason (signature, timestamp, …)',
    labelNames: ['receiver', 'reason'] as const,
    registers: [registry],
  });
  return {
    contentType: registry.contentType,
    text: () => registry.metrics(),
    observeRequest: ({ method, route, status }, seconds) =>
      requestDuration.observe({ method, route, status: String(status) }, seconds),
    wecomCall: (event) =>
      wecomCalls.inc({
        api: event.api,
        errcode: event.outcome === 'ok' ? '0' : String(event.errcode ?? 'none'),
      }),
    wecomAnswerDefault: (api, field) => answerDefaults.inc({ api, field }),
    wecomConnection: () => wecomConnections.inc(),
    tokenRefresh: (credential) => tokenRefreshes.inc({ credential }),
    cacheLookup: (cache, hit) => cacheRequests.inc({ cache, result: hit ? 'hit' : 'miss' }),
    resourceRefusal: (resource, errcode) =>
      resourceRefusals.inc({ resource, errcode: String(errcode) }),
    callbackAccepted: (receiver, outcome) => callbacksAccepted.inc({ receiver, outcome }),
    callbackRejected: (receiver, reason) => callbacksRejected.inc({ receiver, reason }),
  };
}
