import { loadConfig } from '../../server/src/config';
import { createOrgServices, createWecom, type Infra } from '../../server/src/deps';
import { createMetrics } from '../../server/src/metrics';
import type { DepartmentNode, Org } from '../../server/src/org';
import type { OrgDepartment, OrgMember } from '../../server/src/org/model';
import type { JobTuning } from '../../server/src/org/runner';
import type { OrgView, Simulator } from '../../server/src/sandbox/index';
import type { Store } from '../../server/src/stores/store';
import type { TestGateway } from './gateway';
import { silentLogger, testRedisUrl } from './stores';

/** Back-offs short enough for tests; claims short enough to see them expire. */
export const TEST_ORG_TUNING = {
  gate: { backoffMs: 5, frequencyBackoffMs: 50 },
  claimTtlMs: 3000,
  commitWaitMs: 5000,
} as const;

/** `GET /api/admin/org/sync`'s answer. */
export interface SyncStatusBody {
  running: boolean;
  phase?: string;
  counts?: { departments: number; members: number; wecomCalls: number };
  last: null | {
    ok: boolean;
    startedAt: string;
    finishedAt: string;
    changes: number;
    wecomCalls: number;
    error?: unknown;
  };
}

/** Polls GET /api/admin/org/sync until no sync runs and one has finished (at most ~10 s). */
export async function settledSync(
  gateway: TestGateway,
  adminToken: string,
  startedAfter = '',
): Promise<SyncStatusBody> {
  for (let i = 0; i < 400; i++) {
    const { body } = await gateway.request<SyncStatusBody>('GET', '/api/admin/org/sync', {
      token: adminToken,
    });
    if (!body.running && body.last && body.last.startedAt > startedAfter) return body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no org sync finished within 10 s');
}

/**
 * A directory (org store, feed, sync) against `simulator`, on `store`, with no runner — or, with
 * `jobs`, full syncs on the job engine (BullMQ on the test Redis, under `jobs.prefix`, which must
 * be the store's).
 */
export function orgStack(
  simulator: Simulator,
  store: Store,
  options: {
    secret?: string;
    concurrency?: number;
    jobs?: { prefix: string; tuning: JobTuning };
  } = {},
): { org: Org; close(): Promise<void> } {
  const infra: Infra = { logger: silentLogger(), store, metrics: createMetrics() };
  const base = simulator.wecomConfig();
  const wecomConfig = {
    ...base,
    secrets: { ...base.secrets, ...(options.secret && { directory: options.secret }) },
  };
  const config = loadConfig({
    WECOM_CORP_ID: simulator.corpId,
    WECOM_APP_SECRET: 'unused-by-tests-see-wecomConfig',
    JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
    ...(options.jobs && { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: options.jobs.prefix }),
  });
  const settings = { ...config, wecom: wecomConfig };
  const wecom = createWecom(infra, settings);
  const org = createOrgServices(infra, settings, wecom, {
    runner: options.jobs ? 'auto' : 'none',
    tuning: { ...TEST_ORG_TUNING, concurrency: options.concurrency, jobs: options.jobs?.tuning },
  });
  return {
    org,
    async close() {
      await org.close();
      await wecom.close();
    },
  };
}

/** Every record of the change feed after `after`, page by page. */
export async function feedOf(org: Org, after = '0') {
  const all = [];
  let cursor = after;
  for (let page = 0; page < 1000; page++) {
    const { changes, next } = await org.changes({ range: { after: cursor }, limit: 1000 });
    all.push(...changes);
    if (next === null) break;
    cursor = next;
  }
  return all;
}

/**
 * The current snapshot, read the way the admin APIs read it: the department tree flattened, and
 * every member a page at a time.
 */
export async function readSnapshot(org: Org) {
  const departments = new Map<number, OrgDepartment>();
  const flatten = (nodes: readonly DepartmentNode[]) => {
    for (const { children, ...department } of nodes) {
      departments.set(department.id, department);
      flatten(children ?? []);
    }
  };
  flatten((await org.departments()).departments);
  const members = new Map<string, OrgMember>();
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const answer = await org.members({ cursor, limit: 1000 });
    for (const member of answer.members) members.set(member.userid, member);
    if (answer.nextCursor === null) break;
    cursor = answer.nextCursor;
  }
  return { departments, members };
}

/** The simulator's truth in the org store's shape (what a full sync must end up with). */
export function truthOf(view: OrgView, options: { idsOnly?: boolean } = {}) {
  const departments = new Map<number, OrgDepartment>();
  for (const d of view.departments) {
    departments.set(
      d.id,
      options.idsOnly
        ? { id: d.id, parentid: d.parentid, order: d.order }
        : {
            id: d.id,
            name: d.name,
            parentid: d.parentid,
            order: d.order,
            ...((d.department_leader ?? []).length > 0 && { leaders: d.department_leader }),
          },
    );
  }
  const members = new Map<string, OrgMember>();
  for (const e of view.members) {
    members.set(
      e.userid,
      options.idsOnly
        ? { userid: e.userid, department: e.department }
        : {
            userid: e.userid,
            name: e.name,
            mainDepartment: e.department[0],
            ...(e.position && { position: e.position }),
            status: e.status,
            department: e.department,
          },
    );
  }
  return { departments, members };
}

/** Maps compared as plain sorted objects (so a failure shows the difference). */
export function plain(snapshot: {
  departments: ReadonlyMap<number, OrgDepartment>;
  members: ReadonlyMap<string, OrgMember>;
}) {
  return {
    departments: [...snapshot.departments.values()].sort((a, b) => a.id - b.id),
    members: [...snapshot.members.values()].sort((a, b) => (a.userid < b.userid ? -1 : 1)),
  };
}
