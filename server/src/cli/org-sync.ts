import { randomUUID } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { usesRedis } from '../config';
import type { OrgChange } from '../org';
import { writeDepartmentsCsv, writeMembersCsv, writeSnapshotJson } from '../org/export';
import type { FullSyncResult, OpCounts, SyncProgress } from '../org/outcome';
import { fail, HELP, outputProblem, parseCli, usageError } from './args';
import { CORP, openCliDeps, setUpCli } from './setup';

/**
 * `npm run org-sync`: one full org sync in this process (it takes the same cluster-wide claim as
 * the server's syncs, so it never runs beside one), with a progress bar on a terminal; or a dry
 * run that prints the changes a sync would write; and exports of the snapshot. The outputs are
 * checked before anything is read from WeCom.
 */
const USAGE = `Usage: npm run org-sync -- [--dry-run] [--json] [--export FILE] [--export-departments FILE] [--skip-sync] [--corp ID]
  --dry-run                  read WeCom and print the changes a sync would write (the first
                             1,000, and how many of each kind); write nothing
  --json                     print the result as JSON (the outcome, the counts of change records
                             by kind and operation, and the first 1,000 records)
  --export FILE              after the sync, write the snapshot: FILE.csv = members (UTF-8 with a
                             byte order mark, for Excel), FILE.json = departments and members
  --export-departments FILE  after the sync, write the departments as CSV
  --corp ID                  a corp of WECOM_CORPS_FILE (default: its first corp)
  --skip-sync                only export the snapshot kept in Redis as it is (needs Redis and a
                             snapshot written by an earlier sync)
The first line, on stderr, names the corp and API base read (or the sandbox) and the .env read.
Exit code: 0 done, 1 the sync failed, another sync is running or --skip-sync found no snapshot,
2 bad arguments, an export file that cannot be written, --skip-sync without Redis, or a
configuration error (a bad key or .env, a wrong password in REDIS_URL); 130 interrupted.
`;

const sign = { created: '+', updated: '~', deleted: '-' } as const;

function describe(change: OrgChange): string {
  const record = change.after ?? change.before ?? {};
  const label =
    change.kind === 'department'
      ? `department ${change.id}${record.name ? ` ${String(record.name)}` : ''}`
      : `member ${change.id}${record.name ? ` ${String(record.name)}` : ''}`;
  if (change.op !== 'updated') return `${sign[change.op]} ${label}`;
  const fields = Object.keys(change.after ?? {}).map(
    (field) =>
      `${field}: ${JSON.stringify(change.before?.[field])} → ${JSON.stringify(change.after?.[field])}`,
  );
  const name = change.before?.name === undefined ? label : `${change.kind} ${change.id}`;
  return `${sign.updated} ${name} ${fields.join(', ')}`;
}

const ops = (counts: OpCounts) =>
  `${counts.created} created, ${counts.updated} updated, ${counts.deleted} deleted`;

