import { setTimeout as delay } from 'node:timers/promises';
import type { NameCache, NameKind } from '../stores/name-cache';
import {
  CONFIGURATION_REFUSED,
  NOT_FOUND,
  RATE_LIMITED,
  RESOURCE_HIDDEN,
  TRANSIENT,
} from '../wecom/errcodes';
import { WecomApiError, WecomUnavailableError } from '../wecom/errors';
import type { NameLookups } from './name-lookups';

/**
 * The ID→name mapper: resolves employee, customer and group ids to display names. Employees are
 * answered from the org snapshot first (no WeCom call); then one WeCom call per id not yet known,
 * at most `concurrency` at a time. Answers are remembered in the
 * name cache as they arrive (so an interrupted run loses nothing). On 45009/45033 every worker
 * pauses and the call is retried with growing delays; a refusal that concerns the configuration
 * rather than the id (48002, 60020, 48009, …) stops further calls for that kind of id.
 *
 * A lookup for an HTTP request (`lookup`) answers within its deadline: when the deadline passes,
 * or the client leaves, the WeCom calls in flight are aborted, no further call starts, and the ids
 * not done are answered as unresolved with reason `deadline`. Lists too long for one deadline
 * belong to the names job (`npm run names`: resumable, with progress), which has none.
 */

export interface NameRequest {
  type: NameKind;
  id: string;
}

export type UnresolvedReason = 'not_found' | 'no_name' | 'refused' | 'unavailable' | 'deadline';

export interface NameResult extends NameRequest {
  /** Null when unresolved; then `reason` says why. */
  name: string | null;
  /** 'org': the org snapshot; 'cache': remembered from an earlier lookup; 'wecom': asked now. */
  source: 'org' | 'cache' | 'wecom';
  reason?: UnresolvedReason;
  errcode?: number;
}

export interface ResolveOptions {
  /**
   * Answer ids from the org snapshot and remembered answers (default true); false asks WeCom for
   * all.
   */
  onlyUnresolved?: boolean;
  /** Stops the lookups (calls in flight too); the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Stops the lookups too, but the call answers: ids not done have reason `deadline`. */
  deadline?: AbortSignal;
  /** Called once per finished id (any order), e.g. for a progress bar. */
  onResult?: (result: NameResult) => void;
}

export interface NameMapper {
  /** Results in the order of `requests` (duplicates answered once, repeated in place). */
  resolve(requests: readonly NameRequest[], options?: ResolveOptions): Promise<NameResult[]>;
  /**
   * The same within `deadlineMs`, split into resolved names and unresolved ids
   * (`POST /api/admin/names`); `signal` (the client left) ends it early the same way.
   */
  lookup(
    requests: readonly NameRequest[],
    options?: { refresh?: boolean; signal?: AbortSignal },
  ): Promise<NamesAnswer>;
}

export interface NamesAnswer {
  names: (NameRequest & { name: string; source: NameResult['source'] })[];
  unresolved: (NameRequest &
    Pick<NameResult, 'source' | 'errcode'> & { reason: UnresolvedReason })[];
}

