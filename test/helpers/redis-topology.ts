import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { redisServerArgs } from './redis-process';

/**
 * Throw-away Redis topologies on loopback — a Redis Cluster, a Sentinel set — for the topology
 * tests. Every process is a daemonized redis-server with its configuration file, pid file and
 * log in one folder, so that a test may kill, freeze or restart a node by its port and the
 * teardown finds every process (restarted ones too) by its pid file.
 */

const run = promisify(execFile);

export interface ClusterTopology {
  /** Data ports; which are masters changes with failovers (ask `clusterMasters`). */
  ports: number[];
  nodeTimeoutMs: number;
}

export interface SentinelTopology {
  name: string;
  master: number;
  replica: number;
  sentinels: number[];
  downAfterMs: number;
}

/** TLS files (made by `makeCertificates`) for nodes that speak only TLS. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/** Ports handed out by this process (topologies start in parallel). */
const handedOut = new Set<number>();

/**
 * `n` distinct free loopback ports below Linux's ephemeral range (32768 and up), so that no
 * outgoing connection of this busy machine takes one between this check and redis-server's bind.
 */
export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    const server: Server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      ports.push(port);
    }
  }
  return ports;
}

/** redis-cli against a node (with `--tls` and the CA for TLS nodes); answers its output. */
export async function redisCli(port: number, args: string[], tls?: TlsFiles): Promise<string> {
  const secure = tls ? ['--tls', '--cacert', tls.ca] : [];
  const { stdout } = await run('redis-cli', [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    ...secure,
    ...args,
  ]);
  return stdout;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`redis topology: ${what} not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const confFile = (dir: string, port: number) => path.join(dir, `${port}.conf`);
const pidFile = (dir: string, port: number) => path.join(dir, `${port}.pid`);

/** The throw-away arguments of the other Redis processes, as a configuration file. */
function writeConf(dir: string, port: number, lines: string[], tls?: TlsFiles): string {
  const args = redisServerArgs(port, [
    '--daemonize',
    'yes',
    '--dir',
    dir,
    '--pidfile',
    pidFile(dir, port),
    '--logfile',
    path.join(dir, `${port}.log`),
  ]);
  // Replicas start in sync at once (Redis waits 5 s for more replicas by default).
  const conf: string[] = ['repl-diskless-sync-delay 0'];
  for (let i = 0; i < args.length; i += 2)
    conf.push(`${args[i]!.slice(2)} ${JSON.stringify(args[i + 1])}`);
  if (tls)
    conf.push(
      'port 0',
      `tls-port ${port}`,
      `tls-cert-file ${tls.cert}`,
      `tls-key-file ${tls.key}`,
      `tls-ca-cert-file ${tls.ca}`,
      'tls-auth-clients no',
    );
  const file = confFile(dir, port);
  writeFileSync(file, `${[...conf, ...lines].join('\n')}\n`);
  return file;
}

/** Starts (or starts again) the node whose configuration is in `dir`. */
export async function startNode(dir: string, port: number, sentinel = false): Promise<void> {
  await run('redis-server', [confFile(dir, port), ...(sentinel ? ['--sentinel'] : [])]);
}

/** The pid of the node on `port` (from its pid file). */
export function pidOf(dir: string, port: number): number {
  return Number(readFileSync(pidFile(dir, port), 'utf8').trim());
}

/** SIGKILL, SIGSTOP or SIGCONT to the node on `port`. */
export function signalNode(dir: string, port: number, signal: NodeJS.Signals): void {
  process.kill(pidOf(dir, port), signal);
}

/** Kills every process of the folder (frozen ones too). */
export function killAll(dir: string): void {
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.pid'))) {
    const pid = Number(readFileSync(path.join(dir, file), 'utf8').trim());
    for (const signal of ['SIGCONT', 'SIGKILL'] as const) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  }
}

/** One Redis (TLS only with `tls`); answers its port. */
export async function startStandalone(
  dir: string,
  options: { tls?: TlsFiles } = {},
): Promise<number> {
  const [port] = (await freePorts(1)) as [number];
  writeConf(dir, port, [], options.tls);
  await startNode(dir, port);
  await until(
    `redis ${port}`,
    async () => (await redisCli(port, ['ping'], options.tls)).trim() === 'PONG',
  );
  return port;
}

/**
 * A Redis Cluster of `masters` masters with one replica each. `cluster-node-timeout` is short to
 * keep failovers quick; `cluster-require-full-coverage no` lets the other masters answer while
 * one master's slots are unserved (the default refuses every key then); and
 * `cluster-replica-validity-factor 0` lets a replica take over however long it was apart from
 * its master (a loaded test machine must not make a failover impossible).
 */
export async function startCluster(
  dir: string,
  options: { masters?: number; replicas?: number; nodeTimeoutMs?: number; tls?: TlsFiles } = {},
): Promise<ClusterTopology> {
  const { masters = 3, replicas = 1, nodeTimeoutMs = 2000, tls } = options;
  const count = masters * (1 + replicas);
  const ports = await freePorts(count * 2);
  const data = ports.slice(0, count);
  await Promise.all(
    data.map((port, i) => {
      writeConf(
        dir,
        port,
        [
          'cluster-enabled yes',
          `cluster-port ${ports[count + i]}`,
          `cluster-config-file ${path.join(dir, `${port}.nodes.conf`)}`,
          `cluster-node-timeout ${nodeTimeoutMs}`,
          'cluster-require-full-coverage no',
          'cluster-replica-validity-factor 0',
          ...(tls ? ['tls-cluster yes', 'tls-replication yes'] : []),
        ],
        tls,
      );
      return startNode(dir, port);
    }),
  );
  await Promise.all(
    data.map((port) =>
      until(`node ${port}`, async () => (await redisCli(port, ['ping'], tls)).trim() === 'PONG'),
    ),
  );
  await redisCli(
    data[0]!,
    [
      '--cluster',
      'create',
      ...data.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ],
    tls,
  );
  await until('cluster state ok and replicas in sync', async () => {
    const states = await Promise.all(
      data.map(async (port) => {
        const info = await redisCli(port, ['info', 'replication'], tls);
        const cluster = await redisCli(port, ['cluster', 'info'], tls);
        return (
          cluster.includes('cluster_state:ok') &&
          (info.includes('role:master') || info.includes('master_link_status:up'))
        );
      }),
    );
    return states.every(Boolean);
  });
  return { ports: data, nodeTimeoutMs };
}

/** The cluster's masters now: `port → slot ranges`, from a node that answers. */
export async function clusterMasters(
  cluster: ClusterTopology,
  tls?: TlsFiles,
  except: number[] = [],
): Promise<Map<number, [number, number][]>> {
  for (const port of cluster.ports.filter((candidate) => !except.includes(candidate))) {
    const nodes = await redisCli(port, ['cluster', 'nodes'], tls).catch(() => '');
    if (!nodes) continue;
    const masters = new Map<number, [number, number][]>();
    for (const line of nodes.trim().split('\n')) {
      const [, address, flags, , , , , , ...slots] = line.split(' ');
      if (!flags!.includes('master') || flags!.includes('fail') || slots.length === 0) continue;
      const ranges = slots.map((range) => {
        const [from, to = from] = range.split('-').map(Number);
        return [from!, to!] as [number, number];
      });
      masters.set(Number(address!.split('@')[0]!.split(':')[1]), ranges);
    }
    return masters;
  }
  throw new Error('no cluster node answers');
}

/** `host:port,…` of the cluster's nodes, as REDIS_CLUSTER_NODES takes them. */
export function clusterNodesSetting(cluster: ClusterTopology): string {
  return cluster.ports.map((port) => `127.0.0.1:${port}`).join(',');
}

/**
 * A Sentinel set: a master, one replica, three sentinels (quorum 2) that know each other and the
 * replica before this answers. With TLS every one of them speaks only TLS.
 */
export async function startSentinelSet(
  dir: string,
  options: { name?: string; downAfterMs?: number; tls?: TlsFiles } = {},
): Promise<SentinelTopology> {
  const { name = 'gate', downAfterMs = 2000, tls } = options;
  const [master, replica, ...sentinels] = (await freePorts(5)) as [number, number, ...number[]];
  const replication = tls ? ['tls-replication yes'] : [];
  writeConf(dir, master, replication, tls);
  writeConf(dir, replica, [...replication, `replicaof 127.0.0.1 ${master}`], tls);
  await Promise.all([startNode(dir, master), startNode(dir, replica)]);
  for (const port of sentinels)
    writeConf(
      dir,
      port,
      [
        ...replication,
        `sentinel monitor ${name} 127.0.0.1 ${master} 2`,
        `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
        `sentinel failover-timeout ${name} 10000`,
      ],
      tls,
    );
  await Promise.all(sentinels.map((port) => startNode(dir, port, true)));
  await until('sentinels know the replica and each other', async () => {
    const ready = await Promise.all(
      sentinels.map(async (port) => {
        const known = await redisCli(port, ['sentinel', 'sentinels', name], tls);
        const replicas = await redisCli(port, ['sentinel', 'replicas', name], tls);
        return (
          (known.match(/^runid$/gm) ?? []).length === sentinels.length - 1 &&
          replicas.includes(String(replica))
        );
      }),
    );
    return ready.every(Boolean);
  });
  return { name, master, replica, sentinels, downAfterMs };
}

