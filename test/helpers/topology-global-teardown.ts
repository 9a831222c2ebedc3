import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { killAll } from './redis-topology';

export default async function topologyGlobalTeardown(): Promise<void> {
  const root = process.env.TEST_TOPOLOGY_DIR;
  if (!root) return;
  for (const name of readdirSync(root)) killAll(path.join(root, name));
  rmSync(root, { recursive: true, force: true });
}
