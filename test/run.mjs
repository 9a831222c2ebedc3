// `npm test`: checks first that the programs the selected jest projects need are there — one line
// per missing program, with how to get it, and exit code 1 before any suite runs — then runs jest
// with the same arguments. The mini-program project needs neither Redis nor Chromium, so
// `npm test -- --selectProjects miniprogram` (or `npm test -- test/miniprogram`) runs without them.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

/**
 * The jest projects (jest.config.js), the folder of each, and what each needs. The topology
 * project starts a Redis Cluster and a Sentinel set of its own (`ownRedis`: TEST_REDIS_URL does
 * not stand in for them) and makes TLS certificates with openssl.
 */
const PROJECTS = {
  server: { root: 'test/server', needs: ['redis'] },
  miniprogram: { root: 'test/miniprogram', needs: [] },
  e2e: { root: 'test/e2e', needs: ['redis'] },
  browser: { root: 'test/browser', needs: ['redis', 'chromium'] },
  topology: { root: 'test/topology', needs: ['redis', 'openssl'], ownRedis: true },
};

const APT = 'apt-get install -y redis-server chromium fonts-wqy-microhei';

const executable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const onPath = (program) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && executable(join(dir, program)));

/** Each requirement: a line per missing program, saying how to get it (none when satisfied). */
const CHECKS = {
  redis: (projects) => {
    if (process.env.TEST_REDIS_URL && !projects.some((project) => project.ownRedis)) return [];
    return ['redis-server', 'redis-cli']
      .filter((program) => !onPath(program))
      .map(
        (program) =>
          `${program} not found on the PATH: ${APT} (or set TEST_REDIS_URL to a Redis the tests may flush)`,
      );
  },
  openssl: () =>
    onPath('openssl')
      ? []
      : [
          'openssl not found on the PATH: apt-get install -y openssl (the topology tests make TLS certificates with it)',
        ],
  chromium: () => {
    const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    return executable(path)
      ? []
      : [
          `Chromium not found at ${path}${process.env.CHROMIUM_PATH ? ' (CHROMIUM_PATH)' : ''}: ${APT} (or set CHROMIUM_PATH to a Chromium or Chrome binary)`,
        ];
  },
};

/**
 * The projects this run may start: those `--selectProjects` names (all by default), less those
 * that no test path argument can reach (an argument naming another project's folder). An
 * argument that is not a path, e.g. an option's value, keeps every project: a check too many is
 * harmless, one too few is not.
 */
function selectedProjects(args) {
  let selected;
  const patterns = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--selectProjects') {
      selected = [];
      while (i + 1 < args.length && !args[i + 1].startsWith('-')) selected.push(args[++i]);
    } else if (arg.startsWith('--selectProjects=')) {
      selected = arg.slice('--selectProjects='.length).split(',');
    } else if (!arg.startsWith('-')) {
      patterns.push(arg);
    }
  }
  return Object.entries(PROJECTS)
    .filter(([name]) => selected === undefined || selected.includes(name))
    .filter(
      ([, project]) =>
        patterns.length === 0 ||
        patterns.some(
          (pattern) =>
            pattern.includes(project.root) ||
            !Object.values(PROJECTS).some((other) => pattern.includes(other.root)),
        ),
    )
    .map(([, project]) => project);
}

const args = process.argv.slice(2);
const projects = selectedProjects(args);
const needs = new Set(projects.flatMap((project) => project.needs));
const missing = [...needs].flatMap((need) => CHECKS[need](projects));
if (missing.length > 0) {
  for (const line of missing) process.stderr.write(`npm test: ${line}\n`);
  process.exit(1);
}
const jestBin = createRequire(import.meta.url).resolve('jest/bin/jest');
const jest = spawnSync(process.execPath, [jestBin, ...args], { stdio: 'inherit' });
process.exit(jest.status ?? 1);
