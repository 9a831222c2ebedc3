import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCluster, startSentinelSet } from './redis-topology';
import type { Topology } from './topology';
import topologyGlobalTeardown from './topology-global-teardown';

// The topology project's Redis, started once for the project on free loopback ports: a Cluster
// and a Sentinel set that the tests use as they are, and a second of each that tests may break
// (kill or freeze a master), so that a failover never meets a test that expects a healthy one.
// Handed to the test workers through process.env; the teardown kills every process by its pid
// file and removes the folder.
export default async function topologyGlobalSetup(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'wecom-gate-topology-'));
  process.env.TEST_TOPOLOGY_DIR = root;
  const dir = (name: keyof Topology) => {
    const made = path.join(root, name);
    mkdirSync(made);
    return made;
  };
  const [cluster, faultCluster, sentinel, faultSentinel] = await Promise.all([
    startCluster(dir('cluster')),
    startCluster(dir('faultCluster')),
    startSentinelSet(dir('sentinel'), { downAfterMs: 60_000 }),
    startSentinelSet(dir('faultSentinel')),
  ]).catch(async (error: unknown) => {
    // jest runs no teardown after a failed setup.
    await topologyGlobalTeardown();
    throw error;
  });
  const topology: Topology = { cluster, faultCluster, sentinel, faultSentinel };
  process.env.TEST_TOPOLOGY = JSON.stringify(topology);
}
