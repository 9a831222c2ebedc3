import { randomUUID } from 'node:crypto';
import type { Agent } from 'undici';
import type { Logger } from '../logger';
import { createFeed, type Feed, type FeedPage, feedKey } from '../stores/feed';
import type { Store, StreamRange } from '../stores/store';
import { checkResolvedUrl, createDeliveryAgent, type UrlRules } from './address-guard';
import { type Message, messageBody, type Outcome, sendMessage } from './delivery';
import { createEndpointStore, MAX_ENDPOINTS, newEndpointId, newSecret } from './endpoints';
import {
  createInProcessEngine,
  createQueueEngine,
  type DeliveryEngine,
  type WebhookJobs,
} from './engine';
import { WebhookError } from './errors';
import { createLanes } from './lanes';
import {
  type Attempt,
  type AttemptRecord,
  attemptSchema,
  type EndpointView,
  type StoredEndpoint,
  type WebhookEventType,
} from './model';
import { createPacer, type Pacer } from './pacer';
import type { WebhookSource } from './sources';

/**
 * Webhooks: endpoints that admins manage, and the signed deliveries of the feeds' records to
 * them (see lanes.ts for the order and the retries, engine.ts for where pumps run,
 * address-guard.ts for what a URL may reach). No HTTP server side here: the admin routes call
 * these. A watcher on each instance looks at the feeds' newest `seq` and nudges every enabled
 * lane when one moved, and every lane now and then (a lost nudge or retry is made up for), so the
 * code that appends to the feeds — the callback receivers among them — never waits for a webhook.
 */

export { createWebhookJobs, type WebhookJobs } from './engine';
export { WEBHOOK_EVENT_TYPES } from './model';
export { eventsSource, orgSource } from './sources';
export type { AttemptRecord, EndpointView, WebhookEventType };

/** A delivery's deadline, and its connection's, unless tuned. */
const DEFAULT_TIMEOUT_MS = 10_000;

export interface WebhookTuning {
  /** A 2xx within this counts (10 s). */
  timeoutMs?: number;
  /** Delay before each retry of one record (about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h). */
  backoffMs?: readonly number[];
  /** How often each instance looks at the feeds' newest records. */
  pollMs?: number;
  /** Every lane is nudged at least this often. */
  sweepMs?: number;
  /** http URLs too (sandbox mode). */
  allowHttp?: boolean;
}

export interface WebhooksDeps {
  store: Store;
  sources: readonly WebhookSource[];
  logger: Logger;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS. */
  allowPrivateNetworks: boolean;
  /** Days the attempts are kept: the feeds' retention. */
  retentionDays: number;
  /** The process's webhook jobs, shared by every corp it serves; `scope` is this corp's. */
  engine: { kind: 'queue'; jobs: WebhookJobs; scope: string } | { kind: 'in-process' };
  now?: () => number;
  tuning?: WebhookTuning;
  /** The connections and pacer of deliveries: the process's, closed by whoever made them. */
  transport: WebhookTransport;
}

/**
 * What the webhooks of every corp one process serves share: the connection pool of deliveries,
 * and the pacer, which samples the process's one event loop (one pacer per corp sampled the same
 * loop once per corp: 5,000 timer callbacks a second with 100 corps). Its owner closes it.
 */
export interface WebhookTransport {
  agent: Agent;
  pacer: Pacer;
  close(): Promise<void>;
}

export function createWebhookTransport(options: {
  allowPrivateNetworks: boolean;
  tuning?: Pick<WebhookTuning, 'timeoutMs'>;
}): WebhookTransport {
  const agent = createDeliveryAgent({
    allowPrivateNetworks: options.allowPrivateNetworks,
    connectTimeoutMs: options.tuning?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    connections: 4,
  });
  // Lanes deliver while the event loop was idle at least half of the last 20 ms: in
  // bench:webhooks this halves what the lanes add to the callback answers' p99 (and halves the
  // deliveries per second, still 2-3 times what they were with a store write per delivery).
  const pacer = createPacer({ busyAbove: 0.5, sampleMs: 20 });
  return {
    agent,
    pacer,
    async close() {
      pacer.close();
      await agent.close();
    },
  };
}

export interface EndpointInput {
  url: string;
  events: WebhookEventType[];
  enabled?: boolean;
  from?: string;
}

export interface Webhooks {
  list(): Promise<EndpointView[]>;
  get(id: string): Promise<EndpointView>;
  /** Answers the endpoint and its secret (the only time it is shown, with rotation). */
  create(input: EndpointInput): Promise<EndpointView & { secret: string }>;
  update(id: string, patch: Partial<Omit<EndpointInput, 'from'>>): Promise<EndpointView>;
  remove(id: string): Promise<void>;
  /** A new secret; the old ones stay valid for 24 h. */
  rotateSecret(id: string): Promise<{ secret: string; previousValidUntil: string }>;
  /** Sends a `ping` now and answers the attempt. */
  test(id: string): Promise<AttemptRecord>;
  /** Sends one delivered (or failed) feed record again now, out of the lane, and answers the attempt. */
  resend(id: string, deliveryId: string): Promise<AttemptRecord>;
  attempts(
    id: string,
    query: { range: StreamRange; limit: number; failedOnly?: boolean },
  ): Promise<FeedPage<Attempt>>;
  close(): Promise<void>;
}

