import { execFileSync, spawnSync } from 'node:child_process';
import { freePort, redisServerArgs } from './redis-process';

// Starts a throw-away Redis on a free loopback port unless TEST_REDIS_URL names one. The URL is
// handed to the test workers through process.env; the teardown stops only what this started.

function ping(port: number): boolean {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], {
    encoding: 'utf8',
  });
  return result.stdout?.trim() === 'PONG';
}

export default async function redisGlobalSetup(): Promise<void> {
  if (process.env.TEST_REDIS_URL) return;
  const port = await freePort();
  execFileSync('redis-server', redisServerArgs(port, ['--daemonize', 'yes', '--logfile', '']));
  for (let i = 0; i < 100 && !ping(port); i++) await new Promise((r) => setTimeout(r, 50));
  if (!ping(port)) throw new Error(`redis-server did not start on port ${port}`);
  process.env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
  process.env.TEST_REDIS_STARTED_PORT = String(port);
}
