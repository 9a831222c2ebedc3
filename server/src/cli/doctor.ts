import { parseArgs } from 'node:util';
import { formatReport } from '../admin/report-format';
import { usesRedis } from '../config';
import { createConfiguredDoctor } from '../deps';
import { createStore } from '../stores';
import { endpointList } from '../webhooks';
import { withWebhooksCheck } from '../webhooks/doctor-check';
import { createWecomHttp } from '../wecom/http';
import { HELP, parseCli } from './args';
import { CORP, setUpCli } from './setup';

/**
 * `npm run doctor [-- --json]`: checks the configured WeCom credentials and prints one verdict per
 * check with its fix, the same checks as `GET /api/admin/diagnostics` (the webhook endpoints read
 * from Redis). Never prints a secret or an access token.
 */
const USAGE = `Usage: npm run doctor [-- --json] [--corp ID]
  --json     print the report as JSON (the same as GET /api/admin/diagnostics)
  --corp ID  a corp of WECOM_CORPS_FILE (default: its first corp)
The first line, on stderr, names the corp and API base checked (or the sandbox) and the .env read.
Exit code: 0 all well (warnings allowed), 1 a check failed or the doctor could not run,
2 configuration error (a bad key or .env) or bad arguments.
`;

async function main(): Promise<void> {
  const values = parseCli('doctor', USAGE, () =>
    parseArgs({ options: { json: { type: 'boolean' }, ...CORP, ...HELP } }),
  );
  const { settings, simulator, logger } = await setUpCli('doctor', values.corp);
  const http = createWecomHttp({
    apiBase: settings.wecom.apiBase,
    proxy: settings.wecom.proxy,
    timeoutMs: settings.wecom.timeoutMs,
    logger,
  });
  // Without Redis the endpoints live in the server's process: the check says where to look.
  const store = usesRedis(settings.redis) ? await createStore(settings, logger) : undefined;
  try {
    const doctor = withWebhooksCheck(
      createConfiguredDoctor(settings, http),
      store ? endpointList(store) : 'in-server-process',
    );
    const report = await doctor.run();
    process.stdout.write(
      values.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : formatReport(report, { colour: process.stdout.isTTY === true }),
    );
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await store?.close();
    await http.close();
    await simulator?.close();
  }
}

main().catch((error) => {
  process.stderr.write(`doctor failed: ${(error as Error).message}\n`);
  process.exit(1);
});
