import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { InputError, runNamesJob } from '../admin/names-job';
import { createAdmin } from '../deps';
import { StoreUnavailableError } from '../stores';
import { fail, HELP, inputProblem, outputProblem, parseCli, usageError } from './args';
import { CORP, openCliDeps, setUpCli, storeProblem } from './setup';

/**
 * `npm run names -- --in ids.txt --out names.csv [--only-unresolved]`: the ID→name mapper over a
 * file. Ctrl-C stops after the ids in flight; rerunning the same command continues where it
 * stopped (see names-job.ts). A progress bar with rate and ETA is drawn when stderr is a terminal.
 */
const USAGE = `Usage: npm run names -- --in ids.txt --out names.csv [--only-unresolved] [--corp ID]
  --in FILE            one id a line: "type:id" (type user, external or groupchat) or a bare id
                       (wm…/wo… = external, wr… = groupchat, else user); # starts a comment
  --out FILE           CSV type,id,name,source (source: org, cache, wecom or
                       unresolved:<reason>[:errcode]), UTF-8 with a byte order mark (Excel
                       shows the Chinese names)
  --corp ID            a corp of WECOM_CORPS_FILE (default: its first corp)
  --only-unresolved    answer employees from the org snapshot and ids remembered in the store
                       from there; ask WeCom only for the rest
A run that was interrupted continues when the same command is run again.
The first line, on stderr, names the corp and API base asked (or the sandbox) and the .env read.
Exit code: 0 done, 1 failed (e.g. Redis unreachable), 2 bad arguments, an input file that cannot
be read or holds a line that is not an id, an output that cannot be written, or a configuration
error (a bad key or .env, a wrong password in REDIS_URL), 130 interrupted.
`;

async function main(): Promise<void> {
  const values = parseCli('names', USAGE, () =>
    parseArgs({
      options: {
        in: { type: 'string' },
        out: { type: 'string' },
        'only-unresolved': { type: 'boolean' },
        ...CORP,
        ...HELP,
      },
    }),
  );
  if (!values.in || !values.out) usageError('names', '--in and --out are required');
  const problem = (await inputProblem(values.in)) ?? (await outputProblem(values.out));
  if (problem) fail('names', problem);
  const cli = await setUpCli('names', values.corp);
  const { settings, simulator } = cli;
  const opened = await openCliDeps(
    cli,
    'names',
    'names are remembered in this process only (the checkpoint still resumes)',
  );
  if (!opened) return;
  const { store, wecom, org, infra } = opened;
  const { nameMapper } = createAdmin(infra, settings, wecom, org);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort(new Error('interrupted')));

  let started = 0;
  let startedAt = 0;
  const bar = process.stderr.isTTY
    ? new SingleBar({
        stream: process.stderr,
        format: ' {bar} {percentage}% | {value}/{total} ids | {rate} ids/s | ETA {eta_formatted}',
        etaBuffer: 200,
      })
    : undefined;
  try {
    const summary = await runNamesJob({
      mapper: nameMapper,
      inputPath: values.in,
      outputPath: values.out,
      onlyUnresolved: values['only-unresolved'] === true,
      signal: abort.signal,
      onProgress: (done, total) => {
        if (!bar) return;
        if (started === 0) {
          started = Date.now();
          startedAt = done;
          bar.start(total, done, { rate: '0' });
        }
        const seconds = (Date.now() - started) / 1000;
        bar.update(done, { rate: seconds > 0 ? ((done - startedAt) / seconds).toFixed(0) : '0' });
      },
    });
    bar?.stop();
    process.stderr.write(
      `${summary.total} ids${summary.resumedAt ? ` (continued at ${summary.resumedAt})` : ''}: ${summary.resolved} resolved, ${summary.unresolved} unresolved, ${summary.fromCache} from the store → ${values.out}\n`,
    );
  } catch (error) {
    bar?.stop();
    if (abort.signal.aborted) {
      process.stderr.write('Interrupted: run the same command again to continue.\n');
      process.exitCode = 130;
    } else if (error instanceof InputError) {
      process.stderr.write(`${values.in}: ${error.message}\n`);
      process.exitCode = 2;
    } else if (error instanceof StoreUnavailableError) {
      // Redis went away (or started refusing) during the run: the checkpoint lets it resume.
      const problem = await storeProblem(settings.redis);
      process.stderr.write(
        `names: ${problem?.text ?? `the store (REDIS_URL) failed: ${error.message}`}\n`,
      );
      process.exitCode = problem?.configuration ? 2 : 1;
    } else throw error;
  } finally {
    await wecom.close();
    await store.close();
    await simulator?.close();
  }
}

main().catch((error) => {
  process.stderr.write(`names failed: ${(error as Error).message}\n`);
  process.exit(1);
});
