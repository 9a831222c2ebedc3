import type { Logger } from 'pino';
import { Agent, type Dispatcher, ProxyAgent, request } from 'undici';
import type { z } from 'zod';
import type { CredentialName } from '../config';
import { API_PREFIX, type ApiPath } from './api-paths';
import { parseErrmsg, TRANSIENT } from './errcodes';
import { WecomApiError, WecomUnavailableError } from './errors';
import { parseAnswer } from './lenient';

/**
 * The one layer through which every WeCom call goes, gettoken included: base URL (a fixed-IP
 * reverse proxy may stand there), outbound proxy, one deadline per call, bounded retries with
 * jittered backoff for errcode -1 and network failures, errcode checked before data is used, and
 * a zod schema per response. Query strings (secrets, tokens) are never logged.
 */

export interface WecomRequest<T> {
  /** Path below `/cgi-bin/`, e.g. `gettoken`, `externalcontact/get`. */
  api: ApiPath;
  method?: 'GET' | 'POST';
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** The schema of a successful answer (errcode 0). */
  schema: z.ZodType<T>;
  /** Which configured secret this call is made with (for errors and logs). */
  credential?: CredentialName;
  accessToken?: string;
  /** Ends the call early (a deadline that started before this call, e.g. while queueing). */
  signal?: AbortSignal;
  /** Errcodes that are a normal answer for this call (not found): logged at debug, not warn. */
  expectedErrcodes?: ReadonlySet<number>;
  /** Largest answer accepted (default 2 MiB): listings of a large department are bigger. */
  maxResponseBytes?: number;
  /** WeCom's first answer: one attempt, never retried (errcode -1 and network failures too). */
  probe?: boolean;
}

export interface WecomCallEvent {
  api: string;
  /** WeCom's errcode when it answered; undefined for network failures. */
  errcode?: number;
  outcome: 'ok' | 'errcode' | 'unavailable';
  durationMs: number;
}

export interface WecomHttp {
  call<T>(request: WecomRequest<T>): Promise<T>;
  close(): Promise<void>;
}

