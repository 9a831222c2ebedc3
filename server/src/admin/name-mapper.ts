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
 */

export interface NameRequest {
  type: NameKind;
  id: string;
}

export type UnresolvedReason = 'not_found' | 'no_name' | 'refused' | 'unavailable';

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
  /** Stops starting new lookups; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called once per finished id (any order), e.g. for a progress bar. */
  onResult?: (result: NameResult) => void;
}

export interface NameMapper {
  /** Results in the order of `requests` (duplicates answered once, repeated in place). */
  resolve(requests: readonly NameRequest[], options?: ResolveOptions): Promise<NameResult[]>;
  /** The same, split into resolved names and unresolved ids (`POST /api/admin/names`). */
  lookup(requests: readonly NameRequest[], options?: { refresh?: boolean }): Promise<NamesAnswer>;
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
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
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
    now = Date.now,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    random = Math.random,
  } = deps;

  async function resolve(
    requests: readonly NameRequest[],
    options: ResolveOptions = {},
  ): Promise<NameResult[]> {
    const { onlyUnresolved = true, signal, onResult = () => {} } = options;
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
      for (let attempt = 1; ; attempt++) {
        const blockedBy = blocked.get(request.type);
        if (blockedBy !== undefined) {
          return { ...request, name: null, source: 'wecom', reason: 'refused', errcode: blockedBy };
        }
        const wait = resumeAt - now();
        if (wait > 0) await sleep(wait);
        try {
          const name = await lookups[request.type](request.id);
          await names.set(request.type, request.id, name);
          return name === null
            ? { ...request, name, source: 'wecom', reason: 'no_name' }
            : { ...request, name, source: 'wecom' };
        } catch (error) {
          if (error instanceof WecomUnavailableError) {
            return { ...request, name: null, source: 'wecom', reason: 'unavailable' };
          }
          if (!(error instanceof WecomApiError)) throw error;
          const { errcode } = error;
          if (RATE_LIMITED.has(errcode)) {
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
      while (next < pending.length) {
        if (signal?.aborted) return;
        const request = pending[next++]!;
        finish(await lookUp(request));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    signal?.throwIfAborted();
    return requests.map((request) => results.get(keyOf(request))!);
  }

  return {
    resolve,
    async lookup(requests, options = {}) {
      const results = await resolve(requests, { onlyUnresolved: options.refresh !== true });
      const answer: NamesAnswer = { names: [], unresolved: [] };
      for (const { type, id, name, source, reason = 'not_found', errcode } of results) {
        if (name !== null) answer.names.push({ type, id, name, source });
        else answer.unresolved.push({ type, id, reason, errcode, source });
      }
      return answer;
    },
  };
}