export interface NameMapperDeps {
  lookups: NameLookups;
  names: NameCache;
  /** Employees' names from the org snapshot (undefined where it has none). */
  orgNames?: (userids: readonly string[]) => Promise<(string | undefined)[]>;
  concurrency?: number;
  /** Attempts per id on 45009/45033. */
  maxAttempts?: number;
  backoffMs?: number;
  /** How long `lookup` may take (the HTTP API's deadline). */
  deadlineMs?: number;
  now?: () => number;
  /** Waits `ms`, or less when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

const keyOf = (request: NameRequest) => `${request.type}\n${request.id}`;

export function createNameMapper(deps: NameMapperDeps): NameMapper {
  const {
    lookups,
    names,
    concurrency = 8,
    maxAttempts = 5,
    backoffMs = 1000,
    deadlineMs = 5000,
    now = Date.now,
    sleep = (ms: number, signal?: AbortSignal) =>
      delay(ms, undefined, { signal }).catch(() => undefined),
    random = Math.random,
  } = deps;

  async function resolve(
    requests: readonly NameRequest[],
    options: ResolveOptions = {},
  ): Promise<NameResult[]> {
    const { onlyUnresolved = true, signal, deadline, onResult = () => {} } = options;
    const stop = signal && deadline ? AbortSignal.any([signal, deadline]) : (signal ?? deadline);
    const unique = [...new Map(requests.map((r) => [keyOf(r), r])).values()];
    const results = new Map<string, NameResult>();
    const finish = (result: NameResult) => {
      results.set(keyOf(result), result);
      onResult(result);
    };

    let pending = unique;
    if (onlyUnresolved) {
      pending = [];
      let users = unique.filter((r) => r.type === 'user');
      if (deps.orgNames && users.length > 0) {
        const known = await deps.orgNames(users.map((r) => r.id));
        users = users.filter((request, i) => {
          const name = known[i];
          if (name === undefined) return true;
          finish({ ...request, name, source: 'org' });
          return false;
        });
      }
      for (const type of ['user', 'external', 'groupchat'] as const) {
        const ofType = type === 'user' ? users : unique.filter((r) => r.type === type);
        if (ofType.length === 0) continue;
        const cached = await names.getMany(
          type,
          ofType.map((r) => r.id),
        );
        ofType.forEach((request, i) => {
          const remembered = cached[i];
          if (remembered === undefined) pending.push(request);
          else if (remembered.name === null) {
            const { errcode } = remembered;
            finish({
              ...request,
              name: null,
              source: 'cache',
              reason: 'not_found',
              ...(errcode !== undefined && { errcode }),
            });
          } else finish({ ...request, name: remembered.name, source: 'cache' });
        });
      }
    }

    const blocked = new Map<NameKind, number>();
    let resumeAt = 0;

    async function lookUp(request: NameRequest): Promise<NameResult> {
      /** WeCom's last refusal of this id, told with `deadline` when time runs out. */
      let lastErrcode: number | undefined;
      const outOfTime = (): NameResult => ({
        ...request,
        name: null,
        source: 'wecom',
        reason: 'deadline',
        ...(lastErrcode !== undefined && { errcode: lastErrcode }),
      });
      for (let attempt = 1; ; attempt++) {
        const blockedBy = blocked.get(request.type);
        if (blockedBy !== undefined) {
          return { ...request, name: null, source: 'wecom', reason: 'refused', errcode: blockedBy };
        }
        const wait = resumeAt - now();
        if (wait > 0) await sleep(wait, stop);
        if (stop?.aborted) return outOfTime();
        try {
          const name = await untilAborted(lookups[request.type](request.id, stop), stop);
          await names.set(request.type, request.id, name);
          return name === null
            ? { ...request, name, source: 'wecom', reason: 'no_name' }
            : { ...request, name, source: 'wecom' };
        } catch (error) {
          if (stop?.aborted) return outOfTime();
          if (error instanceof WecomUnavailableError) {
            return { ...request, name: null, source: 'wecom', reason: 'unavailable' };
          }
          if (!(error instanceof WecomApiError)) throw error;
          const { errcode } = error;
          if (RATE_LIMITED.has(errcode)) {
            lastErrcode = errcode;
            if (attempt >= maxAttempts) {
              return { ...request, name: null, source: 'wecom', reason: 'unavailable', errcode };
            }
            const delay = backoffMs * 2 ** (attempt - 1) * (0.5 + random() / 2);
            resumeAt = Math.max(resumeAt, now() + delay);
            continue;
          }
          if (NOT_FOUND.has(errcode) || RESOURCE_HIDDEN.has(errcode)) {
            await names.set(request.type, request.id, null, errcode);
            return { ...request, name: null, source: 'wecom', reason: 'not_found', errcode };
          }
          if (TRANSIENT.has(errcode)) {
            return { ...request, name: null, source: 'wecom', reason: 'unavailable', errcode };
          }
          // A refusal about the configuration, not the id, awaits every id of that kind.
          if (CONFIGURATION_REFUSED.has(errcode)) blocked.set(request.type, errcode);
          return { ...request, name: null, source: 'wecom', reason: 'refused', errcode };
        }
      }
    }

    let next = 0;
    const worker = async () => {
      while (next < pending.length && !stop?.aborted) {
        const request = pending[next++]!;
        const result = await lookUp(request);
        if (!signal?.aborted) finish(result);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    signal?.throwIfAborted();
    return requests.map(
      (request) =>
        results.get(keyOf(request)) ?? {
          ...request,
          name: null,
          source: 'wecom',
          reason: 'deadline',
        },
    );
  }

  return {
    resolve,
    async lookup(requests, options = {}) {
      const timeout = AbortSignal.timeout(deadlineMs);
      const results = await resolve(requests, {
        onlyUnresolved: options.refresh !== true,
        deadline: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
      });
      const answer: NamesAnswer = { names: [], unresolved: [] };
      for (const { type, id, name, source, reason = 'not_found', errcode } of results) {
        if (name !== null) answer.names.push({ type, id, name, source });
        else answer.unresolved.push({ type, id, reason, errcode, source });
      }
      return answer;
    },
  };
}

/** The promise, or the signal's reason as soon as it aborts (the promise is left to settle). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