export interface WecomHttpDeps {
  apiBase: string;
  proxy?: string;
  timeoutMs: number;
  logger: Logger;
  /** Attempts for errcode -1, HTTP 5xx and network failures (1 = no retry). */
  maxAttempts?: number;
  backoffMs?: number;
  onCall?: (event: WecomCallEvent) => void;
  /** A new connection was opened (calls otherwise reuse kept-alive ones). */
  onConnect?: () => void;
  /** A field of an answer was missing or unusable and took its default (see lenient.ts). */
  onDefault?: (api: string, field: string) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
/**
 * The pool to WeCom: connections are kept alive between calls (a new TLS connection to qyapi costs
 * a few round trips more than the call itself), at most this many at once, idle ones closed after
 * KEEP_ALIVE_MS (before WeCom's side closes them).
 */
const MAX_CONNECTIONS = 64;
const KEEP_ALIVE_MS = 30_000;

export function createWecomHttp(deps: WecomHttpDeps): WecomHttp {
  const {
    apiBase,
    timeoutMs,
    logger,
    maxAttempts = 3,
    backoffMs = 100,
    onCall = () => {},
    onDefault = () => {},
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    random = Math.random,
  } = deps;
  const pool = {
    connectTimeout: timeoutMs,
    connections: MAX_CONNECTIONS,
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS,
  };
  const dispatcher: Dispatcher = deps.proxy
    ? new ProxyAgent({ uri: deps.proxy, ...pool })
    : new Agent(pool);
  if (deps.onConnect) dispatcher.on('connect', deps.onConnect);

  function buildUrl(req: WecomRequest<unknown>): string {
    const url = new URL(`${apiBase}${API_PREFIX}${req.api}`);
    if (req.accessToken !== undefined) url.searchParams.set('access_token', req.accessToken);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /** One HTTP exchange: resolves with WeCom's JSON, or throws WecomUnavailableError. */
  async function exchange(req: WecomRequest<unknown>, signal: AbortSignal): Promise<unknown> {
    const method = req.method ?? 'GET';
    let response: Dispatcher.ResponseData;
    try {
      response = await request(buildUrl(req), {
        method,
        dispatcher,
        signal,
        headers: method === 'POST' ? { 'content-type': 'application/json' } : undefined,
        body: method === 'POST' ? JSON.stringify(req.body ?? {}) : undefined,
      });
    } catch (error) {
      if (signal.aborted) {
        throw new WecomUnavailableError(req.api, 'timeout', `no answer within ${timeoutMs} ms`, {
          cause: error,
        });
      }
      throw new WecomUnavailableError(req.api, 'network', describeNetworkError(error), {
        cause: error,
      });
    }
    const text = await readBounded(
      response.body,
      req.api,
      signal,
      req.maxResponseBytes ?? MAX_RESPONSE_BYTES,
    );
    if (response.statusCode >= 400) {
      throw new WecomUnavailableError(req.api, 'http_status', `HTTP ${response.statusCode}`);
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new WecomUnavailableError(req.api, 'malformed', 'answer is not JSON', { cause: error });
    }
  }

  async function readBounded(
    body: Dispatcher.ResponseData['body'],
    api: string,
    signal: AbortSignal,
    maxBytes: number,
  ): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body) {
        size += chunk.length;
        if (size > maxBytes) {
          body.destroy();
          throw new WecomUnavailableError(
            api,
            'malformed',
            `answer larger than ${Math.round(maxBytes / 1024)} KiB`,
          );
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof WecomUnavailableError) throw error;
      const reason = signal.aborted ? 'timeout' : 'network';
      throw new WecomUnavailableError(api, reason, describeNetworkError(error), { cause: error });
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function toApiError(req: WecomRequest<unknown>, json: { errcode: number; errmsg?: string }) {
    const errmsg = json.errmsg ?? '';
    const { hint, fromIp } = parseErrmsg(errmsg);
    return new WecomApiError({
      api: req.api,
      credential: req.credential,
      errcode: json.errcode,
      errmsg,
      hint,
      fromIp,
    });
  }

  /** Fields already logged as defaulted (api and field), bounded by the fields schemas declare. */
  const loggedDefaults = new Set<string>();
  function noteDefault(api: string, field: string): void {
    onDefault(api, field);
    const key = `${api} ${field}`;
    if (loggedDefaults.has(key)) return;
    loggedDefaults.add(key);
    logger.warn({ api, field }, 'WeCom answered without a usable field; its default was used');
  }

  function isRetryable(error: unknown): boolean {
    if (error instanceof WecomApiError) return TRANSIENT.has(error.errcode);
    if (error instanceof WecomUnavailableError) {
      return error.reason === 'network' || error.reason === 'http_status';
    }
    return false;
  }

  async function attempt<T>(req: WecomRequest<T>, signal: AbortSignal): Promise<T> {
    const json = await exchange(req, signal);
    const errcode =
      typeof json === 'object' && json !== null && 'errcode' in json ? json.errcode : 0;
    if (typeof errcode !== 'number') {
      throw new WecomUnavailableError(req.api, 'malformed', 'errcode is not a number');
    }
    if (errcode !== 0) throw toApiError(req, json as { errcode: number; errmsg?: string });
    const { parsed, defaulted } = parseAnswer(req.schema, json);
    if (!parsed.success) {
      const paths = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
      throw new WecomUnavailableError(req.api, 'malformed', `unexpected answer at ${paths}`);
    }
    for (const field of defaulted) noteDefault(req.api, field);
    return parsed.data;
  }

  async function call<T>(req: WecomRequest<T>): Promise<T> {
    const own = AbortSignal.timeout(timeoutMs);
    const signal = req.signal ? AbortSignal.any([own, req.signal]) : own;
    const started = performance.now();
    for (let attemptNo = 1; ; attemptNo++) {
      const attemptStarted = performance.now();
      try {
        const data = await attempt(req, signal);
        onCall({ api: req.api, outcome: 'ok', durationMs: performance.now() - attemptStarted });
        logger.debug(
          { api: req.api, credential: req.credential, attempt: attemptNo },
          'wecom call',
        );
        return data;
      } catch (error) {
        const durationMs = performance.now() - attemptStarted;
        const errcode = error instanceof WecomApiError ? error.errcode : undefined;
        onCall({
          api: req.api,
          errcode,
          outcome: errcode === undefined ? 'unavailable' : 'errcode',
          durationMs,
        });
        const delay = backoffMs * 2 ** (attemptNo - 1) * (0.5 + random() / 2);
        const elapsed = performance.now() - started;
        const retry =
          !req.probe &&
          attemptNo < maxAttempts &&
          isRetryable(error) &&
          !signal.aborted &&
          elapsed + delay < timeoutMs;
        const expected = errcode !== undefined && req.expectedErrcodes?.has(errcode) === true;
        logger[expected ? 'debug' : 'warn'](
          {
            api: req.api,
            credential: req.credential,
            attempt: attemptNo,
            errcode,
            errmsg: error instanceof WecomApiError ? error.errmsg : undefined,
            reason: error instanceof WecomUnavailableError ? error.reason : undefined,
            retry,
          },
          'wecom call failed',
        );
        if (!retry) throw error;
        await sleep(delay);
      }
    }
  }

  return {
    call,
    close: () => dispatcher.close(),
  };
}

/** The error's code (`ECONNREFUSED`) or name; not `instanceof Error`, which fails across realms. */
function describeNetworkError(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string') return code;
    if (typeof name === 'string') return name;
  }
  return 'unknown error';
}