/**
 * Waits until `master`'s replicas have acknowledged everything the master has written so far.
 * Replication is asynchronous and the server does not wait for it (each login would pay a
 * replica's round trip), so a master that dies may take its last writes with it; a test calls
 * this before killing a master so that what it wrote before is on the replica.
 */
export async function replicated(master: number): Promise<void> {
  const written = Number(
    /master_repl_offset:(\d+)/.exec(await redisCli(master, ['info', 'replication']))![1],
  );
  await until(`the replica of ${master} in sync`, async () => {
    const acked = /slave0:.*offset=(\d+)/.exec(await redisCli(master, ['info', 'replication']));
    return acked !== null && Number(acked[1]) >= written;
  });
}

/** `host:port,…` of the set's sentinels, as REDIS_SENTINELS takes them. */
export function sentinelsSetting(set: SentinelTopology): string {
  return set.sentinels.map((port) => `127.0.0.1:${port}`).join(',');
}

/** A CA and a certificate for 127.0.0.1 signed by it, made with openssl in `dir`. */
export async function makeCertificates(dir: string): Promise<TlsFiles> {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args);
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=wecom-gate test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
  );
  await openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('redis.key'),
    '-out',
    file('redis.csr'),
  );
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  await openssl(
    'x509',
    '-req',
    '-in',
    file('redis.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    file('san.ext'),
    '-out',
    file('redis.crt'),
  );
  return { ca: file('ca.crt'), cert: file('redis.crt'), key: file('redis.key') };
}
