import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/src/config';
import { createStore } from '../../server/src/stores';
import { probeStore } from '../../server/src/stores/redis-probe';
import {
  clusterNodesSetting,
  killAll,
  makeCertificates,
  type SentinelTopology,
  sentinelsSetting,
  startCluster,
  startSentinelSet,
  startStandalone,
  type TlsFiles,
} from '../helpers/redis-topology';
import { silentLogger, uniquePrefix } from '../helpers/stores';

// Redis over TLS in each topology, every node speaking only TLS with a certificate from a CA made
// here by openssl (no key is committed): rediss:// with REDIS_TLS_CA_FILE reaches a standalone
// Redis, a Sentinel set (sentinels and master) and a Cluster; without the CA file it cannot.
jest.setTimeout(120_000);

let dir: string;
let tls: TlsFiles;
let standalone: number;
let sentinel: SentinelTopology;
let clusterNodes: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wecom-gate-tls-'));
  tls = await makeCertificates(dir);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  [standalone, sentinel, cluster] = await Promise.all([
    startStandalone(dir, { tls }),
    startSentinelSet(dir, { tls, downAfterMs: 60_000 }),
    startCluster(dir, { masters: 3, replicas: 0, tls }),
  ]);
  clusterNodes = clusterNodesSetting(cluster);
});
afterAll(() => {
  killAll(dir);
  rmSync(dir, { recursive: true, force: true });
});

const topologies = (): [string, Record<string, string>][] => [
  ['standalone Redis', { REDIS_URL: `rediss://127.0.0.1:${standalone}` }],
  [
    'Redis Sentinel',
    {
      REDIS_URL: 'rediss://sentinel-master',
      REDIS_SENTINELS: sentinelsSetting(sentinel),
      REDIS_SENTINEL_NAME: sentinel.name,
    },
  ],
  ['Redis Cluster', { REDIS_URL: 'rediss://cluster', REDIS_CLUSTER_NODES: clusterNodes }],
];

it('reaches each topology over TLS, trusting the CA of REDIS_TLS_CA_FILE', async () => {
  for (const [name, env] of topologies()) {
    const config = loadConfig({
      ...env,
      REDIS_TLS_CA_FILE: tls.ca,
      REDIS_KEY_PREFIX: uniquePrefix(),
    });
    expect([name, await probeStore(config.redis)]).toEqual([
      name,
      expect.not.objectContaining({ problem: expect.anything() }),
    ]);
    const store = await createStore(config, silentLogger());
    try {
      await store.set('over-tls', name, 10_000);
      expect(await store.get('over-tls')).toBe(name);
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  }
});

it('refuses the certificates without REDIS_TLS_CA_FILE (the CA is not the system’s)', async () => {
  for (const [name, env] of topologies()) {
    const health = await probeStore(loadConfig(env).redis, { timeoutMs: 1000 });
    expect([name, health]).toEqual([
      name,
      expect.objectContaining({ problem: expect.any(String) }),
    ]);
    expect(health).toMatchObject({ reason: expect.stringMatching(/certificate/i) });
  }
});
