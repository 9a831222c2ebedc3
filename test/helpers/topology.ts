import path from 'node:path';
import type { Simulator } from '../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from './gateway';
import { type ClusterTopology, redisCli, type SentinelTopology } from './redis-topology';
import { capturingLogger } from './stores';

/** What the topology project's global setup started (see topology-global-setup.ts). */
export interface Topology {
  cluster: ClusterTopology;
  /** A cluster that tests may break. */
  faultCluster: ClusterTopology;
  sentinel: SentinelTopology;
  /** A Sentinel set that tests may break. */
  faultSentinel: SentinelTopology;
}

export function topology(): Topology {
  const raw = process.env.TEST_TOPOLOGY;
  if (!raw) throw new Error('TEST_TOPOLOGY is unset: run through jest --selectProjects topology');
  return JSON.parse(raw) as Topology;
}

/** The folder of one topology's processes (for `signalNode`, `startNode`). */
export function topologyDir(name: keyof Topology): string {
  return path.join(process.env.TEST_TOPOLOGY_DIR!, name);
}

/** One employee's GET /api/me on one instance. */
export interface Answer {
  userid: string;
  status: number;
  code?: string;
  ms: number;
  /** performance.now() when it was asked. */
  at: number;
}

/** Two app instances on one Redis, every demo employee logged in, their logs kept. */
export interface Instances {
  gateways: TestGateway[];
  users: string[];
  /** GET /api/me for every employee on both instances, at once. */
  everyone(): Promise<Answer[]>;
  /** Where each instance's log is now, for `told`. */
  mark(): number[];
  /**
   * Each instance's log lines since `from` other than the access log, as [level, message], once
   * each has said that Redis is available again (at most 15 s: every connection must be back).
   */
  told(from: number[]): Promise<(readonly [number, string])[][]>;
  close(): Promise<void>;
}

export async function startInstances(
  simulator: Simulator,
  env: Record<string, string>,
): Promise<Instances> {
  const started = [0, 1].map(() => capturingLogger('info'));
  const gateways: TestGateway[] = [];
  for (const { logger } of started)
    gateways.push(await startTestGateway({ simulator, env, logger }));
  const users = simulator.demoEmployees().map((employee) => employee.userid);
  const tokens = new Map<string, string>();
  for (const [i, userid] of users.entries())
    tokens.set(userid, await gateways[i % 2]!.login(userid));
  const everyone = () =>
    Promise.all(
      gateways.flatMap((gateway) =>
        users.map(async (userid): Promise<Answer> => {
          const at = performance.now();
          const answer = await gateway.request('GET', '/api/me', { token: tokens.get(userid) });
          const code = answer.status === 200 ? undefined : errorBody(answer.body).code;
          return { userid, status: answer.status, code, ms: performance.now() - at, at };
        }),
      ),
    );
  // Each instance reads each employee's name once; later reads touch only the session.
  await everyone();
  return {
    gateways,
    users,
    everyone,
    mark: () => started.map(({ lines }) => lines.length),
    async told(from) {
      const since = () =>
        started.map(({ lines }, i) =>
          lines
            .slice(from[i])
            .map((line) => JSON.parse(line) as { level: number; msg: string })
            .filter((line) => line.msg !== 'request')
            .map((line) => [line.level, line.msg] as const),
        );
      const back = () =>
        since().every((lines) => lines.some(([, msg]) => /available again/.test(msg)));
      for (let i = 0; i < 150 && !back(); i += 1)
        await new Promise((resolve) => setTimeout(resolve, 100));
      return since();
    },
    async close() {
      for (const gateway of gateways) {
        await gateway.close();
        await gateway.store.close();
      }
    },
  };
}

/**
 * The answers of employees whose session is not there on an instance: every one of them answered
 * 200 unless a session was lost (401). A 503 — a store command past its deadline on a loaded
 * machine, not a lost session — is asked again, three rounds at most, as a client would.
 */
export async function sessionsMissing(instances: Instances): Promise<Answer[]> {
  let answers = await instances.everyone();
  for (let round = 0; round < 3 && answers.some((answer) => answer.status === 503); round++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    answers = await instances.everyone();
  }
  return answers.filter((answer) => answer.status !== 200);
}

/** performance.now() when `port` answers ROLE as a master (polled; undefined after 30 s). */
export async function promotion(port: number, tls?: Parameters<typeof redisCli>[2]) {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    const role = await redisCli(port, ['role'], tls).catch(() => '');
    if (role.startsWith('master')) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

/**
 * Every employee asked on both instances round after round, until the failover is over (`over()`)
 * and three rounds in a row were all answered (at most 30 s); `each` runs with every round.
 */
export async function throughFailover(
  instances: Instances,
  over: () => boolean,
  each: () => Promise<void> = async () => undefined,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  const deadline = performance.now() + 30_000;
  for (let healthy = 0; healthy < 3 && performance.now() < deadline; ) {
    const [round] = await Promise.all([instances.everyone(), each()]);
    answers.push(...round);
    healthy = over() && round.every((answer) => answer.status === 200) ? healthy + 1 : 0;
  }
  return answers;
}

/** When the employees' answers worked again for good: the first asked after the last failure. */
export function recoveredAt(answers: Answer[]): number {
  const lastFailure = Math.max(...answers.filter((a) => a.status !== 200).map((a) => a.at));
  return Math.min(...answers.filter((a) => a.at > lastFailure).map((a) => a.at));
}
