import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNameLookups } from '../../../server/src/admin/name-lookups';
import { createNameMapper, type NameRequest } from '../../../server/src/admin/name-mapper';
import { csvRow, parseIdList, runNamesJob } from '../../../server/src/admin/names-job';
import {
  customerId,
  type DemoCorp,
  demoCorp,
  groupChatId,
  type ScenarioName,
  type Simulator,
} from '../../../server/src/sandbox/index';
import { createNameCache } from '../../../server/src/stores/name-cache';
import { createAccessTokenProvider } from '../../../server/src/wecom/access-token-provider';
import { createWecomAddressBook } from '../../../server/src/wecom/address-book';
import { createWecomApi } from '../../../server/src/wecom/api';
import { createWecomClient } from '../../../server/src/wecom/client';
import { createWecomHttp } from '../../../server/src/wecom/http';
import { startTestSimulator } from '../../helpers/simulator';
import { createTestRedisStore, silentLogger, uniquePrefix } from '../../helpers/stores';

const GENERATED = 1920;
const generatedId = (n: number) => `wmYsGenCust${String(n).padStart(4, '0')}`;

/** The demo corp plus 1,920 customers that zhangsan follows (test data, not the demo corp). */
function bigSeed(): DemoCorp {
  const seed = demoCorp();
  for (let n = 1; n <= GENERATED; n++) {
    seed.customers.push({
      external_userid: generatedId(n),
      name: `客户${n}`,
      type: 1,
      gender: 1,
      avatar: '',
      follow: [
        {
          userid: 'zhangsan',
          remark: '',
          description: '',
          createtime: 1_700_000_000 + n,
          tag_ids: [],
          personal_tags: [],
          remark_mobiles: [],
          add_way: 1,
          oper_userid: 'zhangsan',
        },
      ],
    });
  }
  return seed;
}

/** 2,000 mixed ids, as lines of an input file (some typed, most inferred). */
function mixedIds(seed: DemoCorp): string[] {
  const lines = [
    ...seed.employees.map((e) => e.userid),
    'user:nobody1',
    'nobody2',
    ...Array.from({ length: 40 }, (_, i) => customerId(i + 1)),
    ...Array.from({ length: 6 }, (_, i) => `groupchat:${groupChatId(i + 1)}`),
    'wrYsDemoGroupUnknown',
    'wmYsDemoCustUnknown',
    ...Array.from({ length: GENERATED }, (_, i) => generatedId(i + 1)),
  ];
  while (lines.length < 2000) lines.push(`wmYsMissing${lines.length}`);
  return lines;
}

async function mapperFor(sim: Simulator, options: { sleep?: (ms: number) => Promise<void> } = {}) {
  const wecomConfig = sim.wecomConfig();
  const logger = silentLogger();
  const http = createWecomHttp({ apiBase: wecomConfig.apiBase, timeoutMs: 3000, logger });
  const scoped = await createTestRedisStore({ prefix: uniquePrefix(), logger });
  const tokens = createAccessTokenProvider({
    http,
    store: scoped,
    corpId: wecomConfig.corpId,
    secrets: wecomConfig.secrets,
    logger,
    timeoutMs: 3000,
  });
  const client = createWecomClient({ http, accessTokens: tokens });
  const mapper = createNameMapper({
    lookups: createNameLookups({
      api: createWecomApi({ client }),
      addressBook: createWecomAddressBook({ client }),
    }),
    names: createNameCache({ store: scoped }),
    sleep: options.sleep,
    random: () => 0.5,
  });
  return {
    mapper,
    close: async () => {
      await http.close();
      await scoped.close();
    },
  };
}

