import { readFileSync } from 'node:fs';
import { loadConfig } from '../server/src/config';
import { createDirectoryDeps, createWecom } from '../server/src/deps';
import type { OrgChangeRequest } from '../server/src/directory';
import { createLogger } from '../server/src/logger';
import { createMetrics } from '../server/src/metrics';
import { createStore } from '../server/src/stores';

/**
 * One measured run for `npm run bench:org`, in a process of its own so that its peak RSS is the
 * org sync's: `full` runs a full sync, `incremental FILE` applies the change events in FILE (JSON
 * lines), `idle` only loads what the others load (the base of the peak RSS). Prints one JSON line: {ok, ms, wecomCalls, changes, maxRssMb}.
 */
async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  const config = loadConfig();
  if (!config.wecom) throw new Error('WECOM_CORP_ID is required');
  const logger = createLogger({ level: 'silent' });
  const store = await createStore(config, logger);
  const infra = { logger, store, metrics: createMetrics() };
  const wecom = createWecom(infra, config.wecom);
  const directory = createDirectoryDeps(infra, wecom, config, { runner: 'none' });
  const started = performance.now();
  let result: { ok: boolean; wecomCalls: number; changes: number };
  if (mode === 'full') {
    const outcome = await directory.sync.runClaimed('bench');
    if (outcome === 'busy') throw new Error('another sync holds the claim');
    result = { ok: outcome.ok, wecomCalls: outcome.wecomCalls, changes: outcome.changes };
  } else if (mode === 'incremental' && file) {
    const events = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as OrgChangeRequest);
    result = { ok: true, wecomCalls: 0, changes: 0 };
    for (const event of events) {
      const applied = await directory.applyChange(event);
      result.wecomCalls += applied.wecomCalls;
      result.changes += applied.changes.length;
    }
  } else if (mode === 'idle') {
    result = { ok: true, wecomCalls: 0, changes: 0 };
  } else throw new Error('usage: org-child.ts full | incremental FILE | idle');
  const ms = performance.now() - started;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ...result, ms, maxRssMb })}\n`);
  await directory.close();
  await wecom.close();
  await store.close();
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