export const DEFAULT_BACKOFF_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];
/** How long a rotated-out secret stays valid. */
export const ROTATION_GRACE_MS = 24 * 3600 * 1000;
/** Attempts kept per endpoint at most, within the retention. */
const ATTEMPTS_KEPT = 10_000;

/** The endpoints as the API lists them, read from the store alone (no lanes, no watcher). */
export function endpointList(store: Store): Pick<Webhooks, 'list'> {
  const endpoints = createEndpointStore(store);
  return {
    async list() {
      return Promise.all((await endpoints.all()).map((endpoint) => endpoints.view(endpoint)));
    },
  };
}

export function createWebhooks(deps: WebhooksDeps): Webhooks {
  const { store, sources, logger, now = Date.now, tuning = {} } = deps;
  const timeoutMs = tuning.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const rules: UrlRules = {
    allowHttp: tuning.allowHttp ?? false,
    allowPrivateNetworks: deps.allowPrivateNetworks,
  };
  const endpoints = createEndpointStore(store);
  const listed = endpointList(store);
  const { agent, pacer } = deps.transport;
  const stop = new AbortController();
  const attemptFeeds = new Map<string, Feed<Attempt>>();
  const attemptsFeedName = (id: string) => `webhook-attempts-${id}`;
  const attemptsOf = (id: string) => {
    let feed = attemptFeeds.get(id);
    if (!feed) {
      feed = createFeed(store, {
        name: attemptsFeedName(id),
        schema: attemptSchema,
        retentionDays: deps.retentionDays,
        maxLength: ATTEMPTS_KEPT,
        now,
      });
      attemptFeeds.set(id, feed);
    }
    return feed;
  };

  /** A secret still signs: the newest, or a rotated-out one within its grace. */
  const live = (entry: StoredEndpoint['secrets'][number]) =>
    entry.expiresAt === undefined || entry.expiresAt > now();
  const validSecrets = (endpoint: StoredEndpoint) =>
    endpoint.secrets.filter(live).map((entry) => entry.secret);

  const send = (endpoint: StoredEndpoint, message: Message): Promise<Outcome> =>
    sendMessage({
      agent,
      url: endpoint.url,
      secrets: validSecrets(endpoint),
      message,
      timeoutMs,
      now,
      stop: stop.signal,
    });

  /** One attempt out of the lane (a test event, a resend), kept at once. */
  async function deliverNow(
    endpoint: StoredEndpoint,
    message: Message,
    context: Pick<Attempt, 'feedSeq' | 'trigger'>,
  ): Promise<AttemptRecord> {
    const at = new Date(now()).toISOString();
    const outcome = await send(endpoint, message);
    const [record] = await attemptsOf(endpoint.id).append([
      { deliveryId: message.id, type: message.type, at, attempt: 1, ...context, ...outcome },
    ]);
    return record!;
  }

  let engine: DeliveryEngine;
  const lanes = createLanes({
    store,
    endpoints,
    sources,
    send,
    room: () => pacer.room(stop.signal),
    async record(id, attempts) {
      if (attempts.length > 0) await attemptsOf(id).append(attempts);
    },
    retryAt: (id, atMs) => engine.retryAt(id, atMs),
    backoffMs: tuning.backoffMs ?? DEFAULT_BACKOFF_MS,
    logger,
    now,
  });
  engine =
    deps.engine.kind === 'queue'
      ? createQueueEngine({
          pump: lanes.pump,
          jobs: deps.engine.jobs,
          scope: deps.engine.scope,
          logger,
        })
      : createInProcessEngine(lanes.pump, logger);

  // The watcher: the endpoints are listed afresh every `sweepMs` (and at once after a change made
  // here), so an instance without endpoints sends the store nothing in between.
  const pollMs = tuning.pollMs ?? 200;
  const sweepMs = tuning.sweepMs ?? 30_000;
  let heads = '';
  let listedAt = Number.NEGATIVE_INFINITY;
  let enabled: string[] = [];
  let ticking = false;
  const tick = async () => {
    if (ticking) return;
    ticking = true;
    try {
      const sweep = now() - listedAt >= sweepMs;
      if (sweep) {
        listedAt = now();
        enabled = (await endpoints.all()).filter((e) => e.enabled).map((e) => e.id);
      }
      if (enabled.length === 0) return;
      const newest = await Promise.all(sources.map((source) => source.feed.newest()));
      const seen = newest.join(' ');
      if (seen === heads && !sweep) return;
      heads = seen;
      for (const id of enabled) engine.nudge(id);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'webhook watcher could not read the feeds');
    } finally {
      ticking = false;
    }
  };
  const relist = () => {
    listedAt = Number.NEGATIVE_INFINITY;
  };
  void tick();
  const watcher = setInterval(() => void tick(), pollMs);
  watcher.unref();

  const view = async (id: string) => endpoints.view(await endpoints.require(id));

  return {
    list: listed.list,
    get: view,
    async create(input) {
      if ((await endpoints.all()).length >= MAX_ENDPOINTS)
        throw new WebhookError('limit_reached', { detail: `at most ${MAX_ENDPOINTS} endpoints` });
      await checkResolvedUrl(input.url, rules);
      const secret = newSecret();
      const endpoint: StoredEndpoint = {
        id: newEndpointId(),
        url: input.url,
        events: [...new Set(input.events)],
        enabled: input.enabled ?? true,
        createdAt: new Date(now()).toISOString(),
        ...(input.from !== undefined && { from: input.from }),
        secrets: [{ secret }],
      };
      await endpoints.putLane(endpoint.id, {
        positions: await lanes.startPositions(input.from),
        failures: 0,
      });
      await endpoints.put(endpoint);
      relist();
      if (endpoint.enabled) engine.nudge(endpoint.id);
      return { ...(await endpoints.view(endpoint)), secret };
    },
    async update(id, patch) {
      const endpoint = await endpoints.require(id);
      if (patch.url !== undefined) await checkResolvedUrl(patch.url, rules);
      const enabling = patch.enabled === true && !endpoint.enabled;
      const next: StoredEndpoint = {
        ...endpoint,
        ...(patch.url !== undefined && { url: patch.url }),
        ...(patch.events !== undefined && { events: [...new Set(patch.events)] }),
        ...(patch.enabled !== undefined && { enabled: patch.enabled }),
      };
      if (next.enabled) delete next.disabled;
      if (enabling) {
        // Enabled again by an admin: the record at the head is tried at once, with a full set of retries.
        const state = await endpoints.lane(id);
        await endpoints.putLane(id, { positions: state.positions, failures: 0 });
      }
      await endpoints.put(next);
      relist();
      if (next.enabled) engine.nudge(id);
      return endpoints.view(next);
    },
    async remove(id) {
      await endpoints.require(id);
      await endpoints.remove(id);
      relist();
      // The attempts stream goes with it (the feed's key).
      await store.delete(feedKey(attemptsFeedName(id)));
      attemptFeeds.delete(id);
    },
    async rotateSecret(id) {
      const endpoint = await endpoints.require(id);
      const secret = newSecret();
      const until = now() + ROTATION_GRACE_MS;
      const kept = endpoint.secrets.filter(live).map((entry) => ({
        secret: entry.secret,
        expiresAt: Math.min(entry.expiresAt ?? until, until),
      }));
      await endpoints.put({ ...endpoint, secrets: [{ secret }, ...kept] });
      return { secret, previousValidUntil: new Date(until).toISOString() };
    },
    async test(id) {
      const endpoint = await endpoints.require(id);
      const at = new Date(now()).toISOString();
      const message: Message = {
        id: `msg_ping_${randomUUID()}`,
        type: 'ping',
        body: messageBody('ping', at, { endpointId: id }),
      };
      return deliverNow(endpoint, message, { trigger: 'test' });
    },
    async resend(id, deliveryId) {
      const endpoint = await endpoints.require(id);
      const match = /^msg_([a-z]+)_(\d{1,15}-\d{1,15})$/.exec(deliveryId);
      const source = sources.find((candidate) => candidate.name === match?.[1]);
      if (!match || !source) throw new WebhookError('not_found');
      const seq = match[2]!;
      // The record itself: the one after the record before it (positions are never computed).
      const before = await source.feed.read({ range: { before: seq }, limit: 1 });
      const page = await source.feed.read({
        range: { after: before.entries[0]?.seq ?? '0' },
        limit: 1,
      });
      const record = page.entries[0];
      const type = record?.seq === seq ? source.typeOf(record) : undefined;
      if (!record || !type) throw new WebhookError('not_found');
      const message = lanes.messageOf({ source, record }, type);
      return deliverNow(endpoint, message, { feedSeq: seq, trigger: 'resend' });
    },
    async attempts(id, { range, limit, failedOnly }) {
      await endpoints.require(id);
      return attemptsOf(id).read({
        range,
        limit,
        ...(failedOnly && { filter: (attempt: Attempt) => !attempt.ok }),
      });
    },
    async close() {
      clearInterval(watcher);
      // Lanes waiting for room go on, and find the engine closing.
      stop.abort();
      await engine.close();
    },
  };
}
