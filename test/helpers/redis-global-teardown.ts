import { spawnSync } from 'node:child_process';

export default async function redisGlobalTeardown(): Promise<void> {
  const port = process.env.TEST_REDIS_STARTED_PORT;
  if (!port) return;
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', port, 'shutdown', 'nosave'], {
    stdio: 'ignore',
  });
}