describe('name mapper', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wecom-gate-names-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('resolves 2,000 mixed ids with one call per id, resumes after an interruption, and a rerun with onlyUnresolved makes no call', async () => {
    const seed = bigSeed();
    const sim = await startTestSimulator({ seed });
    const { mapper, close } = await mapperFor(sim);
    try {
      const lines = mixedIds(seed);
      expect(lines).toHaveLength(2000);
      const inputPath = join(dir, 'ids.txt');
      const outputPath = join(dir, 'names.csv');
      await writeFile(inputPath, `${lines.join('\n')}\n`);

      // First run: interrupted after 700 ids.
      const abort = new AbortController();
      await expect(
        runNamesJob({
          mapper,
          inputPath,
          outputPath,
          signal: abort.signal,
          onProgress: (done) => {
            if (done >= 700) abort.abort(new Error('interrupted'));
          },
        }),
      ).rejects.toThrow('interrupted');
      const firstCalls = sim.calls();
      const partial = (await readFile(outputPath, 'utf8')).trim().split('\n');
      // The checkpoint counts the byte order mark: the CSV is cut back to a row boundary.
      const checkpoint = JSON.parse(await readFile(`${outputPath}.checkpoint.json`, 'utf8'));
      const written = await readFile(outputPath);
      expect(written.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expect(written.subarray(0, checkpoint.bytes).toString('utf8')).toMatch(/\n$/);
      expect(checkpoint.bytes).toBeGreaterThan(3);
      expect(partial.length - 1).toBeGreaterThanOrEqual(600);
      expect(partial.length - 1).toBeLessThan(2000);

      // Second run: resumes where the checkpoint says, asks only what is still unknown.
      sim.resetCalls();
      const summary = await runNamesJob({ mapper, inputPath, outputPath, onlyUnresolved: true });
      const secondCalls = sim.calls();
      expect(summary.resumedAt).toBe(partial.length - 1);
      expect(summary.total).toBe(2000);
      expect(firstCalls + secondCalls).toBeLessThanOrEqual(2000 + 1);

      const text = await readFile(outputPath, 'utf8');
      // One byte order mark, at the start (so Excel reads UTF-8), none where the run resumed.
      expect(text.indexOf('\uFEFF')).toBe(0);
      expect(text.lastIndexOf('\uFEFF')).toBe(0);
      const rows = text.trimEnd().split('\n');
      expect(rows[0]).toBe('\uFEFFtype,id,name,source');
      expect(rows).toHaveLength(2001);
      const expectedIds = parseIdList(lines.join('\n')).map((r) => `${r.type},${r.id},`);
      expect(rows.slice(1).map((row, i) => row.startsWith(expectedIds[i]!))).not.toContain(false);
      expect(rows).toContain('user,zhangsan,张三,wecom');
      expect(rows).toContain(`external,${customerId(1)},陈晓明,wecom`);
      expect(rows).toContain(`groupchat,${groupChatId(1)},华东客户交流群,wecom`);
      expect(rows).toContain('user,liuzong,,unresolved:not_found:60011');
      expect(rows).toContain('external,wmYsDemoCustUnknown,,unresolved:not_found:40096');
      expect(rows).toContain('groupchat,wrYsDemoGroupUnknown,,unresolved:not_found:40050');
      expect(rows.filter((r) => r.includes('unresolved')).length).toBeLessThan(50);
      process.stdout.write(
        `name mapper: 2,000 ids, upstream calls first run ${firstCalls}, resumed run ${secondCalls}\n`,
      );

      // Third run, fresh output, onlyUnresolved: everything from the store, no WeCom call.
      sim.resetCalls();
      const again = await runNamesJob({
        mapper,
        inputPath,
        outputPath: join(dir, 'again.csv'),
        onlyUnresolved: true,
      });
      expect(sim.calls()).toBe(0);
      expect(again.fromCache).toBe(2000);
    } finally {
      await close();
    }
  }, 60_000); // 2,000 HTTP lookups: generous for a loaded machine (not a speed check)

  it('remembers refusals with their errcode: a second run from the store still says why', async () => {
    const sim = await startTestSimulator();
    const { mapper, close } = await mapperFor(sim);
    try {
      const ids: NameRequest[] = [
        { type: 'user', id: 'liuzong' },
        { type: 'external', id: 'wmYsDemoCustUnknown' },
        { type: 'groupchat', id: 'wrYsDemoGroupUnknown' },
        { type: 'groupchat', id: groupChatId(5) },
      ];
      const first = await mapper.resolve(ids);
      expect(first.map((r) => [r.source, r.reason, r.errcode])).toEqual([
        ['wecom', 'not_found', 60011],
        ['wecom', 'not_found', 40096],
        ['wecom', 'not_found', 40050],
        ['wecom', 'not_found', 60011],
      ]);
      sim.resetCalls();
      const again = await mapper.resolve(ids);
      expect(sim.calls()).toBe(0);
      expect(again.map((r) => [r.source, r.reason, r.errcode])).toEqual([
        ['cache', 'not_found', 60011],
        ['cache', 'not_found', 40096],
        ['cache', 'not_found', 40050],
        ['cache', 'not_found', 60011],
      ]);
      expect(csvRow(again[0]!)).toBe('user,liuzong,,unresolved:not_found:60011\n');
    } finally {
      await close();
    }
  });

  it('backs off with growing delays on 45009, then resolves', async () => {
    const sim = await startTestSimulator();
    const delays: number[] = [];
    const { mapper, close } = await mapperFor(sim, {
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    try {
      sim.injectFault({ api: 'user/get', kind: 'errcode', errcode: 45009, times: 2 });
      const [result] = await mapper.resolve([{ type: 'user', id: 'zhangsan' }]);
      expect(result).toMatchObject({ name: '张三', source: 'wecom' });
      expect(sim.calls('user/get')).toBe(3);
      expect(delays).toHaveLength(2);
      expect(delays[0]!).toBeGreaterThan(400);
      expect(delays[1]!).toBeGreaterThan(delays[0]! * 1.5);
    } finally {
      await close();
    }
  });

  it.each<[ScenarioName, string, number]>([
    ['contact-not-callable', 'externalcontact/get', 48002],
    ['untrusted-ip', 'externalcontact/get', 60020],
  ])(
    '%s: stops asking after a configuration refusal instead of failing every id',
    async (scenario, api, errcode) => {
      const sim = await startTestSimulator({ scenario });
      const { mapper, close } = await mapperFor(sim);
      try {
        const ids: NameRequest[] = Array.from({ length: 60 }, (_, i) => ({
          type: 'external',
          id: customerId((i % 40) + 1) + (i >= 40 ? 'x' : ''),
        }));
        const results = await mapper.resolve(ids);
        expect(results.every((r) => r.reason === 'refused' && r.errcode === errcode)).toBe(true);
        expect(sim.calls(api)).toBeLessThanOrEqual(8);
      } finally {
        await close();
      }
    },
  );

  it('answers duplicates once and in input order; writes CSV with proper quoting', async () => {
    const sim = await startTestSimulator();
    const { mapper, close } = await mapperFor(sim);
    try {
      const results = await mapper.resolve([
        { type: 'user', id: 'lisi' },
        { type: 'user', id: 'zhangsan' },
        { type: 'user', id: 'lisi' },
      ]);
      expect(results.map((r) => r.name)).toEqual(['李四', '张三', '李四']);
      expect(sim.calls('user/get')).toBe(2);
    } finally {
      await close();
    }
    expect(csvRow({ type: 'user', id: 'a', name: 'Li, "Big" Si', source: 'wecom' })).toBe(
      'user,a,"Li, ""Big"" Si",wecom\n',
    );
    // A cell a spreadsheet would run as a formula is prefixed with ' (OWASP); others are as is.
    const cell = (name: string) =>
      csvRow({ type: 'external', id: 'wm1', name, source: 'wecom' }).slice(13, -7);
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '张三-1'].map(cell)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      '"\'\rx"',
      '张三-1',
    ]);
    expect(() => parseIdList('zhangsan\nbad id with spaces\n')).toThrow('line 2');
    expect(parseIdList('# comment\nwoAbc\nwrDef\nexternal:plainid\n\n')).toEqual([
      { type: 'external', id: 'woAbc' },
      { type: 'groupchat', id: 'wrDef' },
      { type: 'external', id: 'plainid' },
    ]);
  });
});