function summary(result: FullSyncResult, seconds: number): string {
  const lines: string[] = [];
  const what = result.dryRun ? 'would write' : 'written';
  if (result.ok) {
    const range = result.seqRange ? ` (seq ${result.seqRange.first}–${result.seqRange.last})` : '';
    lines.push(
      `org sync${result.dryRun ? ' (dry run)' : ''}: ${result.departments} departments, ${result.members} members; ${result.changes} changes ${what}${range}; ${result.wecomCalls} WeCom calls in ${seconds.toFixed(1)} s`,
    );
    if (result.changed && result.changes > 0)
      lines.push(
        `  departments: ${ops(result.changed.departments)}; members: ${ops(result.changed.members)}`,
      );
    if (result.sources)
      lines.push(`  read with ${result.sources.departments} and ${result.sources.members}`);
  } else {
    lines.push(`org sync failed: ${result.error?.message ?? 'unknown error'}`);
    if (result.error?.cause)
      lines.push(`  cause: ${result.error.cause.en}`, `  原因：${result.error.cause.zh}`);
    if (result.error?.fix)
      lines.push(`  fix: ${result.error.fix.en}`, `  处理：${result.error.fix.zh}`);
    lines.push('  The snapshot and the change feed are as they were before this run.');
  }
  for (const note of result.notes ?? []) {
    lines.push(`  note: ${note.api} answered ${note.errcode}: ${note.cause.en}`);
    lines.push(`        ${note.fix.en}`, `        ${note.fix.zh}`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const values = parseCli('org-sync', USAGE, () =>
    parseArgs({
      options: {
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        export: { type: 'string' },
        'export-departments': { type: 'string' },
        'skip-sync': { type: 'boolean' },
        ...CORP,
        ...HELP,
      },
    }),
  );
  if (values.export && !['.csv', '.json'].includes(extname(values.export).toLowerCase()))
    usageError('org-sync', '--export: the file must end in .csv or .json');
  const outputs = [values.export, values['export-departments']].filter((f) => f !== undefined);
  if (values['skip-sync'] && outputs.length === 0)
    usageError('org-sync', '--skip-sync exports only: add --export or --export-departments');
  for (const output of outputs) {
    const problem = await outputProblem(output);
    if (problem) fail('org-sync', problem);
  }
  const cli = await setUpCli('org-sync', values.corp);
  if (values['skip-sync'] && !usesRedis(cli.settings.redis)) {
    await cli.simulator?.close();
    fail(
      'org-sync',
      '--skip-sync exports the snapshot kept in Redis, but REDIS_URL is unset: there is none (run without --skip-sync)',
    );
  }
  const opened = await openCliDeps(
    cli,
    'org-sync',
    'the snapshot and the change feed live in this process only',
  );
  if (!opened) return;
  const { store, wecom, org } = opened;
  const { simulator } = cli;
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort(new Error('interrupted')));

  const bar = process.stderr.isTTY && !values.json ? createBar() : undefined;
  try {
    if (!values['skip-sync']) {
      const started = performance.now();
      const options = {
        dryRun: values['dry-run'] === true,
        signal: abort.signal,
        onProgress: bar?.update,
      };
      const result = await org.sync.runClaimed(`cli:${randomUUID()}`, options);
      bar?.stop();
      if (result === 'busy') {
        process.stderr.write(
          'Another org sync is running (see GET /api/admin/org/sync); try again when it ends.\n',
        );
        process.exitCode = 1;
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        if (result.dryRun) {
          for (const record of result.records) process.stdout.write(`${describe(record)}\n`);
          const more = result.changes - result.records.length;
          if (more > 0) process.stdout.write(`… and ${more} more changes not shown\n`);
        }
        process.stderr.write(summary(result, seconds));
      }
      if (!result.ok) {
        process.exitCode = abort.signal.aborted ? 130 : 1;
        return;
      }
    }
    if (outputs.length > 0) {
      if ((await org.orgStore.current()).generation === null) {
        process.stderr.write(
          `org-sync: no org snapshot to export: Redis has none under REDIS_KEY_PREFIX=${cli.settings.redis.keyPrefix} (run npm run org-sync without --skip-sync first)\n`,
        );
        process.exitCode = 1;
        return;
      }
      const { orgStore } = org;
      if (values.export) {
        const json = extname(values.export).toLowerCase() === '.json';
        const count = await writing(values.export, (file) =>
          json ? writeSnapshotJson(orgStore, file) : writeMembersCsv(orgStore, file),
        );
        process.stderr.write(`${count} members → ${values.export}\n`);
      }
      if (values['export-departments']) {
        const count = await writing(values['export-departments'], (file) =>
          writeDepartmentsCsv(orgStore, file),
        );
        process.stderr.write(`${count} departments → ${values['export-departments']}\n`);
      }
    }
  } finally {
    bar?.stop();
    await org.close();
    await wecom.close();
    await store.close();
    await simulator?.close();
  }
}

/** Writes `path` (replacing it) with `write`, closing it whatever happens. */
async function writing<T>(path: string, write: (file: FileHandle) => Promise<T>): Promise<T> {
  const file = await open(path, 'w');
  try {
    return await write(file);
  } finally {
    await file.close();
  }
}

/** A bar over the departments whose members are read, with the rate and ETA. */
function createBar(): { update: (p: SyncProgress) => void; stop: () => void } {
  const bar = new SingleBar({
    stream: process.stderr,
    format:
      ' {phase} {bar} {percentage}% | {value}/{total} departments | {members} members | {rate} dept/s | ETA {eta_formatted}',
    etaBuffer: 50,
    hideCursor: true,
  });
  let started = 0;
  let running = false;
  return {
    update(progress) {
      const total = Math.max(1, progress.counts.departments);
      const done =
        progress.phase === 'departments' ? 0 : Math.min(total, progress.counts.departmentsRead);
      const seconds = started === 0 ? 0 : (Date.now() - started) / 1000;
      const payload = {
        phase: progress.phase.padEnd(11),
        members: progress.counts.members,
        rate: seconds > 0 ? (done / seconds).toFixed(0) : '0',
      };
      if (!running) {
        // The department phase is one or two calls: the bar starts with the member reads.
        if (progress.phase === 'departments') return;
        running = true;
        started = Date.now();
        bar.start(total, done, payload);
        return;
      }
      bar.setTotal(total);
      bar.update(done, payload);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

main().catch((error) => {
  process.stderr.write(`org-sync failed: ${(error as Error).message}\n`);
  process.exit(1);
});
